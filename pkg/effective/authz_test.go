package effective

import (
	"maps"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// TestDiffSeesLinkerdPolicy: a change of Linkerd authorization alone (the
// NetworkPolicies the same) is a change of the matrix, and diff lists
// exactly the pairs whose matrix sets differ, both ways, in every era
// with and without authorization policy.
func TestDiffSeesLinkerdPolicy(t *testing.T) {
	t.Parallel()
	open := load(t, shipped["emojivoto+authz"][:4]...)
	authz := load(t, shipped["emojivoto+authz"]...)
	deny := load(t, shipped["emojivoto+deny-default"]...)
	seedDeny := load(t, shipped["emojivoto"]...)
	for _, era := range []string{"2.10", "2.11", "2.14", "edge-26.8.3"} {
		for name, st := range map[string][2]*model.Cluster{
			"authorization added":   {open, authz},
			"authorization removed": {authz, open},
			"default deny added":    {seedDeny, deny},
		} {
			b, a, d := diffUnder(t, era, st[0], st[1])
			before, after := matrixSets(t, b, "json"), matrixSets(t, a, "json")
			want := map[[2]string]bool{}
			for _, k := range slices.Collect(maps.Keys(before)) {
				if !before[k].Equal(after[k]) {
					want[k] = true
				}
			}
			for k, s := range after {
				if !s.Equal(before[k]) {
					want[k] = true
				}
			}
			got := map[[2]string]bool{}
			for _, c := range d.Changes {
				k := [2]string{c.From, c.To}
				got[k] = true
				if !c.Before.Equal(before[k]) || !c.After.Equal(after[k]) {
					t.Errorf("%s, Linkerd %s: %s → %s: diff %s → %s, matrices %s → %s", name, era, c.From, c.To, c.Before, c.After, before[k], after[k])
				}
			}
			if !maps.Equal(got, want) {
				t.Errorf("%s, Linkerd %s: diff lists %d pairs, the matrices differ in %d", name, era, len(got), len(want))
			}
			if era == "edge-26.8.3" && name != "authorization removed" && len(want) == 0 {
				t.Errorf("%s: the matrices do not differ", name)
			}
		}
	}
}
