package synth_test

import (
	"fmt"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
)

// validate reports what the API server would reject or store differently:
// the checks of ValidateNetworkPolicy that a generator can get wrong, and
// the defaults of the stored form.
func validate(np *networkingv1.NetworkPolicy) []string {
	var out []string
	add := func(format string, args ...any) { out = append(out, fmt.Sprintf(format, args...)) }
	if _, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector); err != nil {
		add("spec.podSelector: %v", err)
	}
	if len(np.Spec.PolicyTypes) == 0 {
		add("spec.policyTypes not defaulted")
	}
	if errs := validation.IsDNS1123Subdomain(np.Name); len(errs) > 0 {
		add("metadata.name: %v", errs)
	}
	for i, r := range np.Spec.Ingress {
		out = append(out, validateRule(fmt.Sprintf("spec.ingress[%d]", i), r.From, r.Ports)...)
	}
	for i, r := range np.Spec.Egress {
		out = append(out, validateRule(fmt.Sprintf("spec.egress[%d]", i), r.To, r.Ports)...)
	}
	return out
}

func validateRule(field string, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) []string {
	var out []string
	if peers != nil && len(peers) == 0 || ports != nil && len(ports) == 0 {
		out = append(out, field+": empty list stored (the API server drops it)")
	}
	for j, p := range peers {
		out = append(out, validatePeer(fmt.Sprintf("%s.peers[%d]", field, j), p)...)
	}
	for j, p := range ports {
		out = append(out, validatePort(fmt.Sprintf("%s.ports[%d]", field, j), p)...)
	}
	return out
}

func validatePeer(field string, p networkingv1.NetworkPolicyPeer) []string {
	var out []string
	switch {
	case p.IPBlock != nil && (p.PodSelector != nil || p.NamespaceSelector != nil):
		return []string{field + ": ipBlock with a selector"}
	case p.IPBlock == nil && p.PodSelector == nil && p.NamespaceSelector == nil:
		return []string{field + ": empty peer"}
	case p.IPBlock != nil:
		return validateBlock(field+".ipBlock", p.IPBlock)
	}
	for _, s := range []*metav1.LabelSelector{p.PodSelector, p.NamespaceSelector} {
		if _, err := metav1.LabelSelectorAsSelector(s); s != nil && err != nil {
			out = append(out, fmt.Sprintf("%s: %v", field, err))
		}
	}
	return out
}

// validateBlock: cidr parses with no host bits; every except is a strict
// subset of cidr.
func validateBlock(field string, b *networkingv1.IPBlock) []string {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil || cidr.Masked() != cidr {
		return []string{fmt.Sprintf("%s.cidr %q invalid or has host bits", field, b.CIDR)}
	}
	var out []string
	for _, e := range b.Except {
		ex, err := netip.ParsePrefix(e)
		if err != nil || ex.Masked() != ex || ex.Bits() <= cidr.Bits() || !cidr.Contains(ex.Addr()) {
			out = append(out, fmt.Sprintf("%s.except %q is not a strict subset of %s", field, e, cidr))
		}
	}
	return out
}

func validatePort(field string, p networkingv1.NetworkPolicyPort) []string {
	var out []string
	if p.Protocol == nil {
		out = append(out, field+".protocol not defaulted")
	} else if s := *p.Protocol; s != "TCP" && s != "UDP" && s != "SCTP" {
		out = append(out, fmt.Sprintf("%s.protocol %q", field, s))
	}
	switch {
	case p.Port == nil && p.EndPort != nil:
		out = append(out, field+": endPort without port")
	case p.Port == nil:
	case p.Port.Type == intstr.String:
		if errs := validation.IsValidPortName(p.Port.StrVal); len(errs) > 0 || p.EndPort != nil {
			out = append(out, fmt.Sprintf("%s.port %q invalid or with endPort: %v", field, p.Port.StrVal, errs))
		}
	case p.Port.IntVal < 1 || p.Port.IntVal > 65535:
		out = append(out, fmt.Sprintf("%s.port %d out of range", field, p.Port.IntVal))
	case p.EndPort != nil && (*p.EndPort < p.Port.IntVal || *p.EndPort > 65535):
		out = append(out, fmt.Sprintf("%s.endPort %d invalid for port %d", field, *p.EndPort, p.Port.IntVal))
	}
	return out
}
