package policy

import "slices"

// moveChanges returns what endpoint ep moving from class a to class b
// changed: pairs (ep, y) and (y, ep). a and b differ only in labels (the
// endpoint's addresses and ports did not change), so as a peer they differ
// only in the rules with pod peers that match one and not the other.
// Pairs that changed alike share a Change.
func (st *state) moveChanges(ep, a, b int32) []Change {
	rows, cols := st.moveCandidates(a, b)
	var g moveGroups
	for _, x := range rows {
		if before, after := st.movedRow(a, b, x); before != after {
			g.add(moveKey{false, before, after}, st.othersOf(x, ep))
		}
	}
	for _, x := range cols {
		if before, after := st.movedCol(a, b, x); before != after {
			g.add(moveKey{true, before, after}, st.othersOf(x, ep))
		}
	}
	me := []int32{ep}
	out := make([]Change, 0, len(g.keys)+1)
	for i, k := range g.keys {
		c := Change{From: me, To: g.peers[i], Before: st.pool.set(k.before), After: st.pool.set(k.after)}
		if k.col {
			c.From, c.To = c.To, c.From
		}
		out = append(out, c)
	}
	if before, after := st.allowed(a, a), st.allowed(b, b); !st.eps[ep].Single && before != after {
		out = append(out, Change{From: me, To: me, Before: st.pool.set(before), After: st.pool.set(after)})
	}
	return out
}

// movedRow is allowed(a, x), allowed(b, x). Classes of one egress profile
// and the same addresses admit the same egress toward x: it evaluates
// that side once.
func (st *state) movedRow(a, b, x int32) (pa, pb portID) {
	ca, cb := &st.classes[a], &st.classes[b]
	if ca.prof[Egress-1] != cb.prof[Egress-1] || ca.fams != cb.fams || !st.tierSameProfile(a, b, Egress) {
		return st.allowed(a, x), st.allowed(b, x)
	}
	fs, n := st.families(a, x)
	pa, pb = allID, allID
	for _, f := range fs[:n] {
		ia, ib := st.ingress(x, a, f), st.ingress(x, b, f)
		if ia == emptyID && ib == emptyID {
			return emptyID, emptyID
		}
		eg := st.egress(a, x, f)
		pa, pb = st.pool.interOf(pa, st.pool.interOf(ia, eg)), st.pool.interOf(pb, st.pool.interOf(ib, eg))
	}
	return pa, pb
}

// movedCol is allowed(x, a), allowed(x, b): likewise, classes of one
// ingress profile (which holds the named ports) and the same addresses
// admit the same ingress from x.
func (st *state) movedCol(a, b, x int32) (pa, pb portID) {
	ca, cb := &st.classes[a], &st.classes[b]
	if ca.prof[Ingress-1] != cb.prof[Ingress-1] || ca.fams != cb.fams || !st.tierSameProfile(a, b, Ingress) {
		return st.allowed(x, a), st.allowed(x, b)
	}
	fs, n := st.families(x, a)
	pa, pb = allID, allID
	for _, f := range fs[:n] {
		in := st.ingress(a, x, f)
		if in == emptyID {
			return emptyID, emptyID
		}
		pa = st.pool.interOf(pa, st.pool.interOf(in, st.egress(x, a, f)))
		pb = st.pool.interOf(pb, st.pool.interOf(in, st.egress(x, b, f)))
	}
	return pa, pb
}

// moveKey is a group of moveChanges: pairs (ep, y), or (y, ep) when col,
// that went from before to after.
type moveKey struct {
	col           bool
	before, after portID
}

// moveGroups collects the endpoints y of each group, in order of first
// sight.
type moveGroups struct {
	index map[moveKey]int
	keys  []moveKey
	peers [][]int32
}

func (g *moveGroups) add(k moveKey, ys []int32) {
	if len(ys) == 0 {
		return
	}
	if g.index == nil {
		g.index = map[moveKey]int{}
	}
	i, ok := g.index[k]
	if !ok {
		i = len(g.keys)
		g.index[k] = i
		g.keys, g.peers = append(g.keys, k), append(g.peers, nil)
	}
	g.peers[i] = append(g.peers[i], ys...)
}

// othersOf returns the members of class x but ep.
func (st *state) othersOf(x, ep int32) []int32 {
	return removeMember(st.classes[x].members, ep)
}

// moveCandidates lists the classes whose pairs with the moved endpoint may
// change: as its destinations (rows) and as its sources (cols). Only rules
// with a pod peer whose selector tells a and b apart can differ (a and b
// share namespace and addresses); when the cluster policy tiers tell them
// apart (a subject selects one and not the other, a peer matches one and
// not the other), every class.
func (st *state) moveCandidates(a, b int32) (rows, cols []int32) {
	if !st.tierAlike(a, b) {
		live := st.liveClasses()
		return live, live
	}
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
