package effective

import (
	"maps"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// withAnnotation returns a copy of c where workload id's pod template has
// annotation k=v (v "" removes it); c is left alone.
func withAnnotation(t *testing.T, c *model.Cluster, id, k, v string) *model.Cluster {
	t.Helper()
	out := *c
	out.Workloads = append([]model.Workload(nil), c.Workloads...)
	for i := range out.Workloads {
		w := &out.Workloads[i]
		if w.ID() != id {
			continue
		}
		w.Template.Annotations = maps.Clone(w.Template.Annotations)
		if w.Template.Annotations == nil {
			w.Template.Annotations = map[string]string{}
		}
		if v == "" {
			delete(w.Template.Annotations, k)
		} else {
			w.Template.Annotations[k] = v
		}
		return &out
	}
	t.Fatalf("no workload %s", id)
	return nil
}

// TestDiffMeshingOnly: a pair whose NetworkPolicy answer is the same in
// both states but whose meshing changed is listed, with the ports explain
// gives in each state (testdata/port-restricted.yaml: api admits web on
// 8080 only, admin admits web on 4143 only).
func TestDiffMeshingOnly(t *testing.T) {
	t.Parallel()
	base := load(t, "testdata/port-restricted.yaml")
	tcp := func(lo, hi int) ports.Set { return ports.Of(model.TCP, lo, hi) }
	cases := []struct {
		name         string
		after        *model.Cluster
		from, to     string
		gained, lost ports.Set
		unchanged    [2]string // a pair with a touched end that must not be listed
	}{
		{"web un-meshed: web reaches api's 8080", withAnnotation(t, base, "shop/web", "linkerd.io/inject", "disabled"),
			"shop/web", "shop/api", tcp(8080, 8080), ports.Set{}, [2]string{"shop/api", "shop/web"}},
		{"web un-meshed: web loses admin's app ports", withAnnotation(t, base, "shop/web", "linkerd.io/inject", "disabled"),
			"shop/web", "shop/admin", ports.Set{}, tcp(1, 4142).Union(tcp(4144, 4189)).Union(tcp(4192, 65535)), [2]string{"shop/api", "shop/web"}},
		{"web skips outbound 8080: web reaches api's 8080", withAnnotation(t, base, "shop/web", "config.linkerd.io/skip-outbound-ports", "8080"),
			"shop/web", "shop/api", tcp(8080, 8080), ports.Set{}, [2]string{"shop/api", "shop/web"}},
		{"admin skips inbound 9000: web loses admin's 9000", withAnnotation(t, base, "shop/admin", "config.linkerd.io/skip-inbound-ports", "9000"),
			"shop/web", "shop/admin", ports.Set{}, tcp(9000, 9000), [2]string{"shop/admin", "shop/web"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, d := diffUnder(t, "2.18", base, tc.after)
			var found bool
			for _, c := range d.Changes {
				if c.From == tc.unchanged[0] && c.To == tc.unchanged[1] {
					t.Errorf("%s → %s listed, its meshing did not change: %+v", c.From, c.To, c)
				}
				if c.From != tc.from || c.To != tc.to {
					continue
				}
				found = true
				if !c.Gained.Equal(tc.gained) || !c.Lost.Equal(tc.lost) {
					t.Errorf("%s → %s: gained %v lost %v, want gained %v lost %v", c.From, c.To, c.Gained, c.Lost, tc.gained, tc.lost)
				}
			}
			if !found {
				t.Fatalf("%s → %s not listed; changes: %+v", tc.from, tc.to, d.Changes)
			}
		})
	}
}
