package reference

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// direction decides the NetworkPolicy tier of one side: self is the pod
// whose policies apply, peer the other end, dst the destination (named
// ports resolve on it). isolated is false when no NetworkPolicy selects
// self for dir ("If no policies apply to a pod, all traffic ... is
// allowed"); step names the admitting rule, or the verdict.
func (r *Evaluator) direction(dir networkingv1.PolicyType, self, peer, dst *policy.Endpoint, proto model.Protocol, port int) (isolated bool, step tier.Step, allowed bool) {
	step = tier.Step{Layer: "NetworkPolicy", Rule: -1, Action: "denied (isolated, no rule admits)"}
	if self.Kind == model.KindExternal || self.HostNetwork {
		return false, step, true // no NetworkPolicy applies to it
	}
	for _, np := range r.policies {
		// "podSelector selects the pods to which this NetworkPolicy object
		// applies" — pods in the policy's own namespace.
		if np.Namespace != self.Namespace || !r.matches(&np.Spec.PodSelector, self.Labels) || !hasType(np, dir) {
			continue
		}
		isolated = true
		if step.Policy == "" {
			step.Policy = np.Namespace + "/" + np.Name
		}
		if dir == networkingv1.PolicyTypeIngress {
			for i, rule := range np.Spec.Ingress {
				if r.peersMatch(np, rule.From, peer) && portsMatch(rule.Ports, dst, proto, port) {
					return true, admitted(np, i), true
				}
			}
		} else {
			for i, rule := range np.Spec.Egress {
				if r.peersMatch(np, rule.To, peer) && portsMatch(rule.Ports, dst, proto, port) {
					return true, admitted(np, i), true
				}
			}
		}
	}
	return isolated, step, !isolated
}

func admitted(np *networkingv1.NetworkPolicy, rule int) tier.Step {
	return tier.Step{Layer: "NetworkPolicy", Policy: np.Namespace + "/" + np.Name, Rule: rule, Action: "allowed"}
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
func (r *Evaluator) peersMatch(np *networkingv1.NetworkPolicy, ps []networkingv1.NetworkPolicyPeer, ep *policy.Endpoint) bool {
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

func (r *Evaluator) peerMatches(np *networkingv1.NetworkPolicy, p networkingv1.NetworkPolicyPeer, ep *policy.Endpoint) bool {
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
func (r *Evaluator) namespaceLabels(ns string) map[string]string {
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
func (r *Evaluator) blockMatches(b *networkingv1.IPBlock, ep *policy.Endpoint) bool {
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
func (r *Evaluator) matches(s *metav1.LabelSelector, l map[string]string) bool {
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
