package lab

import (
	"net/netip"
	"slices"

	"github.com/podreach/podreach/pkg/model"
)

// An external peer stands for a whole prefix, and the engine allows it only
// what it allows every address of the prefix. The lab cannot probe from
// every address, but it need not: the policies treat alike every address of
// a cell, a maximal range on which membership in each ipBlock cidr and
// except is constant. One representative address per cell is exact.

// cell is an inclusive address range.
type cell struct{ lo, hi netip.Addr }

// cells splits p at every boundary of the blocks (ipBlock cidrs and
// excepts of p's family).
func cells(p netip.Prefix, blocks []netip.Prefix) []cell {
	p = p.Masked()
	first, last := p.Addr(), model.LastAddr(p)
	cuts := []netip.Addr{first}
	for _, q := range blocks {
		if q.Addr().Is4() != first.Is4() || !q.Overlaps(p) {
			continue
		}
		if s := q.Masked().Addr(); p.Contains(s) {
			cuts = append(cuts, s)
		}
		if e := model.LastAddr(q).Next(); e.IsValid() && p.Contains(e) {
			cuts = append(cuts, e)
		}
	}
	slices.SortFunc(cuts, func(a, b netip.Addr) int { return a.Compare(b) })
	cuts = slices.Compact(cuts)
	out := make([]cell, len(cuts))
	for i, c := range cuts {
		hi := last
		if i+1 < len(cuts) {
			hi = cuts[i+1].Prev()
		}
		out[i] = cell{c, hi}
	}
	return out
}

// usable reports whether a can be a host address in the lab: not
// unspecified, loopback, multicast, IPv6 link-local, or in 0.0.0.0/8,
// 240.0.0.0/4 and ::/8 (which holds the IPv4-mapped and -compatible forms).
func usable(a netip.Addr) bool {
	if a.Is4() {
		b := a.As4()
		return b[0] != 0 && b[0] != 127 && b[0] < 224
	}
	b := a.As16()
	return b[0] != 0 && b[0] != 0xff && !a.IsLinkLocalUnicast()
}

// candidates lists, in order of preference, up to 128 addresses of c: the
// first 64 from its start, then 64 down from its end.
func (c cell) candidates() []netip.Addr {
	var out []netip.Addr
	for a, n := c.lo, 0; a.IsValid() && a.Compare(c.hi) <= 0 && n < 64; a, n = a.Next(), n+1 {
		out = append(out, a)
	}
	for a, n := c.hi, 0; a.IsValid() && a.Compare(c.lo) >= 0 && n < 64; a, n = a.Prev(), n+1 {
		if !slices.Contains(out, a) {
			out = append(out, a)
		}
	}
	return out
}

// pick chooses the representative of c: a usable address nobody holds, else
// one an external namespace already holds (shared: the probe runs there),
// else none. host reports who holds an address ("" for nobody) and whether
// that holder is a pod.
func (c cell) pick(host func(netip.Addr) (string, bool)) (netip.Addr, bool) {
	var shared netip.Addr
	for _, a := range c.candidates() {
		if !usable(a) {
			continue
		}
		h, pod := host(a)
		if h == "" {
			return a, true
		}
		if !pod && !shared.IsValid() {
			shared = a
		}
	}
	return shared, shared.IsValid()
}
