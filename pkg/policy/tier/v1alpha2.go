package tier

import (
	"fmt"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
)

// compileCNP compiles a ClusterNetworkPolicy (v1alpha2).
func compileCNP(p *model.ClusterPolicy) (*Policy, error) {
	s := &p.CNP.Spec
	out := &Policy{ID: p.ID(), Priority: s.Priority}
	// "ClusterNetworkPolicy can use 2 of these tiers: Admin and Baseline."
	switch s.Tier {
	case v1alpha2.AdminTier:
		out.Tier = Admin
	case v1alpha2.BaselineTier:
		out.Tier = Baseline
	default:
		return nil, fmt.Errorf("spec.tier: unknown tier %q (want Admin or Baseline)", s.Tier)
	}
	if err := checkPriority(s.Priority); err != nil {
		return nil, err
	}
	var err error
	pod, podNS := podFieldsCNP(s.Subject.Pods)
	if out.Subject, err = subject(s.Subject.Namespaces, pod, podNS); err != nil {
		return nil, err
	}
	for i, r := range s.Ingress {
		cr := Rule{Index: i, Name: r.Name, Action: actionCNP(r.Action)}
		cr = protocolsCNP(cr, r.Protocols)
		var peers []peerFields
		for _, pe := range r.From {
			pod, podNS := podFieldsCNP(pe.Pods)
			peers = append(peers, peerFields{namespaces: pe.Namespaces, pod: pod, podNS: podNS})
		}
		out.Rules[IngressSide] = append(out.Rules[IngressSide], finish(cr, peers))
	}
	for i, r := range s.Egress {
		cr := Rule{Index: i, Name: r.Name, Action: actionCNP(r.Action)}
		cr = protocolsCNP(cr, r.Protocols)
		var peers []peerFields
		for _, pe := range r.To {
			pod, podNS := podFieldsCNP(pe.Pods)
			peers = append(peers, peerFields{namespaces: pe.Namespaces, pod: pod, podNS: podNS,
				nodes: pe.Nodes, networks: stringsOf(pe.Networks), domains: stringsOf(pe.DomainNames)})
		}
		out.Rules[EgressSide] = append(out.Rules[EgressSide], finish(cr, peers))
	}
	return out, nil
}

func podFieldsCNP(p *v1alpha2.NamespacedPod) (pod, ns *metav1.LabelSelector) {
	if p == nil {
		return nil, nil
	}
	return &p.PodSelector, &p.NamespaceSelector
}

// actionCNP: "Accept", "Deny", "Pass"; anything else is ActionUnknown,
// which fails closed.
func actionCNP(a v1alpha2.ClusterNetworkPolicyRuleAction) Action {
	switch a {
	case v1alpha2.ClusterNetworkPolicyRuleActionAccept:
		return Accept
	case v1alpha2.ClusterNetworkPolicyRuleActionDeny:
		return Deny
	case v1alpha2.ClusterNetworkPolicyRuleActionPass:
		return Pass
	}
	return ActionUnknown
}

// protocolsCNP compiles protocols: "If unspecified, protocol-specific
// attributes will not be used to match traffic." Each entry: "Exactly one
// field must be set" (tcp, udp, sctp with a destinationPort, or
// destinationNamedPort).
func protocolsCNP(r Rule, ps []v1alpha2.ClusterNetworkPolicyProtocol) Rule {
	if len(ps) == 0 {
		r.AllPorts = true
		return r
	}
	for i, p := range ps {
		pm, err := protocolCNP(p)
		if err != nil {
			return invalidPorts(r, i, err)
		}
		r.Ports = append(r.Ports, pm)
	}
	return r
}

func protocolCNP(p v1alpha2.ClusterNetworkPolicyProtocol) (Port, error) {
	type entry struct {
		proto model.Protocol
		port  *v1alpha2.Port
	}
	var set []entry
	if p.TCP != nil {
		set = append(set, entry{model.TCP, p.TCP.DestinationPort})
	}
	if p.UDP != nil {
		set = append(set, entry{model.UDP, p.UDP.DestinationPort})
	}
	if p.SCTP != nil {
		set = append(set, entry{model.SCTP, p.SCTP.DestinationPort})
	}
	switch {
	case len(set)+boolInt(p.DestinationNamedPort != "") != 1:
		return Port{}, fmt.Errorf("exactly one of tcp, udp, sctp and destinationNamedPort must be set")
	case p.DestinationNamedPort != "":
		// "DestinationNamedPort selects a destination port on a pod based
		// on the ContainerPort name."
		return Port{Name: p.DestinationNamedPort}, nil
	}
	e := set[0]
	// "Port matches on port number. You must specify either Port or Range."
	switch {
	case e.port == nil || (e.port.Number != 0) == (e.port.Range != nil):
		return Port{}, fmt.Errorf("%s: exactly one of destinationPort.number and destinationPort.range must be set", e.proto)
	case e.port.Range != nil:
		return portRange(e.proto, e.port.Range.Start, e.port.Range.End, true)
	}
	return portRange(e.proto, e.port.Number, e.port.Number, false)
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}
