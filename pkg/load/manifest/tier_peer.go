package manifest

import (
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
)

// tierPeer is the union of both versions' peer fields.
type tierPeer struct {
	namespaces, pod, podNS, nodes *metav1.LabelSelector
	networks                      []string
	domains                       int
}

func tierPeerOf[P *v1alpha1.NamespacedPod | *v1alpha2.NamespacedPod](ns *metav1.LabelSelector, pods P, nodes *metav1.LabelSelector, networks []string, domains int) tierPeer {
	p := tierPeer{namespaces: ns, nodes: nodes, networks: networks, domains: domains}
	switch v := any(pods).(type) {
	case *v1alpha1.NamespacedPod:
		if v != nil {
			p.pod, p.podNS = &v.PodSelector, &v.NamespaceSelector
		}
	case *v1alpha2.NamespacedPod:
		if v != nil {
			p.pod, p.podNS = &v.PodSelector, &v.NamespaceSelector
		}
	}
	return p
}

// validateTierPeer: "Exactly one of the fields must be set for a given
// peer and this is enforced by the validation rules on the CRD." A peer
// with none of the fields podreach knows may carry a field of a newer
// version: it is a warning, and the rule fails closed ("If an
// implementation sees no fields are set ... it should fail closed").
func validateTierPeer(o *object, path string, p tierPeer) {
	n := 0
	for _, set := range []bool{p.namespaces != nil, p.pod != nil, p.nodes != nil, len(p.networks) > 0, p.domains > 0} {
		if set {
			n++
		}
	}
	switch {
	case n == 0:
		o.warnf(path, "sets no peer field podreach knows: the rule fails closed (an Accept rule matches nothing, a Deny or Pass rule denies all)")
	case n > 1:
		o.errorf(path, "must set exactly one peer field, not %d", n)
	}
	if p.namespaces != nil {
		validateSelector(o, path+".namespaces", p.namespaces)
	}
	if p.pod != nil {
		validateSelector(o, path+".pods.namespaceSelector", p.podNS)
		validateSelector(o, path+".pods.podSelector", p.pod)
	}
	if p.nodes != nil {
		validateSelector(o, path+".nodes", p.nodes)
	}
	for i, c := range p.networks {
		validateNetwork(o, indexPath(path+".networks", i), c)
	}
}

// validateNetwork: the CRD's rule is "isCIDR(self) && cidr(self) ==
// cidr(self).masked()" ("Invalid CIDR format provided"): no host bits,
// none of NetworkPolicy's legacy forms.
func validateNetwork(o *object, path, s string) {
	p, err := netip.ParsePrefix(s)
	switch {
	case err != nil:
		o.errorf(path, "invalid CIDR %q", s)
	case p.Masked() != p:
		o.errorf(path, "invalid CIDR %q: host bits are set (did you mean %q?)", s, p.Masked().String())
	}
}

func addAdminNetworkPolicy(o *object) {
	p := decodeAs[v1alpha1.AdminNetworkPolicy](o, true)
	if p == nil {
		return
	}
	o.meta(&p.ObjectMeta)
	s := &p.Spec
	validateTierPriority(o, s.Priority)
	validateV1Subject(o, s.Subject)
	for i, r := range s.Ingress {
		path := indexPath("spec.ingress", i)
		validateV1Rule(o, path, string(r.Action), len(r.From), r.Ports, "Allow", "Deny", "Pass")
		for j, pe := range r.From {
			validateTierPeer(o, indexPath(path+".from", j), tierPeerOf(pe.Namespaces, pe.Pods, nil, nil, 0))
		}
	}
	for i, r := range s.Egress {
		path := indexPath("spec.egress", i)
		validateV1Rule(o, path, string(r.Action), len(r.To), r.Ports, "Allow", "Deny", "Pass")
		for j, pe := range r.To {
			validateTierPeer(o, indexPath(path+".to", j), tierPeerOf(pe.Namespaces, pe.Pods, pe.Nodes, stringsOf(pe.Networks), len(pe.DomainNames)))
		}
	}
	putTier(o, &model.ClusterPolicy{ANP: p})
}

// addBaselineAdminNetworkPolicy: "Only one baseline admin network policy
// with metadata.name="default" can be created in the cluster".
func addBaselineAdminNetworkPolicy(o *object) {
	p := decodeAs[v1alpha1.BaselineAdminNetworkPolicy](o, true)
	if p == nil {
		return
	}
	o.meta(&p.ObjectMeta)
	if p.Name != "default" {
		o.errorf("metadata.name", "a BaselineAdminNetworkPolicy must be named \"default\", not %q", p.Name)
	}
	s := &p.Spec
	validateV1Subject(o, s.Subject)
	for i, r := range s.Ingress {
		path := indexPath("spec.ingress", i)
		validateV1Rule(o, path, string(r.Action), len(r.From), r.Ports, "Allow", "Deny")
		for j, pe := range r.From {
			validateTierPeer(o, indexPath(path+".from", j), tierPeerOf(pe.Namespaces, pe.Pods, nil, nil, 0))
		}
	}
	for i, r := range s.Egress {
		path := indexPath("spec.egress", i)
		validateV1Rule(o, path, string(r.Action), len(r.To), r.Ports, "Allow", "Deny")
		for j, pe := range r.To {
			validateTierPeer(o, indexPath(path+".to", j), tierPeerOf(pe.Namespaces, pe.Pods, pe.Nodes, stringsOf(pe.Networks), 0))
		}
	}
	putTier(o, &model.ClusterPolicy{BANP: p})
}

func validateV1Subject(o *object, s v1alpha1.AdminNetworkPolicySubject) {
	var pod, podNS *metav1.LabelSelector
	if s.Pods != nil {
		pod, podNS = &s.Pods.PodSelector, &s.Pods.NamespaceSelector
	}
	validateTierSubject(o, s.Namespaces, pod, podNS)
}

// validateV1Rule: the action, at least one peer, and each port entry
// setting exactly one of portNumber, namedPort and portRange ("Exactly one
// field must be set"), with a known protocol.
func validateV1Rule(o *object, path, action string, peers int, ports *[]v1alpha1.AdminNetworkPolicyPort, actions ...string) {
	validateAction(o, path+".action", action, actions...)
	if peers == 0 {
		o.errorf(path, "must list at least one peer")
	}
	if ports == nil {
		return
	}
	for i, p := range *ports {
		ppath := indexPath(path+".ports", i)
		n := 0
		if p.PortNumber != nil {
			n++
			if p.PortNumber.Protocol != "" {
				validateProtocol(o, ppath+".portNumber.protocol", string(p.PortNumber.Protocol))
			}
			validatePortNumber(o, ppath+".portNumber.port", p.PortNumber.Port)
		}
		if p.PortRange != nil {
			n++
			if p.PortRange.Protocol != "" {
				validateProtocol(o, ppath+".portRange.protocol", string(p.PortRange.Protocol))
			}
			validateTierRange(o, ppath+".portRange", p.PortRange.Start, p.PortRange.End)
		}
		if p.NamedPort != nil {
			n++
		}
		if n != 1 {
			o.errorf(ppath, "must set exactly one of portNumber, namedPort and portRange")
		}
	}
}
