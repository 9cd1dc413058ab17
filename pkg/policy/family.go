package policy

import (
	"net/netip"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// A connection has one source and one destination address, of one family:
// an ipBlock "describes a particular CIDR (Ex. "192.168.1.0/24",
// "2001:db8::/64")", so an IPv6 block admits a dual-stack pod's IPv6
// connections and not its IPv4 ones. The engine therefore evaluates a pair
// once per address family the two endpoints share, and allows only what
// every such family allows: what the pod may open whichever family it uses.

// ipFamily is an address family: 4 or 6; 0 means unrestricted.
type ipFamily uint8

// connFamilies returns the families a connection between a and b can use: those
// both have addresses of (an external peer: its prefix's). It returns [0]
// when either has no known address, or they share none: then every block
// is evaluated as before (a pod matches a block by its addresses of the
// block's family).
func connFamilies(a, b *Endpoint) []ipFamily {
	fa, fb := a.addrFamilies(), b.addrFamilies()
	var out []ipFamily
	for _, f := range []ipFamily{4, 6} {
		if fa[f/6] && fb[f/6] {
			out = append(out, f)
		}
	}
	if len(out) == 0 {
		return []ipFamily{0}
	}
	return out
}

// addrFamilies reports whether ep has IPv4 ([0]) and IPv6 ([1]) addresses.
func (ep *Endpoint) addrFamilies() (f [2]bool) {
	if ep.IsExternal() {
		if ep.Prefix.IsValid() {
			f[boolIndex(!ep.Prefix.Addr().Is4())] = true
		}
		return f
	}
	for _, ip := range ep.IPs {
		f[boolIndex(!ip.Is4())] = true
	}
	return f
}

func boolIndex(b bool) int {
	if b {
		return 1
	}
	return 0
}

// only returns ep with only its addresses of family f (externals and f 0:
// ep itself): a pod seen by a connection of that family.
func (ep Endpoint) only(f ipFamily) Endpoint {
	if f == 0 || ep.IsExternal() {
		return ep
	}
	var ips []netip.Addr
	for _, ip := range ep.IPs {
		if ip.Is4() == (f == 4) {
			ips = append(ips, ip)
		}
	}
	ep.IPs = ips
	return ep
}

// blockFamily is the family of an ipBlock peer, 0 for other peers.
func blockFamily(p *netpol.Peer) ipFamily {
	if p.Kind != netpol.PeerIPBlock {
		return 0
	}
	if p.CIDR.Addr().Is4() {
		return 4
	}
	return 6
}
