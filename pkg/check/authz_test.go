package check

import (
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// TestLinkerdAuthorizationFlows: with the default inbound policy deny in
// emojivoto and linkerd-viz (and no NetworkPolicy), Prometheus can no
// longer scrape the proxies (linkerd2 #10691): the check reports the
// flows Linkerd authorization refuses, and nothing when it admits them.
func TestLinkerdAuthorizationFlows(t *testing.T) {
	t.Parallel()
	const ex = "../../examples/emojivoto-linkerd/"
	base := []string{ex + "namespaces.yaml", ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", ex + "emojivoto.yaml"}
	tests := []struct {
		name   string
		inputs []string
		want   []string // IDs of the Linkerd authorization results
	}{
		{"all-unauthenticated", base, nil},
		{"deny in emojivoto and linkerd-viz", append(slices.Clone(base), "testdata/deny-default.yaml"),
			[]string{"prometheus-to-proxy-admin-authorized", "prometheus-to-viz-admin-authorized", "web-to-metrics-api-authorized", "metrics-api-to-prometheus-authorized"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, in := loadLinkerd(t, tt.inputs, "")
			var got []string
			for _, r := range mustRun(t, c, in).Results {
				if strings.HasSuffix(r.ID, "-authorized") {
					got = append(got, r.ID)
					if r.Status == StatusOK || r.Fixable || len(r.Details) == 0 {
						t.Errorf("%s: status %s fixable %v details %q", r.ID, r.Status, r.Fixable, r.Details)
					}
				}
			}
			slices.Sort(got)
			want := slices.Sorted(slices.Values(tt.want))
			if !slices.Equal(got, want) {
				t.Errorf("Linkerd authorization results %q, want %q", got, want)
			}
		})
	}
}

// loadLinkerd loads the manifests and detects Linkerd (release version
// when not empty).
func loadLinkerd(t *testing.T, inputs []string, version string) (*model.Cluster, *linkerd.Install) {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := linkerd.Detect(c, version)
	if err != nil {
		t.Fatal(err)
	}
	return c, in
}
