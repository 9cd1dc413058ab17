package policy

import (
	"fmt"
	"math/bits"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// symtab interns label keys and values as small integers, so that label
// sets are short sorted integer lists and selectors compare integers.
type symtab struct {
	ids map[string]int32
}

func newSymtab() symtab { return symtab{ids: make(map[string]int32)} }

func (t *symtab) id(s string) int32 {
	if id, ok := t.ids[s]; ok {
		return id
	}
	id := int32(len(t.ids))
	t.ids[s] = id
	return id
}

// kv is one interned label.
type kv struct{ k, v int32 }

// lset is a label set: interned labels sorted by key.
type lset []kv

func (l lset) get(k int32) (int32, bool) {
	for _, p := range l {
		if p.k == k {
			return p.v, true
		}
		if p.k > k {
			break
		}
	}
	return 0, false
}

// makeLset interns m.
func (t *symtab) makeLset(m map[string]string) lset {
	out := make(lset, 0, len(m))
	for k, v := range m {
		out = append(out, kv{t.id(k), t.id(v)})
	}
	slices.SortFunc(out, func(a, b kv) int { return int(a.k) - int(b.k) })
	return out
}

type reqOp uint8

const (
	opIn    reqOp = iota + 1 // In, =, ==: the key is present with one of the values
	opNotIn                  // NotIn, !=: the key is absent or has none of the values
	opExists
	opDoesNotExist
)

// creq is one compiled requirement; vals are sorted.
type creq struct {
	key  int32
	op   reqOp
	vals []int32
}

// csel is a compiled label selector: every requirement must hold (none:
// it matches everything). It answers exactly as the labels.Selector it was
// compiled from.
type csel struct {
	reqs []creq
}

// compileSelector compiles a parsed selector. Requirements of other
// operators (Gt, Lt: a metav1.LabelSelector cannot express them) are an
// error, never a silent match.
func (t *symtab) compileSelector(sel labels.Selector) (csel, error) {
	reqs, _ := sel.Requirements()
	out := csel{reqs: make([]creq, 0, len(reqs))}
	for _, r := range reqs {
		cr := creq{key: t.id(r.Key())}
		switch r.Operator() {
		case selection.In, selection.Equals, selection.DoubleEquals:
			cr.op = opIn
		case selection.NotIn, selection.NotEquals:
			cr.op = opNotIn
		case selection.Exists:
			cr.op = opExists
		case selection.DoesNotExist:
			cr.op = opDoesNotExist
		default:
			return csel{}, fmt.Errorf("unsupported selector operator %q", r.Operator())
		}
		for _, v := range r.ValuesUnsorted() {
			cr.vals = append(cr.vals, t.id(v))
		}
		slices.Sort(cr.vals)
		out.reqs = append(out.reqs, cr)
	}
	return out, nil
}

// matches: In needs the key with one of the values; NotIn the key absent
// or with another value; Exists and DoesNotExist the key's presence.
func (s *csel) matches(l lset) bool {
	for i := range s.reqs {
		r := &s.reqs[i]
		v, has := l.get(r.key)
		var ok bool
		switch r.op {
		case opIn:
			ok = has && contains32(r.vals, v)
		case opNotIn:
			ok = !has || !contains32(r.vals, v)
		case opExists:
			ok = has
		case opDoesNotExist:
			ok = !has
		}
		if !ok {
			return false
		}
	}
	return true
}

func contains32(xs []int32, x int32) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// bitset is a growable set of small non-negative integers.
type bitset []uint64

func newBitset(n int) bitset { return make(bitset, (n+63)/64) }

func (b bitset) has(i int32) bool {
	w := int(i >> 6)
	return w < len(b) && b[w]&(1<<(i&63)) != 0
}

func (b *bitset) set(i int32) {
	w := int(i >> 6)
	for w >= len(*b) {
		*b = append(*b, 0)
	}
	(*b)[w] |= 1 << (i & 63)
}

func (b bitset) clear(i int32) {
	if w := int(i >> 6); w < len(b) {
		b[w] &^= 1 << (i & 63)
	}
}

func (b *bitset) put(i int32, on bool) {
	if on {
		b.set(i)
	} else {
		b.clear(i)
	}
}

// and keeps in b only the members of o (b and o of one length).
func (b bitset) and(o bitset) {
	for w := range b {
		b[w] &= o[w]
	}
}

// or adds to b the members of o (b and o of one length).
func (b bitset) or(o bitset) {
	for w := range b {
		b[w] |= o[w]
	}
}

// andNot removes from b the members of o (b and o of one length).
func (b bitset) andNot(o bitset) {
	for w := range b {
		b[w] &^= o[w]
	}
}

// each calls fn with every member, ascending.
func (b bitset) each(fn func(int32)) {
	for w, word := range b {
		for word != 0 {
			i := bits.TrailingZeros64(word)
			fn(int32(w<<6 | i))
			word &= word - 1
		}
	}
}
