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
	seen := make(map[[2]string]bool, len(have))
	for _, c := range have {
		seen[[2]string{c.From, c.To}] = true
	}
	var out []Change
	add := func(s, d mergedNode) {
		if s.b < 0 || s.a < 0 || d.b < 0 || d.a < 0 || s.id == d.id || seen[[2]string{s.id, d.id}] {
			return
		}
		bs, bd, as, ad := before.nodes[s.b], before.nodes[d.b], after.nodes[s.a], after.nodes[d.a]
		b, a := before.engine.Allowed(bs, bd), after.engine.Allowed(as, ad)
		if b.IsEmpty() && a.IsEmpty() {
			return
		}
		b, a = before.usable(bs, bd, b), after.usable(as, ad, a)
		if !b.Equal(a) {
			out = append(out, Change{From: s.id, To: d.id, Before: b, After: a, Lost: b.Subtract(a), Gained: a.Subtract(b)})
		}
	}
	for _, k := range touched {
		for o := range merged {
			add(merged[k], merged[o])
			if !isTouched[o] {
				add(merged[o], merged[k])
			}
		}
	}
	return out
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
