package policy

import (
	"slices"
)

// policyPairs lists the class pairs policies old and new can decide: for
// ingress, the classes either selects against the classes their ingress
// peers match, where what the two policies admit differs (every class
// when the selection of some class for ingress begins or ends with them);
// likewise for egress.
// The list is x's scratch, valid until the next edit.
func (x *Incremental) policyPairs(old, new *cpol) []uint64 {
	out := x.pairs[:0]
	for d := range 2 {
		out = x.st.directionPairs(out, old, new, d)
	}
	x.pairs = out
	return uniqPairs(out)
}

// directionPairs appends the pairs of policyPairs in direction d.
func (st *state) directionPairs(out []uint64, old, new *cpol, d int) []uint64 {
	var sel []int32
	var peers peerSet
	for _, p := range []*cpol{old, new} {
		if p != nil && p.has(Direction(d+1)) {
			sel = append(sel, st.selectedBy(p)...)
		}
	}
	st.editPeers(old, new, d, &peers)
	_, portsOnly := changedRules(old, new, d)
	var pe portEdit
	var all, others []int32
	for _, c := range uniq(sel) {
		toggles := st.togglesIsolation(c, d, old, new)
		switch {
		case toggles && all == nil:
			all = st.liveClasses()
		case !toggles && others == nil:
			others = peers.classes(st)
		}
		os := others
		if toggles {
			os = all
		}
		fast := portsOnly && !toggles && d == int(Ingress-1)
		if fast {
			st.portEditAt(old, new, c, &pe)
		}
		for _, o := range os {
			switch {
			case toggles:
			case fast:
				if !st.portEditDiffers(new, &pe, c, o) {
					continue
				}
			case !st.contributionDiffers(old, new, d, c, o):
				continue
			}
			if d == int(Ingress-1) {
				out = append(out, pairOf(o, c))
			} else {
				out = append(out, pairOf(c, o))
			}
		}
	}
	return out
}

// contributionDiffers reports whether policies old and new admit
// different ports in direction d between the class c they may select and
// the peer class o, on some family the pair uses.
func (st *state) contributionDiffers(old, new *cpol, d int, c, o int32) bool {
	s, dst := o, c
	if d == int(Egress-1) {
		s, dst = c, o
	}
	fs, n := st.families(s, dst)
	for _, f := range fs[:n] {
		if st.contribution(old, d, c, o, f, nil) != st.contribution(new, d, c, o, f, nil) {
			return true
		}
	}
	return false
}

// contribution is what the rules of p (nil: none) in direction d admit
// between the class c it selects (else nothing) and the peer class o, on
// family f, with the namespace selectors of flip read negated.
func (st *state) contribution(p *cpol, d int, c, o int32, f ipFamily, flip []int32) portID {
	if p == nil || !p.has(Direction(d+1)) || !st.selects(p, c) {
		return emptyID
	}
	dst := c
	if d == int(Egress-1) {
		dst = o
	}
	acc := emptyID
	for i := range p.rules[d] {
		r := &p.rules[d][i]
		if !r.r.AllPeers && !st.ruleHasFlipped(p, r, o, f, flip) {
			continue
		}
		acc = st.pool.unionOf(acc, st.resolve(r, st.classes[dst].sig))
	}
	return acc
}

// ruleHasFlipped is ruleHas with the namespace selectors of flip negated.
func (st *state) ruleHasFlipped(p *cpol, r *crule, c int32, f ipFamily, flip []int32) bool {
	if len(flip) == 0 {
		return st.ruleHas(p, r, c, f)
	}
	for i := range r.peers {
		pe := &r.peers[i]
		if pe.block >= 0 || pe.nsSel < 0 || !slices.Contains(flip, pe.nsSel) {
			if st.peerHas(p, pe, c, f) {
				return true
			}
			continue
		}
		cl := &st.classes[c]
		if cl.selectable && !st.nsSels.bits[pe.nsSel].has(cl.ns) && (pe.podSel < 0 || st.podSels.bits[pe.podSel].has(c)) {
			return true
		}
	}
	return false
}

// togglesIsolation reports whether swapping old for new makes class c
// isolated, or no longer isolated, in direction d.
func (st *state) togglesIsolation(c int32, d int, old, new *cpol) bool {
	before := len(st.classes[c].sel[d]) > 0
	after := false
	for _, pi := range st.classes[c].sel[d] {
		if old == nil || pi != old.id {
			after = true
		}
	}
	if new != nil && new.has(Direction(d+1)) && st.selects(new, c) {
		after = true
	}
	return before != after
}

func (p *cpol) has(d Direction) bool { return p.c.Isolates[d.side()] }

// selects reports whether policy p's pod selector picks class c.
func (st *state) selects(p *cpol, c int32) bool {
	cl := &st.classes[c]
	return cl.selectable && cl.ns == p.ns && st.podSels.bits[p.podSel].has(c)
}

// selectedBy lists the live classes p selects (whatever its types).
func (st *state) selectedBy(p *cpol) []int32 {
	var out []int32
	for _, c := range st.nss[p.ns].classes {
		if len(st.classes[c].members) > 0 && st.selects(p, c) {
			out = append(out, c)
		}
	}
	return out
}

// peerSet collects classes, or all of them.
type peerSet struct {
	all  bool
	list []int32
}

// rulePeers adds the classes the rules of p in direction d admit as peers.
func (st *state) rulePeers(p *cpol, d int, ps *peerSet) {
	for i := range p.rules[d] {
		if st.rulePeersOf(p, &p.rules[d][i], ps); ps.all {
			return
		}
	}
}

func (ps *peerSet) classes(st *state) []int32 {
	if !ps.all {
		return uniq(ps.list)
	}
	return st.liveClasses()
}

// liveClasses lists the classes that have endpoints.
func (st *state) liveClasses() []int32 {
	var out []int32
	for c := range st.classes {
		if len(st.classes[c].members) > 0 {
			out = append(out, int32(c))
		}
	}
	return out
}

// pairOf packs the class pair (s, d) destination first, so that sorted
// pairs run by destination (see changes).
func pairOf(s, d int32) uint64     { return uint64(uint32(d))<<32 | uint64(uint32(s)) }
func unpair(p uint64) (s, d int32) { return int32(uint32(p)), int32(p >> 32) }

func uniq(xs []int32) []int32 {
	slices.Sort(xs)
	return slices.Compact(xs)
}

func uniqPairs(xs []uint64) []uint64 {
	slices.Sort(xs)
	return slices.Compact(xs)
}
