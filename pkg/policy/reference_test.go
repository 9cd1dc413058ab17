package policy_test

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// reference is a deliberately naive NetworkPolicy evaluator written straight
// from the networking.k8s.io/v1 API reference, for differential testing. It
// answers one (source, destination, protocol, port) at a time by walking
// every policy, rule, peer and port entry. It shares no code with the engine:
// it reads Endpoint fields as plain data and parses selectors itself.
//
// Where the API leaves a choice open it follows podreach's documented
// choices: host-network pods are never isolated and are matched only by
// ipBlock; an external peer (a prefix) matches an ipBlock only when the
// whole prefix is inside cidr and outside every except; a pod matches when
// all its addresses of the block's family are (with ipBlockPods), on
// connections of that family.
type reference struct {
	nsLabels    map[string]map[string]string
	policies    []*networkingv1.NetworkPolicy
	ipBlockPods bool
	parsed      map[*metav1.LabelSelector]labels.Selector // nil: does not parse
}

func newReference(c *model.Cluster, ipBlockPods bool) *reference {
	r := &reference{nsLabels: map[string]map[string]string{}, ipBlockPods: ipBlockPods,
		parsed: map[*metav1.LabelSelector]labels.Selector{}}
	for _, ns := range c.Namespaces {
		r.nsLabels[ns.Name] = ns.Labels
	}
	for _, p := range c.Policies {
		r.policies = append(r.policies, p.NetworkPolicy)
	}
	return r
}

// allowed reports whether eps[src] may open proto/port to eps[dst].
func (r *reference) allowed(eps []policy.Endpoint, src, dst int, proto model.Protocol, port int) bool {
	s, d := &eps[src], &eps[dst]
	// A pod can always reach itself.
	if src == dst && s.Single {
		return true
	}
	// A connection has one address family, and an ipBlock "describes a
	// particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64")": a block admits
	// only connections of its family. The pair is allowed when it is
	// allowed whichever family the two share the connection uses.
	for _, fam := range sharedFamilies(s, d) {
		sf, df := onlyFamily(*s, fam), onlyFamily(*d, fam)
		// "for a connection from a source pod to a destination pod to be
		// allowed, both the egress policy on the source pod and the ingress
		// policy on the destination pod need to allow the connection."
		if !r.direction(networkingv1.PolicyTypeEgress, &sf, &df, &df, proto, port) ||
			!r.direction(networkingv1.PolicyTypeIngress, &df, &sf, &df, proto, port) {
			return false
		}
	}
	return true
}

// sharedFamilies lists the address families (4, 6) both endpoints have (an
// external: its prefix's); 0 alone when either has no address or they
// share none: then addresses are not filtered.
func sharedFamilies(a, b *policy.Endpoint) []int {
	has := func(ep *policy.Endpoint, v4 bool) bool {
		if ep.Kind == model.KindExternal {
			return ep.Prefix.IsValid() && ep.Prefix.Addr().Is4() == v4
		}
		for _, ip := range ep.IPs {
			if ip.Is4() == v4 {
				return true
			}
		}
		return false
	}
	var out []int
	if has(a, true) && has(b, true) {
		out = append(out, 4)
	}
	if has(a, false) && has(b, false) {
		out = append(out, 6)
	}
	if len(out) == 0 {
		return []int{0}
	}
	return out
}

// onlyFamily is ep as a connection of family fam sees it: a pod with only
// its addresses of that family.
func onlyFamily(ep policy.Endpoint, fam int) policy.Endpoint {
	if fam == 0 || ep.Kind == model.KindExternal {
		return ep
	}
	var ips []netip.Addr
	for _, ip := range ep.IPs {
		if ip.Is4() == (fam == 4) {
			ips = append(ips, ip)
		}
	}
	ep.IPs = ips
	return ep
}

// direction decides one side: self is the pod whose policies apply, peer the
// other end, dst the destination (named ports resolve on it).
func (r *reference) direction(dir networkingv1.PolicyType, self, peer, dst *policy.Endpoint, proto model.Protocol, port int) bool {
	if self.Kind == model.KindExternal || self.HostNetwork {
		return true // no NetworkPolicy applies to it
	}
	isolated := false
	for _, np := range r.policies {
		// "podSelector selects the pods to which this NetworkPolicy object
		// applies" — pods in the policy's own namespace.
		if np.Namespace != self.Namespace || !r.matches(&np.Spec.PodSelector, self.Labels) || !hasType(np, dir) {
			continue
		}
		isolated = true
		if dir == networkingv1.PolicyTypeIngress {
			for _, rule := range np.Spec.Ingress {
				if r.peersMatch(np, rule.From, peer) && portsMatch(rule.Ports, dst, proto, port) {
					return true
				}
			}
		} else {
			for _, rule := range np.Spec.Egress {
				if r.peersMatch(np, rule.To, peer) && portsMatch(rule.Ports, dst, proto, port) {
					return true
				}
			}
		}
	}
	// "If no policies apply to a pod, all traffic ... is allowed."
	return !isolated
}

// hasType: "If this field is not specified, it will default based on the
// existence of ingress or egress rules; policies that contain an egress
// section are assumed to affect egress, and all policies (whether or not
// they contain an ingress section) are assumed to affect ingress."
func hasType(np *networkingv1.NetworkPolicy, dir networkingv1.PolicyType) bool {
	if len(np.Spec.PolicyTypes) == 0 {
		return dir == networkingv1.PolicyTypeIngress || len(np.Spec.Egress) > 0
	}
	for _, t := range np.Spec.PolicyTypes {
		if t == dir {
			return true
		}
	}
	return false
}

// peersMatch: "If this field is empty or missing, this rule matches all
// sources (traffic not restricted by source). If this field is present and
// contains at least one item, this rule allows traffic only if the traffic
// matches at least one item in the from list."
func (r *reference) peersMatch(np *networkingv1.NetworkPolicy, ps []networkingv1.NetworkPolicyPeer, ep *policy.Endpoint) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if r.peerMatches(np, p, ep) {
			return true
		}
	}
	return false
}

func (r *reference) peerMatches(np *networkingv1.NetworkPolicy, p networkingv1.NetworkPolicyPeer, ep *policy.Endpoint) bool {
	if p.IPBlock != nil {
		return r.blockMatches(p.IPBlock, ep)
	}
	if ep.Kind == model.KindExternal || ep.HostNetwork {
		return false // selectors match pods on the pod network only
	}
	if p.NamespaceSelector == nil {
		// podSelector alone: "selects particular Pods in the same namespace
		// as the NetworkPolicy".
		if ep.Namespace != np.Namespace {
			return false
		}
	} else if !r.matches(p.NamespaceSelector, r.namespaceLabels(ep.Namespace)) {
		return false
	}
	// "If namespaceSelector is also set, then the NetworkPolicyPeer as a
	// whole selects the Pods matching podSelector in the Namespaces selected
	// by NamespaceSelector. Otherwise it selects the Pods matching
	// podSelector in the policy's own Namespace." No podSelector: all pods.
	return p.PodSelector == nil || r.matches(p.PodSelector, ep.Labels)
}

// namespaceLabels: the API server sets kubernetes.io/metadata.name on every
// namespace.
func (r *reference) namespaceLabels(ns string) map[string]string {
	out := map[string]string{}
	for k, v := range r.nsLabels[ns] {
		out[k] = v
	}
	out[model.NamespaceNameLabel] = ns
	return out
}

// blockMatches: "IPBlock describes a particular CIDR ... that is allowed to
// the pods matched by a NetworkPolicySpec's podSelector. The except entry
// describes CIDRs that should not be included within this rule."
func (r *reference) blockMatches(b *networkingv1.IPBlock, ep *policy.Endpoint) bool {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return false
	}
	cidr = cidr.Masked()
	if ep.Kind == model.KindExternal {
		if ep.Prefix.Addr().Is4() != cidr.Addr().Is4() || ep.Prefix.Bits() < cidr.Bits() || !cidr.Contains(ep.Prefix.Addr()) {
			return false
		}
		for _, e := range b.Except {
			if ex, err := netip.ParsePrefix(e); err == nil && ex.Masked().Overlaps(ep.Prefix) {
				return false
			}
		}
		return true
	}
	if !r.ipBlockPods {
		return false
	}
	n := 0
	for _, ip := range ep.IPs {
		if ip.Is4() != cidr.Addr().Is4() {
			continue
		}
		n++
		if !cidr.Contains(ip) {
			return false
		}
		for _, e := range b.Except {
			if ex, err := netip.ParsePrefix(e); err == nil && ex.Masked().Contains(ip) {
				return false
			}
		}
	}
	return n > 0
}

// portsMatch: "If this field is empty or missing, this rule matches all
// ports. If this field is present and contains at least one item, then this
// rule allows traffic only if the traffic matches at least one port in the
// list."
func portsMatch(ps []networkingv1.NetworkPolicyPort, dst *policy.Endpoint, proto model.Protocol, port int) bool {
	if len(ps) == 0 {
		return true
	}
	for _, p := range ps {
		if portMatches(p, dst, proto, port) {
			return true
		}
	}
	return false
}

func portMatches(p networkingv1.NetworkPolicyPort, dst *policy.Endpoint, proto model.Protocol, port int) bool {
	// protocol: "If not specified, this field defaults to TCP."
	want := corev1.ProtocolTCP
	if p.Protocol != nil {
		want = *p.Protocol
	}
	if string(want) != proto.String() {
		return false
	}
	switch {
	case p.Port == nil:
		// "If omitted, this matches all port names and numbers."
		return true
	case p.Port.Type == intstr.String:
		// A named port is the destination pod's container port of that name
		// (and protocol).
		for _, cp := range dst.Ports {
			if cp.Name == p.Port.StrVal && cp.Protocol == proto && int(cp.Port) == port {
				return true
			}
		}
		return false
	case p.EndPort != nil:
		// "endPort indicates that the range of ports from port to endPort if
		// set, inclusive, should be allowed by the policy."
		return int(p.Port.IntVal) <= port && port <= int(*p.EndPort)
	}
	return int(p.Port.IntVal) == port
}

// matches parses the selector with apimachinery (once per selector) and
// matches the labels; a selector that does not parse matches nothing.
func (r *reference) matches(s *metav1.LabelSelector, l map[string]string) bool {
	sel, ok := r.parsed[s]
	if !ok {
		var err error
		if sel, err = metav1.LabelSelectorAsSelector(s); err != nil {
			sel = nil
		}
		r.parsed[s] = sel
	}
	return sel != nil && sel.Matches(labels.Set(l))
}
