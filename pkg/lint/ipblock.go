package lint

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// checkExcept: except-covers-cidr. "except is a slice of CIDRs that should
// not be included within an IPBlock": the API server refuses an except
// that is not a strict subset of cidr, but several excepts together can
// still cover all of it, and the peer then matches no address.
func checkExcept(s *scope) []Finding {
	var out []Finding
	s.eachPeer(func(at peerAt) {
		pe := at.peer
		if pe.Kind != netpol.PeerIPBlock || len(pe.Except) < 2 || !covered(pe.CIDR, pe.Except) {
			return
		}
		ex := make([]string, len(pe.Except))
		for i, e := range pe.Except {
			ex[i] = e.String()
		}
		out = append(out, s.onPolicy(at.pol, at.field+".ipBlock.except",
			fmt.Sprintf("the except entries %s together cover all of cidr %s: this peer matches no address", strings.Join(ex, ", "), pe.CIDR),
			"remove the except entries that cover the range you meant to admit, or drop the peer"))
	})
	return out
}

// covered reports whether the union of excepts contains all of p: some
// except contains p, or p splits into two halves that are each covered.
func covered(p netip.Prefix, excepts []netip.Prefix) bool {
	overlaps := false
	for _, e := range excepts {
		if e.Addr().Is4() != p.Addr().Is4() {
			continue
		}
		if e.Bits() <= p.Bits() && e.Contains(p.Addr()) {
			return true
		}
		overlaps = overlaps || e.Overlaps(p)
	}
	if !overlaps || p.Bits() >= p.Addr().BitLen() {
		return false
	}
	lo, hi := halves(p)
	return covered(lo, excepts) && covered(hi, excepts)
}

// halves splits p into its two prefixes one bit longer.
func halves(p netip.Prefix) (netip.Prefix, netip.Prefix) {
	b := p.Bits()
	a := p.Addr().As16()
	off := 0
	if p.Addr().Is4() {
		off = 12
	}
	a[off+b/8] |= 0x80 >> (b % 8)
	hi := netip.AddrFrom16(a)
	if p.Addr().Is4() {
		hi = hi.Unmap()
	}
	return netip.PrefixFrom(p.Addr(), b+1), netip.PrefixFrom(hi, b+1)
}

// portsText says which ports a rule admits, in words.
func portsText(r *netpol.Rule) string {
	if r.AllPorts {
		return "every port"
	}
	var parts []string
	for _, pm := range r.Ports {
		switch {
		case pm.Name != "":
			parts = append(parts, fmt.Sprintf("%s/%s", pm.Name, pm.Protocol))
		case pm.Any:
			parts = append(parts, "every "+pm.Protocol.String()+" port")
		case pm.Lo == pm.Hi:
			parts = append(parts, fmt.Sprintf("%d/%s", pm.Lo, pm.Protocol))
		default:
			parts = append(parts, fmt.Sprintf("%d-%d/%s", pm.Lo, pm.Hi, pm.Protocol))
		}
	}
	return strings.Join(parts, ", ")
}

// checkExposedWorld: exposed-world. An ingress rule without from ("If
// this field is empty or missing, this rule matches all sources") or with
// an ipBlock of prefix length 0 admits every address, inside the cluster
// and out.
func checkExposedWorld(s *scope) []Finding {
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		if side != netpol.IngressSide || len(s.selected[pol]) == 0 {
			return
		}
		field, what := "", ""
		if r.AllPeers {
			field, what = ruleField(side, r.Index), "it has no from, so it admits every source"
		}
		for j, pe := range r.Peers {
			if field == "" && pe.Kind == netpol.PeerIPBlock && pe.CIDR.Bits() == 0 {
				field, what = peerField(side, r.Index, j)+".ipBlock", "ipBlock "+pe.CIDR.String()+" admits every address"
				if len(pe.Except) > 0 {
					what += fmt.Sprintf(" but %d except ranges", len(pe.Except))
				}
			}
		}
		if field == "" {
			return
		}
		out = append(out, s.onPolicy(pol, field,
			fmt.Sprintf("%s, every external address included, on %s to %s", what, portsText(r), s.workloadNames(s.selected[pol], 3)),
			"admit only the sources that need it: the load balancer's or ingress controller's addresses (ipBlock) or pods"))
	})
	return out
}

// checkExposedCluster: exposed-cluster. A peer with an empty
// namespaceSelector and no (or an empty) podSelector "selects all pods in
// all namespaces".
func checkExposedCluster(s *scope) []Finding {
	var out []Finding
	s.eachPeer(func(at peerAt) {
		pe := at.peer
		if at.side != netpol.IngressSide || len(s.selected[at.pol]) == 0 || pe.Kind != netpol.PeerPods ||
			pe.NamespaceSelector == nil || !pe.NamespaceSelector.Empty() || pe.PodSelector != nil && !pe.PodSelector.Empty() {
			return
		}
		out = append(out, s.onPolicy(at.pol, at.field,
			fmt.Sprintf("namespaceSelector {} without a podSelector admits every pod of every namespace on %s to %s",
				portsText(at.rule), s.workloadNames(s.selected[at.pol], 3)),
			"name the namespaces (namespaceSelector on kubernetes.io/metadata.name) and pods that need it"))
	})
	return out
}
