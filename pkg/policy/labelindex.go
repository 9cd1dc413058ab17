package policy

// labelIndex lists the selectable classes by label and by label key, so
// that a selector is evaluated from the lists of the labels it names
// instead of being tested on every class: app=web is the list of classes
// labelled app=web. A class has one value per key, so the lists of one
// key's values are disjoint. Long lists are also kept as bitsets (made on
// first use), which combine a word at a time.
type labelIndex struct {
	selectable bitset
	byKV       map[kv][]int32
	byKey      map[int32][]int32
	kvBits     map[kv]bitset
	keyBits    map[int32]bitset
	scratch    bitset
}

func (st *state) newLabelIndex() *labelIndex {
	n := len(st.classes)
	x := &labelIndex{byKV: map[kv][]int32{}, byKey: map[int32][]int32{}, kvBits: map[kv]bitset{}, keyBits: map[int32]bitset{},
		selectable: newBitset(n), scratch: newBitset(n)}
	for c := range st.classes {
		cl := &st.classes[c]
		if !cl.selectable {
			continue
		}
		x.selectable.set(int32(c))
		for _, l := range cl.labels {
			x.byKV[l] = append(x.byKV[l], int32(c))
			x.byKey[l.k] = append(x.byKey[l.k], int32(c))
		}
	}
	return x
}

// evaluate sets in bits (zeroed, sized for every class) the classes sel
// matches: exactly those for which sel.matches holds on a selectable
// class. It starts from the classes meeting the In or Exists requirement
// with the fewest of them (every selectable class when there is none),
// keeps those meeting the other In and Exists requirements, and removes
// those breaking a NotIn or DoesNotExist requirement.
func (x *labelIndex) evaluate(sel *csel, bits bitset) {
	base, least := -1, 0
	for i := range sel.reqs {
		if n, ok := x.count(&sel.reqs[i]); ok && (base < 0 || n < least) {
			base, least = i, n
		}
	}
	if base < 0 {
		copy(bits, x.selectable)
	} else {
		x.apply(&sel.reqs[base], bits, true)
	}
	for i := range sel.reqs {
		r := &sel.reqs[i]
		switch {
		case i == base:
		case r.op == opIn || r.op == opExists:
			clear(x.scratch)
			x.apply(r, x.scratch, true)
			bits.and(x.scratch)
		default: // NotIn, DoesNotExist: remove the classes with the values, or the key
			x.apply(r, bits, false)
		}
	}
}

// count returns how many classes meet an In or Exists requirement (false
// for the other operators).
func (x *labelIndex) count(r *creq) (int, bool) {
	switch r.op {
	case opIn:
		n := 0
		for _, v := range r.vals {
			n += len(x.byKV[kv{r.key, v}])
		}
		return n, true
	case opExists:
		return len(x.byKey[r.key]), true
	}
	return 0, false
}

// apply adds to bits (on) or removes from it the classes with the key of
// r (Exists, DoesNotExist), or with one of its values (In, NotIn). A list
// longer than bits has words is combined as a bitset.
func (x *labelIndex) apply(r *creq, bits bitset, on bool) {
	if r.op == opExists || r.op == opDoesNotExist {
		if list := x.byKey[r.key]; len(list) > len(bits) {
			combine(bits, on, cachedBits(x.keyBits, r.key, list, len(bits)))
		} else {
			putEach(bits, on, list)
		}
		return
	}
	for _, v := range r.vals {
		l := kv{r.key, v}
		if list := x.byKV[l]; len(list) > len(bits) {
			combine(bits, on, cachedBits(x.kvBits, l, list, len(bits)))
		} else {
			putEach(bits, on, list)
		}
	}
}

func combine(bits bitset, on bool, o bitset) {
	if on {
		bits.or(o)
	} else {
		bits.andNot(o)
	}
}

func putEach(bits bitset, on bool, list []int32) {
	for _, c := range list {
		bits.put(c, on)
	}
}

// cachedBits returns m[k], made from list (words long) on first use.
func cachedBits[K comparable](m map[K]bitset, k K, list []int32, words int) bitset {
	if b, ok := m[k]; ok {
		return b
	}
	b := make(bitset, words)
	for _, c := range list {
		b.set(c)
	}
	m[k] = b
	return b
}
