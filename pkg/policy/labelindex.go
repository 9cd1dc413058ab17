package policy

// labelIndex lists the selectable classes by label and by label key, so
// that a selector is evaluated only on the classes that can match it: one
// requiring app=web only on the classes labelled app=web.
type labelIndex struct {
	all        []int32
	selectable bitset
	byKV       map[kv][]int32
	byKey      map[int32][]int32
}

func (st *state) newLabelIndex() *labelIndex {
	x := &labelIndex{byKV: map[kv][]int32{}, byKey: map[int32][]int32{}, selectable: newBitset(len(st.classes))}
	for c := range st.classes {
		cl := &st.classes[c]
		if !cl.selectable {
			continue
		}
		x.all = append(x.all, int32(c))
		x.selectable.set(int32(c))
		for _, l := range cl.labels {
			x.byKV[l] = append(x.byKV[l], int32(c))
			x.byKey[l.k] = append(x.byKey[l.k], int32(c))
		}
	}
	return x
}

// evaluate sets in bits the classes sel matches. A selector with an In or
// Exists requirement is evaluated on the classes that can meet it; one
// without (NotIn, DoesNotExist, or nothing) matches every selectable class
// but those that break one of its requirements.
func (x *labelIndex) evaluate(sel *csel, bits bitset, classes []class) {
	positive := false
	for _, r := range sel.reqs {
		positive = positive || r.op == opIn || r.op == opExists
	}
	if positive {
		for _, c := range x.candidates(sel) {
			if sel.matches(classes[c].labels) {
				bits.set(c)
			}
		}
		return
	}
	copy(bits, x.selectable)
	for _, r := range sel.reqs {
		if r.op == opDoesNotExist {
			for _, c := range x.byKey[r.key] {
				bits.clear(c)
			}
			continue
		}
		for _, v := range r.vals { // NotIn
			for _, c := range x.byKV[kv{r.key, v}] {
				bits.clear(c)
			}
		}
	}
}

// candidates returns the classes sel may match: for its most selective In
// or Exists requirement, the classes with one of its values or with its
// key; every selectable class when it has neither.
func (x *labelIndex) candidates(sel *csel) []int32 {
	best := x.all
	for i := range sel.reqs {
		r := &sel.reqs[i]
		var cs []int32
		switch r.op {
		case opIn:
			if len(r.vals) == 0 {
				return nil // In of nothing matches nothing
			}
			if len(r.vals) == 1 {
				cs = x.byKV[kv{r.key, r.vals[0]}]
			} else if cs = x.union(r, len(best)); cs == nil {
				continue
			}
		case opExists:
			cs = x.byKey[r.key]
		default:
			continue
		}
		if len(cs) < len(best) {
			best = cs
		}
	}
	return best
}

// union lists the classes with one of r's values (a class has one value
// per key: no duplicates), or nil when they are limit or more.
func (x *labelIndex) union(r *creq, limit int) []int32 {
	n := 0
	for _, v := range r.vals {
		n += len(x.byKV[kv{r.key, v}])
	}
	if n >= limit {
		return nil
	}
	out := make([]int32, 0, n)
	for _, v := range r.vals {
		out = append(out, x.byKV[kv{r.key, v}]...)
	}
	return out
}
