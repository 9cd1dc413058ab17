package policy

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
// change: as its destinations (rows) and as its sources (cols).
func (st *state) moveCandidates(a, b int32) (rows, cols []int32) {
	ca, cb := &st.classes[a], &st.classes[b]
	allRows := ca.prof[Egress-1] != cb.prof[Egress-1]
	allCols := ca.prof[Ingress-1] != cb.prof[Ingress-1]
	if !allRows || !allCols {
		for _, ref := range st.ruleRefs {
			if ref.pol == nil || st.pols[ref.pol.id] != ref.pol || ref.r.r.allPeers {
				continue
			}
			if (ref.dir == Ingress && allRows) || (ref.dir == Egress && allCols) {
				continue
			}
			if st.ruleHas(ref.pol, ref.r, a, 0) == st.ruleHas(ref.pol, ref.r, b, 0) {
				continue
			}
			for _, c := range st.selectedBy(ref.pol) {
				if ref.pol.has(ref.dir) {
					if ref.dir == Ingress {
						rows = append(rows, c)
					} else {
						cols = append(cols, c)
					}
				}
			}
		}
	}
	if allRows {
		rows = st.liveClasses()
	}
	if allCols {
		cols = st.liveClasses()
	}
	return uniq(rows), uniq(cols)
}
