package policy

import (
	"slices"
)

// namespacePairs lists the class pairs a flip of namespace selectors on
// namespace ns can change: the classes of ns as peers of the rules that use
// those selectors, against the classes those rules' policies select,
// where what the policy admits differs after the flip.
func (st *state) namespacePairs(ns int32, flipped []int32) []uint64 {
	var out []uint64
	var local []int32
	for _, c := range st.nss[ns].classes {
		if len(st.classes[c].members) > 0 {
			local = append(local, c)
		}
	}
	if st.tiers.usesNamespaceSelector(flipped) {
		// A tier subject or peer flips: what the tiers decide for the
		// namespace's classes, both ways, toward every class.
		for _, c := range local {
			for _, o := range st.liveClasses() {
				out = append(out, pairOf(c, o), pairOf(o, c))
			}
		}
	}
	type polDir struct {
		p *cpol
		d int
	}
	var affected []polDir
	for _, ref := range st.ruleRefs {
		if ref.pol == nil || st.pols[ref.pol.id] != ref.pol || !ref.r.uses(flipped) {
			continue
		}
		if pd := (polDir{ref.pol, int(ref.dir - 1)}); !slices.Contains(affected, pd) {
			affected = append(affected, pd)
		}
	}
	for _, pd := range affected {
		for _, c := range st.selectedBy(pd.p) {
			if !pd.p.has(Direction(pd.d + 1)) {
				continue
			}
			for _, o := range local {
				if !st.flipDiffers(pd.p, pd.d, c, o, flipped) {
					continue
				}
				if pd.d == int(Ingress-1) {
					out = append(out, pairOf(o, c))
				} else {
					out = append(out, pairOf(c, o))
				}
			}
		}
	}
	return uniqPairs(out)
}

// flipDiffers reports whether what p admits in direction d between its
// selected class c and peer class o changes when flip is negated.
func (st *state) flipDiffers(p *cpol, d int, c, o int32, flip []int32) bool {
	s, dst := o, c
	if d == int(Egress-1) {
		s, dst = c, o
	}
	fs, n := st.families(s, dst)
	for _, f := range fs[:n] {
		if st.contribution(p, d, c, o, f, nil) != st.contribution(p, d, c, o, f, flip) {
			return true
		}
	}
	return false
}

// uses reports whether a peer of r uses one of the namespace selectors.
func (r *crule) uses(nsSels []int32) bool {
	for _, pe := range r.peers {
		if pe.block < 0 && pe.nsSel >= 0 && slices.Contains(nsSels, pe.nsSel) {
			return true
		}
	}
	return false
}
