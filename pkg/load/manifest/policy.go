package manifest

import (
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// defaultPolicy makes np what the API server would store: defaults applied
// and empty lists erased, so that `ingress: []` and an omitted ingress are
// the same value (storage drops empty lists; both deny when Ingress is in
// policyTypes).
func defaultPolicy(np *networkingv1.NetworkPolicy) {
	spec := &np.Spec
	normalizeSelector(&spec.PodSelector)
	if len(spec.Ingress) == 0 {
		spec.Ingress = nil
	}
	if len(spec.Egress) == 0 {
		spec.Egress = nil
	}
	for i := range spec.Ingress {
		r := &spec.Ingress[i]
		r.Ports = defaultPorts(r.Ports)
		r.From = normalizePeers(r.From)
	}
	for i := range spec.Egress {
		r := &spec.Egress[i]
		r.Ports = defaultPorts(r.Ports)
		r.To = normalizePeers(r.To)
	}
	// "If this field is not specified, it will default based on the
	// existence of ingress or egress rules; policies that contain an egress
	// section are assumed to affect egress, and all policies (whether or not
	// they contain an ingress section) are assumed to affect ingress."
	// An empty egress list is no egress section (storage erases it).
	if len(spec.PolicyTypes) == 0 {
		spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
		if len(spec.Egress) > 0 {
			spec.PolicyTypes = append(spec.PolicyTypes, networkingv1.PolicyTypeEgress)
		}
	}
}

// defaultPorts applies "protocol: The protocol (TCP, UDP, or SCTP) which
// traffic must match. If not specified, this field defaults to TCP."
// An empty list ("matches all ports") becomes nil, as storage makes it.
func defaultPorts(ports []networkingv1.NetworkPolicyPort) []networkingv1.NetworkPolicyPort {
	if len(ports) == 0 {
		return nil
	}
	for i := range ports {
		if ports[i].Protocol == nil {
			tcp := corev1.ProtocolTCP
			ports[i].Protocol = &tcp
		}
	}
	return ports
}

// normalizePeers erases empty lists in peers: an empty from/to matches all
// sources/destinations either way.
func normalizePeers(peers []networkingv1.NetworkPolicyPeer) []networkingv1.NetworkPolicyPeer {
	if len(peers) == 0 {
		return nil
	}
	for i := range peers {
		p := &peers[i]
		normalizeSelector(p.PodSelector)
		normalizeSelector(p.NamespaceSelector)
		if p.IPBlock != nil && len(p.IPBlock.Except) == 0 {
			p.IPBlock.Except = nil
		}
	}
	return peers
}

// normalizeSelector erases empty maps and lists; a present but empty
// selector ({}) stays non-nil: it selects everything.
func normalizeSelector(s *metav1.LabelSelector) {
	if s == nil {
		return
	}
	if len(s.MatchLabels) == 0 {
		s.MatchLabels = nil
	}
	if len(s.MatchExpressions) == 0 {
		s.MatchExpressions = nil
	}
	for i := range s.MatchExpressions {
		if len(s.MatchExpressions[i].Values) == 0 {
			s.MatchExpressions[i].Values = nil
		}
	}
}
