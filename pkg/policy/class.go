package policy

import (
	"cmp"
	"net/netip"
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
		for _, l := range st.sym.makeLset(ep.Labels, st.projected.has) {
			b = appendInt32(appendInt32(b, l.k), l.v)
		}
	}
	f := ep.addrFamilies()
	b = append(b, '|', boolByte(f[0]), boolByte(f[1]))
	for _, bl := range st.blocksOf[i] {
		b = appendInt32(b, bl)
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
	e := &st.eps[ep]
	cl := class{ns: -1, selectable: e.selectable(), key: string(key), blocks: st.blocksOf[ep], prof: [2]int32{-1, -1},
		fams: e.addrFamilies()}
	if !e.IsExternal() {
		cl.sig = st.sigs.of(e.Ports)
	}
	if cl.selectable {
		cl.ns = st.namespace(e.Namespace)
		cl.labels = st.sym.makeLset(e.Labels, st.projected.has)
	}
	id := int32(len(st.classes))
	st.classes = append(st.classes, cl)
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

// blockTable interns distinct ipBlocks and finds the blocks an endpoint
// matches through an index by masked CIDR, so the cost per endpoint is a
// lookup per distinct prefix length rather than a test per block.
type blockTable struct {
	cidr     []netip.Prefix
	fam      []ipFamily // 4 or 6
	except   [][]netip.Prefix
	bits     []bitset // classes matching each block
	index    map[string]int32
	byPrefix map[netip.Prefix][]int32
	lens     [2][]int // distinct CIDR lengths per family (IPv4, IPv6), ascending
}

func newBlockTable() blockTable {
	return blockTable{index: map[string]int32{}, byPrefix: map[netip.Prefix][]int32{}}
}

// famIndex is 0 for IPv4 addresses, 1 for IPv6.
func famIndex(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// intern returns the id of an ipBlock peer's block and whether it is new.
func (t *blockTable) intern(p *peer) (int32, bool) {
	ex := make([]string, len(p.except))
	for i, e := range p.except {
		ex[i] = e.String()
	}
	slices.Sort(ex)
	key := p.cidr.String() + " " + strings.Join(ex, ",")
	if id, ok := t.index[key]; ok {
		return id, false
	}
	id := int32(len(t.cidr))
	t.index[key] = id
	t.cidr = append(t.cidr, p.cidr)
	t.fam = append(t.fam, p.blockFamily())
	t.except = append(t.except, p.except)
	t.bits = append(t.bits, nil)
	t.byPrefix[p.cidr] = append(t.byPrefix[p.cidr], id)
	f := famIndex(p.cidr.Addr())
	if i, found := slices.BinarySearch(t.lens[f], p.cidr.Bits()); !found {
		t.lens[f] = slices.Insert(t.lens[f], i, p.cidr.Bits())
	}
	return id, true
}

// matchesOne reports whether ep matches block b (see blockMatches).
func (t *blockTable) matchesOne(b int32, ep *Endpoint, podIPs bool) bool {
	if ep.IsExternal() {
		return prefixInside(ep.Prefix, t.cidr[b], t.except[b])
	}
	if !podIPs {
		return false
	}
	f, n := famIndex(t.cidr[b].Addr()), 0
	for _, a := range ep.IPs {
		if famIndex(a) != f {
			continue
		}
		n++
		if !addrInside(a, t.cidr[b], t.except[b]) {
			return false
		}
	}
	return n > 0
}

// matching returns the blocks ep matches (see blockMatches), sorted.
func (t *blockTable) matching(ep *Endpoint, podIPs bool) []int32 {
	var out []int32
	if ep.IsExternal() {
		p := ep.Prefix
		if !p.IsValid() {
			return nil
		}
		t.candidates(p.Addr(), p.Bits(), func(b int32) {
			if prefixInside(p, t.cidr[b], t.except[b]) {
				out = append(out, b)
			}
		})
	} else if podIPs {
		for f := range 2 {
			first := slices.IndexFunc(ep.IPs, func(a netip.Addr) bool { return famIndex(a) == f })
			if first < 0 {
				continue
			}
			ip := ep.IPs[first]
			t.candidates(ip, ip.BitLen(), func(b int32) {
				for _, a := range ep.IPs[first:] {
					if famIndex(a) == f && !addrInside(a, t.cidr[b], t.except[b]) {
						return
					}
				}
				out = append(out, b)
			})
		}
	}
	slices.Sort(out)
	return out
}

// candidates calls fn with every block whose CIDR contains a/bits.
func (t *blockTable) candidates(a netip.Addr, bits int, fn func(int32)) {
	for _, l := range t.lens[famIndex(a)] {
		if l > bits {
			break
		}
		k, err := a.Prefix(l)
		if err != nil {
			continue
		}
		for _, b := range t.byPrefix[k] {
			fn(b)
		}
	}
}
