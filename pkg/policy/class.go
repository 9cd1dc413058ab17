package policy

import (
	"cmp"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// endpointKey appends the class key of endpoint i: what selectors, ipBlocks
// and named ports can see of it. Externals and host-network pods are
// matched only by ipBlock, so their namespace and labels do not count.
func (st *state) endpointKey(b []byte, i int32) []byte {
	ep := &st.eps[i]
	switch {
	case ep.IsExternal():
		b = append(b, 'x')
	case ep.HostNetwork:
		b = append(b, 'h')
		b = appendInt32(b, st.sigs.of(ep.Ports))
	default:
		b = append(b, 'p')
		b = appendInt32(b, st.namespace(ep.Namespace))
		b = appendInt32(b, st.sigs.of(ep.Ports))
		st.lsetTmp = st.projectedLset(st.lsetTmp[:0], ep.Labels)
		for _, l := range st.lsetTmp {
			b = appendInt32(appendInt32(b, l.k), l.v)
		}
	}
	f := ep.addrFamilies()
	b = append(b, '|', boolByte(f[0]), boolByte(f[1]))
	for _, bl := range st.blocksOf[i] {
		b = appendInt32(b, bl)
	}
	if st.tiers != nil {
		b = st.tiers.addrKey(b, ep) // last: tierKey reads it there
	}
	return b
}

func boolByte(b bool) byte {
	if b {
		return 1
	}
	return 0
}

func appendInt32(b []byte, v int32) []byte {
	return append(b, byte(v>>24), byte(v>>16), byte(v>>8), byte(v))
}

// classFor returns the class with key, creating it (not yet evaluated)
// from endpoint ep when there is none.
func (st *state) classFor(key []byte, ep int32) int32 {
	if id, ok := st.classIndex[string(key)]; ok {
		return id
	}
	return st.addClass(string(key), ep)
}

// addClass adds the class with key (which no class has) of endpoint ep,
// not yet evaluated, and returns its id.
func (st *state) addClass(key string, ep int32) int32 {
	e := &st.eps[ep]
	cl := class{ns: -1, selectable: e.selectable(), key: key, blocks: st.blocksOf[ep], prof: [2]int32{-1, -1},
		fams: e.addrFamilies()}
	if !e.IsExternal() {
		cl.sig = st.sigs.of(e.Ports)
	}
	if cl.selectable {
		cl.ns = st.namespace(e.Namespace)
		cl.labels = st.projectedLset(make(lset, 0, min(len(e.Labels), len(st.projKeys))), e.Labels)
	}
	id := int32(len(st.classes))
	st.classes = append(st.classes, cl)
	if st.tiers != nil {
		st.tiers.stale = true
	}
	st.classIndex[cl.key] = id
	if cl.selectable {
		st.nss[cl.ns].classes = append(st.nss[cl.ns].classes, id)
	}
	return id
}

// sigTable interns the named container ports of endpoints (named policy
// ports resolve on them). Signature 0 is "no named ports".
type sigTable struct {
	ports [][]model.ContainerPort
	index map[string]int32
	key   []byte
	tmp   []model.ContainerPort
}

func newSigTable() sigTable {
	return sigTable{ports: [][]model.ContainerPort{nil}, index: map[string]int32{"": 0}}
}

func (t *sigTable) of(ps []model.ContainerPort) int32 {
	named := t.tmp[:0]
	for _, p := range ps {
		if p.Name != "" {
			named = append(named, model.ContainerPort{Name: p.Name, Protocol: p.Protocol, Port: p.Port})
		}
	}
	t.tmp = named
	if len(named) == 0 {
		return 0
	}
	slices.SortFunc(named, func(a, b model.ContainerPort) int {
		return cmp.Or(strings.Compare(a.Name, b.Name), cmp.Compare(a.Protocol, b.Protocol), cmp.Compare(a.Port, b.Port))
	})
	k := t.key[:0]
	for _, p := range named {
		k = append(k, p.Name...)
		k = append(k, 0, byte(p.Protocol), byte(p.Port>>8), byte(p.Port))
	}
	t.key = k
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	id := int32(len(t.ports))
	t.ports = append(t.ports, slices.Clone(named))
	t.index[string(k)] = id
	return id
}

// selTable interns distinct selectors; bits[s] is the set of classes (or
// namespaces) selector s matches.
type selTable struct {
	sels  []csel
	bits  []bitset
	index map[string]int32
}

func newSelTable() selTable { return selTable{index: map[string]int32{}} }

// intern returns the id of the selector with canonical form key, evaluating
// a new one on elements 0..n-1.
func (t *selTable) intern(key string, cs csel, n int, match func(*csel, int32) bool) int32 {
	if id, ok := t.index[key]; ok {
		return id
	}
	id := int32(len(t.sels))
	t.sels = append(t.sels, cs)
	bs := newBitset(n)
	for i := range int32(n) {
		if match(&t.sels[id], i) {
			bs.set(i)
		}
	}
	t.bits = append(t.bits, bs)
	t.index[key] = id
	return id
}

// grow evaluates every selector on a new element i.
func (t *selTable) grow(i int32, match func(*csel) bool) {
	for s := range t.sels {
		t.bits[s].put(i, match(&t.sels[s]))
	}
}
