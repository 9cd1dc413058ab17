package manifest

import (
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"
	"k8s.io/apimachinery/pkg/util/validation/field"
)

// This file checks what the API server's validation
// (k8s.io/kubernetes pkg/apis/networking/validation, pkg/apis/core/validation)
// rejects, so that podreach never reasons about an object the cluster would
// not accept. Every problem is reported; checking goes on after the first.

// validatePolicy validates a defaulted NetworkPolicy.
func validatePolicy(o *object, np *networkingv1.NetworkPolicy) {
	spec := &np.Spec
	validateSelector(o, "spec.podSelector", &spec.PodSelector)
	for i, r := range spec.Ingress {
		path := indexPath("spec.ingress", i)
		for j := range r.Ports {
			validatePolicyPort(o, indexPath(path+".ports", j), &r.Ports[j])
		}
		for j := range r.From {
			validatePeer(o, indexPath(path+".from", j), &r.From[j])
		}
	}
	for i, r := range spec.Egress {
		path := indexPath("spec.egress", i)
		for j := range r.Ports {
			validatePolicyPort(o, indexPath(path+".ports", j), &r.Ports[j])
		}
		for j := range r.To {
			validatePeer(o, indexPath(path+".to", j), &r.To[j])
		}
	}
	validatePolicyTypes(o, spec.PolicyTypes)
}

// validatePolicyTypes: "Valid options are ["Ingress"], ["Egress"], or
// ["Ingress", "Egress"]." The API rejects more than two entries and any
// other value.
func validatePolicyTypes(o *object, types []networkingv1.PolicyType) {
	if len(types) > 2 {
		o.errorf("spec.policyTypes", "may not specify more than two policyTypes")
		return
	}
	for i, t := range types {
		if t != networkingv1.PolicyTypeIngress && t != networkingv1.PolicyTypeEgress {
			o.errorf(indexPath("spec.policyTypes", i), "unsupported policy type %q (want Ingress or Egress)", t)
		}
	}
}

// validatePeer: a NetworkPolicyPeer sets podSelector, namespaceSelector
// (alone or together: "if both are set, the peer is the pods matching
// podSelector in the namespaces matching namespaceSelector"), or ipBlock
// alone. The API rejects a peer with none ("must specify a peer") and
// ipBlock combined with a selector.
func validatePeer(o *object, path string, p *networkingv1.NetworkPolicyPeer) {
	n := 0
	if p.PodSelector != nil {
		n++
		validateSelector(o, path+".podSelector", p.PodSelector)
	}
	if p.NamespaceSelector != nil {
		n++
		validateSelector(o, path+".namespaceSelector", p.NamespaceSelector)
	}
	if p.IPBlock != nil {
		n++
		validateIPBlock(o, path+".ipBlock", p.IPBlock)
	}
	switch {
	case n == 0:
		o.errorf(path, "must specify a peer (podSelector, namespaceSelector or ipBlock)")
	case n > 1 && p.IPBlock != nil:
		o.errorf(path, "may not specify both ipBlock and another peer")
	}
}

// validateIPBlock: "cidr is a string representing the IPBlock. Valid
// examples are "192.168.1.0/24" or "2001:db8::/64"" and "except is a list of
// CIDRs that should not be included within an IPBlock ... Except values will
// be rejected if they are outside the cidr range". ValidateIPBlock
// (k8s.io/kubernetes pkg/apis/networking/validation) requires each except to
// be "a strict subset of `cidr`": inside it, with a longer prefix length as
// written. CIDRs in legacy forms are read as validate_cidr.go says.
func validateIPBlock(o *object, path string, b *networkingv1.IPBlock) {
	if b.CIDR == "" {
		o.errorf(path+".cidr", "required")
		return
	}
	written := b.CIDR
	cidr, ok := o.cidr(path+".cidr", &b.CIDR)
	for i := range b.Except {
		epath, s := indexPath(path+".except", i), b.Except[i]
		except, eok := o.cidr(epath, &b.Except[i])
		switch {
		case !ok || !eok:
		case except.prefix.Addr().Is4() != cidr.prefix.Addr().Is4():
			o.errorf(epath, "%q is not the same IP family as cidr %q", s, written)
		case except.bits <= cidr.bits || !cidr.prefix.Contains(except.prefix.Addr()):
			o.errorf(epath, "%q must be a strict subset of cidr %q", s, written)
		}
	}
}

// validatePolicyPort: "port ... can either be a numerical or named port on
// a pod"; "endPort indicates that the range of ports from port to endPort if
// set, inclusive, should be allowed by the policy. This field cannot be
// defined if the port field is not defined or if the port field is defined
// as a named (string) port. The endPort must be equal or greater than port."
// The protocol is already defaulted.
func validatePolicyPort(o *object, path string, p *networkingv1.NetworkPolicyPort) {
	if p.Protocol != nil {
		validateProtocol(o, path+".protocol", string(*p.Protocol))
	}
	switch {
	case p.Port == nil:
		if p.EndPort != nil {
			o.errorf(path+".endPort", "may not be specified when port is not specified")
		}
	case p.Port.Type == intstr.String:
		if msgs := validation.IsValidPortName(p.Port.StrVal); len(msgs) > 0 {
			o.errorf(path+".port", "invalid port name %q: %s", p.Port.StrVal, strings.Join(msgs, "; "))
		}
		if p.EndPort != nil {
			o.errorf(path+".endPort", "may not be specified when port is a name")
		}
	default:
		validatePortNumber(o, path+".port", p.Port.IntVal)
		if p.EndPort == nil {
			break
		}
		validatePortNumber(o, path+".endPort", *p.EndPort)
		if *p.EndPort < p.Port.IntVal {
			o.errorf(path+".endPort", "%d must be greater than or equal to port %d", *p.EndPort, p.Port.IntVal)
		}
	}
}

// validateSelector checks a label selector as the API does: valid label
// keys and values, and operators with values only where they take them
// (In, NotIn need values; Exists, DoesNotExist take none). It returns the
// selector, nil when it is invalid.
func validateSelector(o *object, path string, s *metav1.LabelSelector) labels.Selector {
	before := len(o.b.diags)
	validateLabels(o, path+".matchLabels", s.MatchLabels)
	for i, r := range s.MatchExpressions {
		rpath := field.NewPath(indexPath(path+".matchExpressions", i))
		for _, e := range metav1validation.ValidateLabelSelectorRequirement(r, metav1validation.LabelSelectorValidationOptions{}, rpath) {
			o.errorf(e.Field, "%s", e.ErrorBody())
		}
	}
	if len(o.b.diags) > before {
		return nil
	}
	// Everything the engine will do with the selector must work.
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		o.errorf(path, "invalid selector: %v", err)
		return nil
	}
	return sel
}

// validatePortNumber: port numbers are 1..65535.
func validatePortNumber(o *object, path string, n int32) bool {
	if msgs := validation.IsValidPortNum(int(n)); len(msgs) > 0 {
		o.errorf(path, "invalid port %d: %s", n, strings.Join(msgs, "; "))
		return false
	}
	return true
}

// validateProtocol: "Supported values: "SCTP", "TCP", "UDP"" — exactly;
// the API does not accept "tcp".
func validateProtocol(o *object, path, p string) bool {
	switch p {
	case "TCP", "UDP", "SCTP":
		return true
	}
	o.errorf(path, "unsupported protocol %q (want TCP, UDP or SCTP)", p)
	return false
}
