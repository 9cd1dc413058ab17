package manifest

import (
	"net/netip"
	"slices"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	metav1validation "k8s.io/apimachinery/pkg/apis/meta/v1/validation"
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
// be rejected if they are outside the cidr range". Current API servers also
// reject CIDRs with host bits set (10.1.2.3/8) and require each except to be
// a strict subset of cidr.
func validateIPBlock(o *object, path string, b *networkingv1.IPBlock) {
	if b.CIDR == "" {
		o.errorf(path+".cidr", "required")
		return
	}
	cidr, ok := parseCIDR(o, path+".cidr", b.CIDR)
	for i, s := range b.Except {
		epath := indexPath(path+".except", i)
		except, eok := parseCIDR(o, epath, s)
		switch {
		case !ok || !eok:
		case except.Addr().Is4() != cidr.Addr().Is4():
			o.errorf(epath, "%q is not the same IP family as cidr %q", s, b.CIDR)
		case except.Bits() <= cidr.Bits() || !cidr.Contains(except.Addr()):
			o.errorf(epath, "%q must be a strict subset of cidr %q", s, b.CIDR)
		}
	}
}

// parseCIDR parses a canonical CIDR: no host bits, no leading zeros.
func parseCIDR(o *object, path, s string) (netip.Prefix, bool) {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		o.errorf(path, "invalid CIDR %q", s)
		return netip.Prefix{}, false
	}
	if p.Masked() != p {
		o.errorf(path, "invalid CIDR %q: host bits are set (did you mean %q?)", s, p.Masked().String())
		return netip.Prefix{}, false
	}
	return p, true
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
// (In, NotIn need values; Exists, DoesNotExist take none).
func validateSelector(o *object, path string, s *metav1.LabelSelector) {
	before := len(o.b.diags)
	validateLabels(o, path+".matchLabels", s.MatchLabels)
	for i, r := range s.MatchExpressions {
		rpath := field.NewPath(indexPath(path+".matchExpressions", i))
		for _, e := range metav1validation.ValidateLabelSelectorRequirement(r, metav1validation.LabelSelectorValidationOptions{}, rpath) {
			o.errorf(e.Field, "%s", e.ErrorBody())
		}
	}
	if len(o.b.diags) > before {
		return
	}
	// Everything the engine will do with the selector must work.
	if _, err := metav1.LabelSelectorAsSelector(s); err != nil {
		o.errorf(path, "invalid selector: %v", err)
	}
}

// validateLabels: label keys are qualified names ([prefix/]name, the
// prefix a DNS subdomain, the name at most 63 characters); values are empty
// or at most 63 alphanumerics, '-', '_' or '.', starting and ending with an
// alphanumeric.
func validateLabels(o *object, path string, labels map[string]string) {
	if len(labels) == 0 {
		return
	}
	keys := make([]string, 0, len(labels))
	for k := range labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if o.b.validLabel(k, labels[k]) {
			continue
		}
		kpath := childPath(path, k)
		if msgs := validation.IsQualifiedName(k); len(msgs) > 0 {
			o.errorf(kpath, "invalid label key %q: %s", k, strings.Join(msgs, "; "))
		}
		if msgs := validation.IsValidLabelValue(labels[k]); len(msgs) > 0 {
			o.errorf(kpath, "invalid label value %q: %s", labels[k], strings.Join(msgs, "; "))
		}
	}
}

// validLabel reports whether a label key and value are both valid,
// remembering the strings that are (a cluster repeats a few labels on
// thousands of objects, and the checks run regular expressions).
func (b *builder) validLabel(k, v string) bool {
	if b.valid == nil {
		b.valid = map[string]uint8{}
	}
	const key, value = 1, 2
	if b.valid[k]&key == 0 {
		if len(validation.IsQualifiedName(k)) > 0 {
			return false
		}
		b.valid[k] |= key
	}
	if b.valid[v]&value == 0 {
		if len(validation.IsValidLabelValue(v)) > 0 {
			return false
		}
		b.valid[v] |= value
	}
	return true
}

// validateMeta: every object has a name; a namespace name is a DNS-1123
// label (lowercase alphanumerics and '-', at most 63 characters).
func validateMeta(o *object, m *metav1.ObjectMeta) {
	if m.Name == "" {
		o.errorf("metadata.name", "required")
	}
	if o.kind == "Namespace" && m.Name != "" {
		validateNamespaceName(o, "metadata.name", m.Name)
	}
	if m.Namespace != "" {
		validateNamespaceName(o, "metadata.namespace", m.Namespace)
	}
	validateLabels(o, "metadata.labels", m.Labels)
}

func validateNamespaceName(o *object, path, name string) {
	if msgs := validation.IsDNS1123Label(name); len(msgs) > 0 {
		o.errorf(path, "invalid namespace name %q: %s", name, strings.Join(msgs, "; "))
	}
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
