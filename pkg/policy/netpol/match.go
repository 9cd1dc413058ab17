package netpol

import (
	"net/netip"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// Selects reports whether the policy selects a pod of namespace ns with
// labels podLabels: "Selects the pods to which this NetworkPolicy object
// applies ... in the policy's namespace". The caller has excluded
// endpoints selectors never match (externals, host-network pods).
func (p *Policy) Selects(ns string, podLabels labels.Set) bool {
	return ns == p.Namespace && p.PodSelector.Matches(podLabels)
}

// MatchesPod reports whether pod peer p of a policy in namespace policyNS
// matches a pod of namespace podNS:
//   - podSelector alone: "selects particular Pods in the same namespace as
//     the NetworkPolicy";
//   - namespaceSelector alone: "selects particular namespaces for which all
//     Pods should be allowed";
//   - both: "the NetworkPolicyPeer as a whole selects the Pods matching
//     podSelector in the Namespaces selected by NamespaceSelector".
//
// nsLabels returns the labels of podNS (with kubernetes.io/metadata.name);
// it is called only when a namespaceSelector must be read.
func (p *Peer) MatchesPod(policyNS, podNS string, podLabels labels.Set, nsLabels func(string) labels.Set) bool {
	if p.Kind != PeerPods {
		return false
	}
	if p.NamespaceSelector == nil {
		if podNS != policyNS {
			return false
		}
	} else if !p.NamespaceSelector.Matches(nsLabels(podNS)) {
		return false
	}
	return p.PodSelector == nil || p.PodSelector.Matches(podLabels)
}

// MatchesPrefix reports whether ipBlock peer p matches an external peer
// whose addresses are prefix: "IPBlock describes a particular CIDR ... The
// except entry describes CIDRs that should not be included within this
// rule." The whole prefix must lie inside CIDR and outside every except
// (podreach's choice for ranges: a range partly inside is not matched).
func (p *Peer) MatchesPrefix(prefix netip.Prefix) bool {
	return p.Kind == PeerIPBlock && PrefixInside(prefix, p.CIDR, p.Except)
}

// MatchesAddrs reports whether ipBlock peer p matches a pod with addresses
// ips: at least one address of the block's family, and all of them inside
// CIDR and outside every except (the upstream e2e suite expects ipBlocks to
// match pod IPs).
func (p *Peer) MatchesAddrs(ips []netip.Addr) bool {
	if p.Kind != PeerIPBlock {
		return false
	}
	n := 0
	for _, ip := range ips {
		if ip.Is4() != p.CIDR.Addr().Is4() {
			continue
		}
		n++
		if !AddrInside(ip, p.CIDR, p.Except) {
			return false
		}
	}
	return n > 0
}

// AddrInside reports whether ip is inside cidr and outside every except.
func AddrInside(ip netip.Addr, cidr netip.Prefix, except []netip.Prefix) bool {
	if !cidr.Contains(ip) {
		return false
	}
	for _, ex := range except {
		if ex.Contains(ip) {
			return false
		}
	}
	return true
}

// PrefixInside reports whether all of p is inside cidr and none of it in
// an except.
func PrefixInside(p, cidr netip.Prefix, except []netip.Prefix) bool {
	if !p.IsValid() || p.Addr().Is4() != cidr.Addr().Is4() || cidr.Bits() > p.Bits() || !cidr.Contains(p.Addr()) {
		return false
	}
	for _, ex := range except {
		if ex.Overlaps(p) {
			return false
		}
	}
	return true
}

// PortsToward is what rule r admits toward a destination declaring the
// container ports dst. A named port "matches only if that pod declares a
// container port with that name", with the connection's protocol, and is
// resolved on the destination of the connection (the selected pod for
// ingress, the peer for egress).
func (r *Rule) PortsToward(dst []model.ContainerPort) ports.Set {
	if !r.Named {
		return r.Static
	}
	out := r.Static
	for _, pm := range r.Ports {
		if pm.Name == "" {
			continue
		}
		for _, cp := range dst {
			if cp.Name == pm.Name && cp.Protocol == pm.Protocol {
				out = out.Union(ports.Of(pm.Protocol, int(cp.Port), int(cp.Port)))
			}
		}
	}
	return out
}
