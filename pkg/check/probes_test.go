package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/reach"
)

// TestKubeletProbes: the probe lines of check, one rule per case. The
// books workload has a readiness probe GET /ready on port http (7000) and
// a liveness probe GET /live?verbose=1 on 7000; a line is written for a
// probe on a port whose Server has routes, or that the proxy refuses.
func TestKubeletProbes(t *testing.T) {
	t.Parallel()
	const ex, td = "../../examples/emojivoto-linkerd/", "testdata/probes/"
	base := []string{ex + "namespaces.yaml", ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", ex + "emojivoto.yaml", td + "app.yaml"}
	with := func(files ...string) []string { return append(slices.Clone(base), files...) }
	tests := []struct {
		name    string
		inputs  []string
		version string
		want    []string // "✔|‼|× description"
	}{
		{name: "all-unauthenticated: no line", inputs: base},
		{name: "default deny (2.12+): probe paths stay authorized, no line", inputs: with(td + "deny.yaml")},
		{name: "Server without routes: probes stay authorized, no line", inputs: with(td + "server.yaml")},
		{name: "default deny in 2.11: probes refused (#7143)", inputs: with(td + "deny.yaml"), version: "2.11",
			want: []string{"× kubelet → emojivoto/books probe 7000/live", "× kubelet → emojivoto/books probe 7000/ready"}},
		{name: "routes attached, none admits the kubelet", inputs: with(td+"server.yaml", td+"route.yaml"),
			want: []string{"× kubelet → emojivoto/books probe 7000/live", "× kubelet → emojivoto/books probe 7000/ready"}},
		{name: "a route admits the kubelet: the path match is not evaluated", inputs: with(td+"server.yaml", td+"route.yaml", td+"route-kubelet.yaml"),
			want: []string{"‼ kubelet → emojivoto/books probe 7000/live", "‼ kubelet → emojivoto/books probe 7000/ready"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, in := loadLinkerd(t, tt.inputs, tt.version)
			rep, a, err := Run(c, in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range rep.Results {
				if r.Anchor != probeAnchor {
					continue
				}
				got = append(got, r.Status.Symbol()+" "+r.Description)
				if r.Status != StatusOK && len(r.Refused) != 1 {
					t.Errorf("%s: refused %+v, want the probe", r.Description, r.Refused)
				}
				explainAgrees(t, a, r)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("probe lines (-want +got):\n%s", diff)
			}
		})
	}
}

// explainAgrees: `explain --from 0.0.0.0/0 --to <workload> --port <port>`
// gives the probe line's answer on the connection: Linkerd denies it
// exactly when the line is ×.
func explainAgrees(t *testing.T, a *reach.Analysis, r Result) {
	t.Helper()
	var wl, portPath string
	fields := strings.Fields(r.Description) // kubelet → ns/name probe 7000/path
	wl, portPath = fields[2], fields[4]
	port, _, _ := strings.Cut(portPath, "/")
	ps, err := reach.ParsePortSpec(port, "")
	if err != nil {
		t.Fatal(err)
	}
	x, err := a.Explain("0.0.0.0/0", wl, ps, "")
	if err != nil {
		t.Fatal(err)
	}
	d, ok := x.LinkerdAt(0)
	if !ok {
		t.Fatalf("explain %s: no Linkerd answer", r.Description)
	}
	if (d.Verdict == linkerdauthz.Deny) != (r.Status == StatusError) {
		t.Errorf("%s %s, but explain --from 0.0.0.0/0 says Linkerd %s (%s)", r.Status.Symbol(), r.Description, d.Verdict, d.Code)
	}
}
