package reach

import (
	"cmp"
	"maps"
	"slices"

	"github.com/podreach/podreach/pkg/model"
)

// meshChanges returns the changes of the pairs NetworkPolicy answers the
// same in both states but whose application ports really usable differ
// because one end's meshing changed (an inject annotation added or
// removed, a skip-inbound/outbound-ports or opaque-ports annotation
// edited): the matrices, compared set for set, cannot see them. Only the
// pairs with an end present in both states whose effective spec changed
// in annotations or containers are evaluated; pairs in have (already
// changed) are left out.
func meshChanges(before, after *Analysis, merged []mergedNode, have []Change) []Change {
	if before.opts.mesh == nil && after.opts.mesh == nil {
		return nil
	}
	var touched []int // merged positions
	isTouched := make([]bool, len(merged))
	for k, m := range merged {
		if m.b >= 0 && m.a >= 0 && transportEdited(before.specs[before.nodes[m.b]], after.specs[after.nodes[m.a]]) {
			touched, isTouched[k] = append(touched, k), true
		}
	}
	if len(touched) == 0 {
		return nil
	}
	var pairs [][2]int
	for _, k := range touched {
		for o := range merged {
			pairs = append(pairs, [2]int{k, o})
			if !isTouched[o] {
				pairs = append(pairs, [2]int{o, k})
			}
		}
	}
	return pairChanges(before, after, merged, have, pairs)
}

// transportEdited reports whether a node's effective spec differs between
// the states in what a mesh reads to route its traffic: its annotations
// or its containers (an injected proxy).
func transportEdited(b, a *model.PodSpec) bool {
	if b == nil || a == nil {
		return false
	}
	return !maps.Equal(b.Annotations, a.Annotations) || !slices.Equal(containerNames(b), containerNames(a))
}

func containerNames(p *model.PodSpec) []string {
	out := make([]string, len(p.Containers))
	for i, c := range p.Containers {
		out[i] = c.Name
	}
	return out
}

// sortChanges sorts changes by From, then To.
func sortChanges(cs []Change) {
	slices.SortFunc(cs, func(x, y Change) int {
		return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To))
	})
}
