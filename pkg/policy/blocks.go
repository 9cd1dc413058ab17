package policy

import (
	"encoding/binary"
	"net/netip"
	"slices"
	"strings"

	"github.com/podreach/podreach/internal/parallel"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// blockTable interns distinct ipBlocks and finds the blocks an endpoint
// matches through an index by masked CIDR, so the cost per endpoint is a
// lookup per distinct prefix length rather than a test per block.
type blockTable struct {
	cidr     []netip.Prefix
	fam      []ipFamily // 4 or 6
	except   [][]netip.Prefix
	bits     []bitset // classes matching each block
	index    map[string]int32
	byPrefix map[prefixKey][]int32
	lens     [2][]int // distinct CIDR lengths per family (IPv4, IPv6), ascending
	found    []int32  // scratch of matching
}

// prefixKey is a masked CIDR as a map key (cheaper to hash than a
// netip.Prefix): the address's 128 bits (an IPv4 address in lo), its
// length and family index.
type prefixKey struct {
	hi, lo    uint64
	bits, fam uint8
}

// addrBits returns a's bits: IPv4 in lo, IPv6 in hi and lo.
func addrBits(a netip.Addr) (hi, lo uint64) {
	if a.Is4() {
		b := a.As4()
		return 0, uint64(binary.BigEndian.Uint32(b[:]))
	}
	b := a.As16()
	return binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])
}

// maskedKey is the key of the prefix of length l of the address with bits
// hi, lo of family index f.
func maskedKey(hi, lo uint64, l, f int) prefixKey {
	if f == 0 {
		lo &= ^uint64(0) << (32 - l) & 0xffffffff
	} else {
		switch {
		case l <= 64:
			hi &= ^(^uint64(0) >> l)
			lo = 0
		default:
			lo &= ^(^uint64(0) >> (l - 64))
		}
	}
	return prefixKey{hi: hi, lo: lo, bits: uint8(l), fam: uint8(f)}
}

func newBlockTable() blockTable {
	return blockTable{index: map[string]int32{}, byPrefix: map[prefixKey][]int32{}}
}

// famIndex is 0 for IPv4 addresses, 1 for IPv6.
func famIndex(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// intern returns the id of an ipBlock peer's block and whether it is new.
func (t *blockTable) intern(p *netpol.Peer) (int32, bool) {
	ex := make([]string, len(p.Except))
	for i, e := range p.Except {
		ex[i] = e.String()
	}
	slices.Sort(ex)
	key := p.CIDR.String() + " " + strings.Join(ex, ",")
	if id, ok := t.index[key]; ok {
		return id, false
	}
	id := int32(len(t.cidr))
	t.index[key] = id
	t.cidr = append(t.cidr, p.CIDR)
	t.fam = append(t.fam, blockFamily(p))
	t.except = append(t.except, p.Except)
	t.bits = append(t.bits, nil)
	f := famIndex(p.CIDR.Addr())
	hi, lo := addrBits(p.CIDR.Addr())
	k := maskedKey(hi, lo, p.CIDR.Bits(), f)
	t.byPrefix[k] = append(t.byPrefix[k], id)
	if i, found := slices.BinarySearch(t.lens[f], p.CIDR.Bits()); !found {
		t.lens[f] = slices.Insert(t.lens[f], i, p.CIDR.Bits())
	}
	return id, true
}

// matchesOne reports whether ep matches block b, asking package netpol
// (the plain computation the index replaces).
func (t *blockTable) matchesOne(b int32, ep *Endpoint, podIPs bool) bool {
	p := netpol.Peer{Kind: netpol.PeerIPBlock, CIDR: t.cidr[b], Except: t.except[b]}
	if ep.IsExternal() {
		return p.MatchesPrefix(ep.Prefix)
	}
	return podIPs && p.MatchesAddrs(ep.IPs)
}

// matching returns the blocks ep matches (see blockMatches), sorted; nil
// when none.
func (t *blockTable) matching(ep *Endpoint, podIPs bool) []int32 {
	var out []int32
	out, t.found = t.match(t.found, ep, podIPs)
	return out
}

// matchAll is matching for every endpoint, on every core (the table is
// only read). The lists are carved from large shared arrays (each list
// full, so appending to one copies it).
func (t *blockTable) matchAll(eps []Endpoint, podIPs bool) [][]int32 {
	out := make([][]int32, len(eps))
	parallel.Ranges(len(eps), 1024, func(lo, hi int) {
		var scratch, arena []int32
		for i := lo; i < hi; i++ {
			var found []int32
			found, scratch = t.find(scratch, &eps[i], podIPs)
			if len(found) == 0 {
				continue
			}
			if cap(arena)-len(arena) < len(found) {
				arena = make([]int32, 0, max(4096, len(found)))
			}
			start := len(arena)
			arena = append(arena, found...)
			out[i] = arena[start:len(arena):len(arena)]
		}
	})
	return out
}

// match is matching with scratch space, which it returns for reuse.
func (t *blockTable) match(scratch []int32, ep *Endpoint, podIPs bool) ([]int32, []int32) {
	found, scratch := t.find(scratch, ep, podIPs)
	if len(found) == 0 {
		return nil, scratch
	}
	return slices.Clone(found), scratch
}

// find is match returning the blocks in scratch space (valid until its
// next use), or nothing.
func (t *blockTable) find(scratch []int32, ep *Endpoint, podIPs bool) ([]int32, []int32) {
	out := scratch[:0]
	if ep.IsExternal() {
		p := ep.Prefix
		if !p.IsValid() {
			return nil, out
		}
		out = t.candidates(out, p.Addr(), p.Bits())
		out = slices.DeleteFunc(out, func(b int32) bool { return !netpol.PrefixInside(p, t.cidr[b], t.except[b]) })
	} else if podIPs {
		for f := range 2 {
			first := -1
			for i, a := range ep.IPs {
				if famIndex(a) == f {
					first = i
					break
				}
			}
			if first < 0 {
				continue
			}
			start := len(out)
			ip := ep.IPs[first]
			out = t.candidates(out, ip, ip.BitLen())
			kept := start
			for _, b := range out[start:] {
				if t.holdsAll(b, ep.IPs[first:], f) {
					out[kept] = b
					kept++
				}
			}
			out = out[:kept]
		}
	}
	slices.Sort(out)
	return out, out
}

// holdsAll reports whether block b holds every address of family index f
// in ips.
func (t *blockTable) holdsAll(b int32, ips []netip.Addr, f int) bool {
	for _, a := range ips {
		if famIndex(a) == f && !netpol.AddrInside(a, t.cidr[b], t.except[b]) {
			return false
		}
	}
	return true
}

// candidates appends to out every block whose CIDR contains a/bits.
func (t *blockTable) candidates(out []int32, a netip.Addr, bits int) []int32 {
	f := famIndex(a)
	hi, lo := addrBits(a)
	for _, l := range t.lens[f] {
		if l > bits {
			break
		}
		out = append(out, t.byPrefix[maskedKey(hi, lo, l, f)]...)
	}
	return out
}
