package policy

import "slices"

// moveChanges returns what endpoint ep moving from class a to class b
// changed: pairs (ep, y) and (y, ep). a and b differ only in labels (the
// endpoint's addresses and ports did not change), so as a peer they differ
// only in the rules with pod peers that match one and not the other.
func (st *state) moveChanges(ep, a, b int32) []Change {
	rows, cols := st.moveCandidates(a, b)
	me := []int32{ep}
	var out []Change
	add := func(from, to []int32, before, after portID) {
		if before != after && len(from) > 0 && len(to) > 0 {
			out = append(out, Change{From: from, To: to, Before: st.pool.set(before), After: st.pool.set(after)})
		}
	}
	for _, x := range rows {
		add(me, st.othersOf(x, ep), st.allowed(a, x), st.allowed(b, x))
	}
	for _, x := range cols {
		add(st.othersOf(x, ep), me, st.allowed(x, a), st.allowed(x, b))
	}
	if !st.eps[ep].Single {
		add(me, me, st.allowed(a, a), st.allowed(b, b))
	}
	return out
}

// othersOf returns the members of class x but ep.
func (st *state) othersOf(x, ep int32) []int32 {
	return removeMember(st.classes[x].members, ep)
}

// moveCandidates lists the classes whose pairs with the moved endpoint may
// change: as its destinations (rows) and as its sources (cols). Only rules
// with a pod peer whose selector tells a and b apart can differ (a and b
// share namespace and addresses).
func (st *state) moveCandidates(a, b int32) (rows, cols []int32) {
	ca, cb := &st.classes[a], &st.classes[b]
	allRows := ca.prof[Egress-1] != cb.prof[Egress-1]
	allCols := ca.prof[Ingress-1] != cb.prof[Ingress-1]
	for _, id := range st.telling(a, b) {
		ref := st.ruleRefs[id]
		if !ref.pol.has(ref.dir) || st.ruleHas(ref.pol, ref.r, a, 0) == st.ruleHas(ref.pol, ref.r, b, 0) {
			continue
		}
		if ref.dir == Ingress {
			rows = append(rows, st.selectedBy(ref.pol)...)
		} else {
			cols = append(cols, st.selectedBy(ref.pol)...)
		}
	}
	if allRows {
		rows = append(rows, st.profileDiffPeers(a, b, Egress)...)
	}
	if allCols {
		cols = append(cols, st.profileDiffPeers(a, b, Ingress)...)
	}
	return uniq(rows), uniq(cols)
}

// profileDiffPeers lists the classes whose answer toward (ingress: from)
// a class can differ between classes a and b of different profiles in
// direction d: every class when only one is isolated, else the peers of
// the rules of the policies selecting one and not the other.
func (st *state) profileDiffPeers(a, b int32, d Direction) []int32 {
	sa, sb := st.classes[a].sel[d-1], st.classes[b].sel[d-1]
	if (len(sa) == 0) != (len(sb) == 0) {
		return st.liveClasses()
	}
	var ps peerSet
	for _, pair := range [][2][]int32{{sa, sb}, {sb, sa}} {
		for _, pi := range pair[0] {
			if !slices.Contains(pair[1], pi) {
				st.rulePeers(st.pols[pi], int(d-1), &ps)
			}
		}
	}
	return ps.classes(st)
}

// telling lists the live rules with a peer whose pod selector matches
// exactly one of classes a and b.
func (st *state) telling(a, b int32) []int32 {
	var out []int32
	for sel, bits := range st.podSels.bits {
		if bits.has(a) == bits.has(b) || sel >= len(st.podSelUsers) {
			continue
		}
		for _, id := range st.podSelUsers[sel] {
			if ref := st.ruleRefs[id]; ref.pol != nil && st.pols[ref.pol.id] == ref.pol {
				out = append(out, id)
			}
		}
	}
	return uniq(out)
}
