package policy

// sides tells which side of allowed (egress at s ∩ ingress at d) an edit
// can change for a class pair (s, d): the ingress side only at the classes
// in in, the egress side only at the classes in eg. A nil *sides says
// either side may change anywhere.
type sides struct{ in, eg bitset }

// Which side of a pair an evaluation keeps from before the edit.
const (
	keepNone = iota
	keepIn   // the ingress side cannot change
	keepEg   // the egress side cannot change
)

// unknownID marks a kept side not computed yet.
const unknownID portID = -1

// editSides returns the sides swapping policy old for new (either may be
// nil) can change: a class's ingress (egress) side changes only when one
// of them selects it for ingress (egress).
func (st *state) editSides(old, new *cpol) *sides {
	sd := &sides{in: newBitset(len(st.classes)), eg: newBitset(len(st.classes))}
	for _, p := range []*cpol{old, new} {
		if p == nil {
			continue
		}
		for _, c := range st.selectedBy(p) {
			if p.has(Ingress) {
				sd.in.set(c)
			}
			if p.has(Egress) {
				sd.eg.set(c)
			}
		}
	}
	return sd
}

func (sd *sides) keep(s, d int32) int {
	switch {
	case sd == nil:
		return keepNone
	case !sd.in.has(d):
		return keepIn
	case !sd.eg.has(s):
		return keepEg
	}
	return keepNone
}

// pairEval holds class pairs, what they allowed before an edit and the
// sides of them the edit cannot change.
type pairEval struct {
	pairs  []uint64
	sd     *sides
	before []portID
	kept   [][2]portID // per pair and family (see families): the kept side
	memo   *egressMemo // nil: none
}

// evalBefore evaluates pairs before an edit that can change sd.
// A memo, when not nil, serves kept egress sides.
func (st *state) evalBefore(pairs []uint64, sd *sides, memo *egressMemo) *pairEval {
	ev := &pairEval{pairs: pairs, sd: sd, before: make([]portID, len(pairs)), memo: memo}
	if sd != nil {
		ev.kept = make([][2]portID, len(pairs))
		for i := range ev.kept {
			ev.kept[i] = [2]portID{unknownID, unknownID}
		}
	}
	cur := int32(-1)
	for i, p := range pairs {
		s, d := unpair(p)
		if d != cur {
			ev.nextDestination()
			cur = d
		}
		ev.before[i] = st.allowedAt(ev, i, s, d)
	}
	return ev
}

// allowedAt is allowed(s, d) for pair i of ev, reusing (and filling in)
// the side of it the edit cannot change.
func (st *state) allowedAt(ev *pairEval, i int, s, d int32) portID {
	k := ev.sd.keep(s, d)
	if k == keepNone {
		return st.allowed(s, d)
	}
	kept := &ev.kept[i]
	fs, n := st.families(s, d)
	out := allID
	for j, f := range fs[:n] {
		var in, eg portID
		if k == keepIn {
			in = st.keptSide(&kept[j], keepIn, s, d, f, nil)
		} else {
			in = st.ingress(d, s, f)
		}
		if in == emptyID {
			return emptyID
		}
		if k == keepEg {
			eg = st.keptSide(&kept[j], keepEg, s, d, f, ev.memo)
		} else {
			eg = st.egress(s, d, f)
		}
		if out = st.pool.interOf(out, st.pool.interOf(in, eg)); out == emptyID {
			return emptyID
		}
	}
	return out
}

// keptSide returns the side k of pair (s, d) on family f from *slot,
// computing it into *slot the first time (an egress side through memo
// when not nil).
func (st *state) keptSide(slot *portID, k int, s, d int32, f ipFamily, memo *egressMemo) portID {
	switch {
	case *slot != unknownID:
	case k == keepIn:
		*slot = st.ingress(d, s, f)
	case memo != nil:
		*slot = memo.egress(st, s, d, f)
	default:
		*slot = st.egress(s, d, f)
	}
	return *slot
}

// nextDestination starts the pairs of another destination class.
func (ev *pairEval) nextDestination() {
	if ev.memo != nil {
		ev.memo.next()
	}
}

// changes re-evaluates the pairs of ev and returns those that differ from
// before, grouped by destination class and answers: one Change per
// destination class, before and after, from every source class that went
// that way. The pairs are sorted, so a destination's pairs are one run.
func (st *state) changes(ev *pairEval) []Change {
	var out []Change
	var groups []changeGroup
	cur := int32(-1)
	for i, p := range ev.pairs {
		s, d := unpair(p)
		if d != cur {
			out = st.flushGroups(out, cur, groups)
			groups, cur = groups[:0], d
			ev.nextDestination()
		}
		after := st.allowedAt(ev, i, s, d)
		before := ev.before[i]
		if after == before {
			continue
		}
		j := 0
		for j < len(groups) && (groups[j].before != before || groups[j].after != after) {
			j++
		}
		if j == len(groups) {
			groups = append(groups, changeGroup{before: before, after: after})
		}
		groups[j].from = append(groups[j].from, st.classes[s].members...)
	}
	return st.flushGroups(out, cur, groups)
}

// changeGroup is the source endpoints of one destination class whose
// pairs changed alike.
type changeGroup struct {
	before, after portID
	from          []int32
}

func (st *state) flushGroups(out []Change, d int32, groups []changeGroup) []Change {
	for _, g := range groups {
		out = append(out, Change{From: g.from, To: st.classes[d].members,
			Before: st.pool.set(g.before), After: st.pool.set(g.after)})
	}
	return out
}
