package reach

import (
	"net/netip"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// External address ranges (docs/externals.md).
//
// An ipBlock "describes a particular CIDR ... The except entry describes
// CIDRs that should not be included within this rule"
// (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/#NetworkPolicySpec).
// Every address between two consecutive boundaries of the policies'
// blocks (the first address of each cidr, except and cluster-policy
// network, and the address after its last) is inside exactly the same
// blocks: such a range gets one answer from every policy. Cutting the
// address space, or an address range a user names, at those boundaries
// gives ranges whose answers are exact; a range that straddles a
// boundary never gets one answer for all of it.

// Range is an inclusive range of addresses of one family. The zero value
// is not a range.
type Range struct{ First, Last netip.Addr }

// RangeOf is the range of the addresses of p.
func RangeOf(p netip.Prefix) Range {
	p = p.Masked()
	return Range{First: p.Addr(), Last: model.LastAddr(p)}
}

// IsValid reports whether r is a range (both ends valid, of one family, in
// order).
func (r Range) IsValid() bool {
	return r.First.IsValid() && r.Last.IsValid() && r.First.Is4() == r.Last.Is4() && r.First.Compare(r.Last) <= 0
}

// Prefix returns the prefix whose addresses are exactly r's, if there is one.
func (r Range) Prefix() (netip.Prefix, bool) {
	p := r.firstPrefix()
	return p, model.LastAddr(p) == r.Last
}

// String is the CIDR when r is exactly one, else "FIRST-LAST"
// ("0.0.0.0-9.255.255.255").
func (r Range) String() string {
	if !r.IsValid() {
		return "invalid range"
	}
	if p, ok := r.Prefix(); ok {
		return p.String()
	}
	return r.First.String() + "-" + r.Last.String()
}

// Contains reports whether a is in r.
func (r Range) Contains(a netip.Addr) bool {
	return r.IsValid() && a.Is4() == r.First.Is4() && r.First.Compare(a) <= 0 && a.Compare(r.Last) <= 0
}

// firstPrefix is the largest prefix that starts at r.First and lies in r.
// Every address of a range cut at the policies' boundaries is matched by
// the same blocks, so this prefix stands for the whole range when the
// engine asks whether a block matches it.
func (r Range) firstPrefix() netip.Prefix {
	bits := r.First.BitLen()
	for b := 0; b <= bits; b++ {
		p := netip.PrefixFrom(r.First, b)
		if p.Masked().Addr() == r.First && model.LastAddr(p).Compare(r.Last) <= 0 {
			return p
		}
	}
	return netip.PrefixFrom(r.First, bits)
}

// cuts are the boundaries of the policies' blocks, per family ([0] IPv4,
// [1] IPv6), sorted and without duplicates: every address that starts a
// block and every address after a block's last (an address at which
// membership in some block may change).
type cuts [2][]netip.Addr

func family(a netip.Addr) int {
	if a.Is4() {
		return 0
	}
	return 1
}

// cutsOf collects the boundaries of the blocks of the clusters' policies:
// NetworkPolicy ipBlock cidrs and excepts, cluster-policy networks, and
// the addresses of the nodes when a cluster policy has a nodes peer.
func cutsOf(cs ...*model.Cluster) cuts {
	var out cuts
	add := func(p netip.Prefix) {
		f := family(p.Addr())
		out[f] = append(out[f], p.Masked().Addr())
		if next := model.LastAddr(p).Next(); next.IsValid() {
			out[f] = append(out[f], next)
		}
	}
	for _, c := range cs {
		for _, b := range parsedBlocks(c) {
			add(b.cidr)
			for _, x := range b.except {
				add(x)
			}
		}
		for _, p := range tierPrefixes(c) {
			add(p)
		}
	}
	for f := range out {
		slices.SortFunc(out[f], netip.Addr.Compare)
		out[f] = slices.Compact(out[f])
	}
	return out
}

// tierPrefixes lists the networks of the cluster policies' peers and, when
// one has a nodes peer, every node address (as a single-address prefix).
func tierPrefixes(c *model.Cluster) []netip.Prefix {
	var out []netip.Prefix
	nodes := false
	for i := range c.ClusterPolicies {
		p, err := tier.Compile(&c.ClusterPolicies[i])
		if err != nil {
			continue
		}
		for _, rules := range p.Rules {
			for _, r := range rules {
				for _, pr := range r.Peers {
					out = append(out, pr.Networks...)
					nodes = nodes || pr.Kind == tier.PeerNodes
				}
			}
		}
	}
	if nodes {
		for _, n := range c.Nodes {
			for _, a := range n.Addresses {
				out = append(out, netip.PrefixFrom(a, a.BitLen()))
			}
		}
	}
	return out
}

// split cuts r at every boundary inside it.
func (cs *cuts) split(r Range) []Range {
	if !r.IsValid() {
		return nil
	}
	b := cs[family(r.First)]
	i, _ := slices.BinarySearchFunc(b, r.First, netip.Addr.Compare)
	out := []Range{}
	first := r.First
	for ; i < len(b) && b[i].Compare(r.Last) <= 0; i++ {
		if b[i] == first {
			continue
		}
		out = append(out, Range{first, b[i].Prev()})
		first = b[i]
	}
	return append(out, Range{first, r.Last})
}

// whole is the address space of family f (0: IPv4, 1: IPv6).
func whole(f int) Range {
	if f == 0 {
		return RangeOf(netip.MustParsePrefix("0.0.0.0/0"))
	}
	return RangeOf(netip.MustParsePrefix("::/0"))
}
