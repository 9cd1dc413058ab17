package reach

import (
	"reflect"
)

// linkerdChanges returns the changes of the pairs NetworkPolicy answers
// the same in both states but whose Linkerd answer differs: a Server, an
// authorization, a default policy or a client's service account edited.
// The matrices, compared set for set by the engine, cannot see them. Only
// the pairs with a touched end are evaluated (linkerdTouched); pairs in
// have (already changed) are left out.
func linkerdChanges(before, after *Analysis, merged []mergedNode, have []Change) []Change {
	if before.lkd == nil && after.lkd == nil {
		return nil
	}
	dst, src := linkerdTouched(before, after, merged)
	var pairs [][2]int // merged positions; pairChanges skips repeats
	for k := range merged {
		if !dst[k] && !src[k] {
			continue
		}
		for o := range merged {
			if dst[k] {
				pairs = append(pairs, [2]int{o, k})
			}
			if src[k] {
				pairs = append(pairs, [2]int{k, o})
			}
		}
	}
	if len(pairs) == 0 {
		return nil
	}
	return pairChanges(before, after, merged, have, pairs)
}

// linkerdTouched marks, by merged position, the nodes present in both
// states whose Linkerd answers as a destination (dst) or as a client
// (src) may differ: every destination Linkerd decides for in either state
// when the Linkerd objects or settings differ; else those whose shape
// (linkerdauthz.Shape) differs, and the clients whose identity or meshing
// does.
func linkerdTouched(before, after *Analysis, merged []mergedNode) (dst, src []bool) {
	dst, src = make([]bool, len(merged)), make([]bool, len(merged))
	edited := before.lkd == nil || after.lkd == nil || !reflect.DeepEqual(before.authz.cfg, after.authz.cfg) ||
		!reflect.DeepEqual(before.cluster.MeshPolicies, after.cluster.MeshPolicies)
	for k, m := range merged {
		if m.b < 0 || m.a < 0 {
			continue
		}
		bd, ad := before.nodes[m.b], after.nodes[m.a]
		bs, as := before.lkd.shapeKey(bd), after.lkd.shapeKey(ad)
		dst[k] = bs != as || edited && (bs != "" || as != "")
		src[k] = before.lkd.clientOf(before, bd) != after.lkd.clientOf(after, ad)
	}
	return dst, src
}

// shapeKey is the shape key of endpoint e as a destination, "" when it is
// open or the analysis has no Linkerd layer.
func (t *authzSets) shapeKey(e int) string {
	if t == nil || t.dst[e] < 0 {
		return ""
	}
	return t.shapes[t.dst[e]].Key
}

// clientOf is endpoint e as a client, the zero key without a Linkerd
// layer.
func (t *authzSets) clientOf(a *Analysis, e int) clientKey {
	if t == nil {
		return ""
	}
	return a.clientKeyOf(e)
}

// pairChanges evaluates the given pairs of merged nodes (both ends present
// in both states, not in have) in full: the application ports each state
// really lets through, a change where they differ.
func pairChanges(before, after *Analysis, merged []mergedNode, have []Change, pairs [][2]int) []Change {
	seen := make(map[[2]string]bool, len(have))
	for _, c := range have {
		seen[[2]string{c.From, c.To}] = true
	}
	var out []Change
	for _, p := range pairs {
		s, d := merged[p[0]], merged[p[1]]
		if s.b < 0 || s.a < 0 || d.b < 0 || d.a < 0 || s.id == d.id || seen[[2]string{s.id, d.id}] {
			continue
		}
		seen[[2]string{s.id, d.id}] = true
		bs, bd, as, ad := before.nodes[s.b], before.nodes[d.b], after.nodes[s.a], after.nodes[d.a]
		b, a := before.engine.Allowed(bs, bd), after.engine.Allowed(as, ad)
		if b.IsEmpty() && a.IsEmpty() {
			continue
		}
		b, a = before.usable(bs, bd, b), after.usable(as, ad, a)
		if !b.Equal(a) {
			out = append(out, Change{From: s.id, To: d.id, Before: b, After: a, Lost: b.Subtract(a), Gained: a.Subtract(b)})
		}
	}
	return out
}
