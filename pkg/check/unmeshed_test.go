package check

import (
	"slices"
	"strings"
	"testing"
)

// TestUnmeshedClients: the line about unmeshed clients of meshed servers,
// one rule per case; tools/curl is an unmeshed pod.
func TestUnmeshedClients(t *testing.T) {
	t.Parallel()
	const ex, td = "../../examples/emojivoto-linkerd/", "testdata/unmeshed/"
	base := []string{ex + "namespaces.yaml", ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", ex + "emojivoto.yaml", td + "client.yaml"}
	with := func(files ...string) []string { return append(slices.Clone(base), files...) }
	tests := []struct {
		name    string
		inputs  []string
		version string
		want    []string // substrings of the details; none: ✔
	}{
		{name: "no policy, all-unauthenticated: ✔", inputs: base},
		{name: "2.18+: admitted on 4143 only, an unmeshed client is blocked on the application port", inputs: with(td + "proxy-port-only.yaml"),
			want: []string{"admitted on the proxy's inbound port only", "tools/curl → emojivoto/emoji:8080 (admitted on 4143 only)"}},
		{name: "2.17: meshed clients arrive on the application port too: nothing to tell", inputs: with(td + "proxy-port-only.yaml"), version: "2.17"},
		{name: "all-authenticated refuses the unauthenticated client NetworkPolicy admits", inputs: with(td + "all-authenticated.yaml"),
			want: []string{"refused by the destination's proxy", "tools/curl → emojivoto/emoji:8080: Linkerd deny (default_denies)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, in := loadLinkerd(t, tt.inputs, tt.version)
			r := resultByID(t, mustRun(t, c, in), "meshed-app-traffic-unmeshed-clients")
			details := strings.Join(r.Details, "\n")
			if len(tt.want) == 0 {
				if r.Status != StatusOK {
					t.Errorf("%s %s, want ✔", r.Status.Symbol(), details)
				}
				return
			}
			if r.Status != StatusWarning || r.Fixable {
				t.Errorf("status %s fixable %v, want ‼ and not fixable", r.Status, r.Fixable)
			}
			for _, w := range tt.want {
				if !strings.Contains(details, w) {
					t.Errorf("details %q, want %q", details, w)
				}
			}
		})
	}
}

// TestBypassLinkerdRefuses: a meshed client that NetworkPolicy admits on
// 4143 but not on the application port bypasses the restriction, unless
// the destination's proxy refuses it on that port (the Servers of
// examples/emojivoto-authz admit only web on voting's grpc).
func TestBypassLinkerdRefuses(t *testing.T) {
	t.Parallel()
	const ex, td = "../../examples/emojivoto-linkerd/", "testdata/unmeshed/"
	base := []string{ex + "namespaces.yaml", ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", ex + "emojivoto.yaml", td + "bypass.yaml"}
	tests := []struct {
		name   string
		inputs []string
		want   Status
	}{
		{"no Linkerd policy: meshed clients bypass", base, StatusWarning},
		{"a Server admitting only web: no bypass", append(slices.Clone(base), "../../examples/emojivoto-authz/authz.yaml"), StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, in := loadLinkerd(t, tt.inputs, "")
			r := resultByID(t, mustRun(t, c, in), "meshed-app-traffic-port-bypass")
			if r.Status != tt.want {
				t.Errorf("%s %v, want %s", r.Status.Symbol(), r.Details, tt.want.Symbol())
			}
		})
	}
}
