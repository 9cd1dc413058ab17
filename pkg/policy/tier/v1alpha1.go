package tier

import (
	"fmt"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"

	"github.com/podreach/podreach/pkg/model"
)

// compileANP compiles an AdminNetworkPolicy (v1alpha1): the Admin tier.
// "All AdminNetworkPolicy rules have higher precedence than NetworkPolicy
// or BaselineAdminNetworkPolicy rules."
func compileANP(p *model.ClusterPolicy) (*Policy, error) {
	s := &p.ANP.Spec
	if err := checkPriority(s.Priority); err != nil {
		return nil, err
	}
	out := &Policy{ID: p.ID(), Tier: Admin, Priority: s.Priority}
	var err error
	if out.Subject, err = subjectV1(s.Subject); err != nil {
		return nil, err
	}
	for i, r := range s.Ingress {
		out.Rules[IngressSide] = append(out.Rules[IngressSide], ruleV1(i, r.Name, actionANP(r.Action), r.Ports, ingressPeersV1(r.From)))
	}
	for i, r := range s.Egress {
		out.Rules[EgressSide] = append(out.Rules[EgressSide], ruleV1(i, r.Name, actionANP(r.Action), r.Ports, egressPeersV1(r.To)))
	}
	return out, nil
}

// compileBANP compiles a BaselineAdminNetworkPolicy (v1alpha1): the
// Baseline tier, "rules to be applied to the selected pods if they are not
// matched by any AdminNetworkPolicy or NetworkPolicy rules".
func compileBANP(p *model.ClusterPolicy) (*Policy, error) {
	s := &p.BANP.Spec
	out := &Policy{ID: p.ID(), Tier: Baseline, Priority: BANPPriority}
	var err error
	if out.Subject, err = subjectV1(s.Subject); err != nil {
		return nil, err
	}
	for i, r := range s.Ingress {
		out.Rules[IngressSide] = append(out.Rules[IngressSide], ruleV1(i, r.Name, actionBANP(r.Action), r.Ports, ingressPeersV1(r.From)))
	}
	for i, r := range s.Egress {
		out.Rules[EgressSide] = append(out.Rules[EgressSide], ruleV1(i, r.Name, actionBANP(r.Action), r.Ports, baselineEgressPeersV1(r.To)))
	}
	return out, nil
}

func subjectV1(s v1alpha1.AdminNetworkPolicySubject) (Subject, error) {
	pod, ns := podFieldsV1(s.Pods)
	return subject(s.Namespaces, pod, ns)
}

func podFieldsV1(p *v1alpha1.NamespacedPod) (pod, ns *metav1.LabelSelector) {
	if p == nil {
		return nil, nil
	}
	return &p.PodSelector, &p.NamespaceSelector
}

func ingressPeersV1(ps []v1alpha1.AdminNetworkPolicyIngressPeer) []peerFields {
	out := make([]peerFields, 0, len(ps))
	for _, pe := range ps {
		pod, ns := podFieldsV1(pe.Pods)
		out = append(out, peerFields{namespaces: pe.Namespaces, pod: pod, podNS: ns})
	}
	return out
}

func egressPeersV1(ps []v1alpha1.AdminNetworkPolicyEgressPeer) []peerFields {
	out := make([]peerFields, 0, len(ps))
	for _, pe := range ps {
		pod, ns := podFieldsV1(pe.Pods)
		out = append(out, peerFields{namespaces: pe.Namespaces, pod: pod, podNS: ns, nodes: pe.Nodes,
			networks: stringsOf(pe.Networks), domains: stringsOf(pe.DomainNames)})
	}
	return out
}

// baselineEgressPeersV1: a BANP egress peer has no domainNames.
func baselineEgressPeersV1(ps []v1alpha1.BaselineAdminNetworkPolicyEgressPeer) []peerFields {
	out := make([]peerFields, 0, len(ps))
	for _, pe := range ps {
		pod, ns := podFieldsV1(pe.Pods)
		out = append(out, peerFields{namespaces: pe.Namespaces, pod: pod, podNS: ns, nodes: pe.Nodes, networks: stringsOf(pe.Networks)})
	}
	return out
}

// actionANP: "Allow", "Deny", "Pass" (Allow is v1alpha2's Accept).
func actionANP(a v1alpha1.AdminNetworkPolicyRuleAction) Action {
	switch a {
	case v1alpha1.AdminNetworkPolicyRuleActionAllow:
		return Accept
	case v1alpha1.AdminNetworkPolicyRuleActionDeny:
		return Deny
	case v1alpha1.AdminNetworkPolicyRuleActionPass:
		return Pass
	}
	return ActionUnknown
}

// actionBANP: "Allow: allows the selected traffic; Deny: denies the
// selected traffic" (a BANP has no Pass).
func actionBANP(a v1alpha1.BaselineAdminNetworkPolicyRuleAction) Action {
	switch a {
	case v1alpha1.BaselineAdminNetworkPolicyRuleActionAllow:
		return Accept
	case v1alpha1.BaselineAdminNetworkPolicyRuleActionDeny:
		return Deny
	}
	return ActionUnknown
}

// ruleV1 compiles a v1alpha1 rule's ports: "If Ports is not set then the
// rule does not filter traffic via port." Each entry: "Exactly one field
// must be set" (portNumber, namedPort, portRange); protocol "If not
// specified, this field defaults to TCP."
func ruleV1(i int, name string, a Action, ps *[]v1alpha1.AdminNetworkPolicyPort, peers []peerFields) Rule {
	r := Rule{Index: i, Name: name, Action: a, AllPorts: ps == nil}
	if ps != nil {
		for j, p := range *ps {
			pm, err := portV1(p)
			if err != nil {
				r = invalidPorts(r, j, err)
				break
			}
			r.Ports = append(r.Ports, pm)
		}
	}
	return finish(r, peers)
}

func portV1(p v1alpha1.AdminNetworkPolicyPort) (Port, error) {
	switch {
	case boolInt(p.PortNumber != nil)+boolInt(p.NamedPort != nil)+boolInt(p.PortRange != nil) != 1:
		return Port{}, fmt.Errorf("exactly one of portNumber, namedPort and portRange must be set")
	case p.NamedPort != nil:
		// "NamedPort selects a port on a pod(s) based on name."
		return Port{Name: *p.NamedPort}, nil
	case p.PortNumber != nil:
		proto, err := protocolV1(p.PortNumber.Protocol)
		if err != nil {
			return Port{}, err
		}
		return portRange(proto, p.PortNumber.Port, p.PortNumber.Port, false)
	}
	proto, err := protocolV1(p.PortRange.Protocol)
	if err != nil {
		return Port{}, err
	}
	return portRange(proto, p.PortRange.Start, p.PortRange.End, true)
}

func protocolV1(p corev1.Protocol) (model.Protocol, error) {
	if p == "" {
		return model.TCP, nil // "If not specified, this field defaults to TCP."
	}
	return model.ParseProtocol(string(p))
}
