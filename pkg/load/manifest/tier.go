package manifest

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
)

// This file reads the cluster-wide policy tiers (policy.networking.k8s.io:
// ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
// BaselineAdminNetworkPolicy v1alpha1) and Nodes (what their nodes peers
// select), and checks what the CRDs' validation rejects. Rules whose peers
// set no field podreach knows are kept: the policy engine fails them
// closed, as the API prescribes for fields of a newer version.

// tierHandler returns the handler of a policy.networking.k8s.io kind.
// Other versions (v1beta1) stay unread: they are reported as not
// evaluated.
func tierHandler(version, kind string) (handler, bool) {
	switch {
	case version == "v1alpha2" && kind == "ClusterNetworkPolicy":
		return addClusterNetworkPolicy, true
	case version == "v1alpha1" && kind == "AdminNetworkPolicy":
		return addAdminNetworkPolicy, true
	case version == "v1alpha1" && kind == "BaselineAdminNetworkPolicy":
		return addBaselineAdminNetworkPolicy, true
	}
	return nil, false
}

// tierDecoder is decoderFor of the kinds of this file.
func tierDecoder(kind string) typedDecoder {
	switch kind {
	case "ClusterNetworkPolicy":
		return strictly[v1alpha2.ClusterNetworkPolicy]
	case "AdminNetworkPolicy":
		return strictly[v1alpha1.AdminNetworkPolicy]
	case "BaselineAdminNetworkPolicy":
		return strictly[v1alpha1.BaselineAdminNetworkPolicy]
	}
	return nil
}

// tierVersions are the versions of policy.networking.k8s.io in which
// podreach reads kind (see servedVersions); other versions are kept as
// policies not evaluated.
func tierVersions(kind string) []string {
	if kind == "ClusterNetworkPolicy" {
		return []string{"v1alpha2"}
	}
	return []string{"v1alpha1"}
}

// tierKind reports whether kind is cluster-scoped and read by this file.
func tierKind(kind string) bool {
	switch kind {
	case "ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "Node":
		return true
	}
	return false
}

// readsTier reports whether this file reads objects of the type.
func readsTier(group, version, kind string) bool {
	_, ok := tierHandler(version, kind)
	return group == "policy.networking.k8s.io" && ok
}

// tierRecord is a cluster policy: the engine evaluates it (the tiers of
// pkg/policy/tier), so it is not among the policies not evaluated.
type tierRecord struct {
	p model.ClusterPolicy
}

func putTier(o *object, p *model.ClusterPolicy) {
	p.Source = o.source()
	o.b.put(o, &tierRecord{p: *p})
}

func addClusterNetworkPolicy(o *object) {
	p := decodeAs[v1alpha2.ClusterNetworkPolicy](o, true)
	if p == nil {
		return
	}
	o.meta(&p.ObjectMeta)
	s := &p.Spec
	// "Tier is used as the top-level grouping for network policy
	// prioritization": Admin or Baseline.
	if s.Tier != v1alpha2.AdminTier && s.Tier != v1alpha2.BaselineTier {
		o.errorf("spec.tier", "unsupported tier %q (want Admin or Baseline)", s.Tier)
	}
	validateTierPriority(o, s.Priority)
	var pod, podNS *metav1.LabelSelector
	if s.Subject.Pods != nil {
		pod, podNS = &s.Subject.Pods.PodSelector, &s.Subject.Pods.NamespaceSelector
	}
	validateTierSubject(o, s.Subject.Namespaces, pod, podNS)
	for i, r := range s.Ingress {
		path := indexPath("spec.ingress", i)
		validateCNPRule(o, path, string(r.Action), len(r.From), r.Protocols)
		for j, pe := range r.From {
			validateTierPeer(o, indexPath(path+".from", j), tierPeerOf(pe.Namespaces, pe.Pods, nil, nil, 0))
		}
	}
	for i, r := range s.Egress {
		path := indexPath("spec.egress", i)
		validateCNPRule(o, path, string(r.Action), len(r.To), r.Protocols)
		for j, pe := range r.To {
			validateTierPeer(o, indexPath(path+".to", j), tierPeerOf(pe.Namespaces, pe.Pods, pe.Nodes, stringsOf(pe.Networks), len(pe.DomainNames)))
		}
	}
	putTier(o, &model.ClusterPolicy{CNP: p})
}

// validateCNPRule: "Action specifies the effect this rule will have on
// matching traffic" (Accept, Deny, Pass); the peer list "must be defined
// and contain at least one item"; each protocol sets exactly one field,
// with a destinationPort of a number or a range.
func validateCNPRule(o *object, path, action string, peers int, protos []v1alpha2.ClusterNetworkPolicyProtocol) {
	validateAction(o, path+".action", action, "Accept", "Deny", "Pass")
	if peers == 0 {
		o.errorf(path, "must list at least one peer")
	}
	for i, p := range protos {
		ppath := indexPath(path+".protocols", i)
		n := 0
		for _, e := range []struct {
			name string
			port *v1alpha2.Port
			set  bool
		}{{"tcp", portOf(p.TCP), p.TCP != nil}, {"udp", portOfUDP(p.UDP), p.UDP != nil}, {"sctp", portOfSCTP(p.SCTP), p.SCTP != nil}} {
			if e.set {
				n++
				validateCNPPort(o, ppath+"."+e.name+".destinationPort", e.port)
			}
		}
		if p.DestinationNamedPort != "" {
			n++
		}
		if n != 1 {
			o.errorf(ppath, "must set exactly one of tcp, udp, sctp and destinationNamedPort")
		}
	}
}

func portOf(p *v1alpha2.ClusterNetworkPolicyProtocolTCP) *v1alpha2.Port {
	if p == nil {
		return nil
	}
	return p.DestinationPort
}

func portOfUDP(p *v1alpha2.ClusterNetworkPolicyProtocolUDP) *v1alpha2.Port {
	if p == nil {
		return nil
	}
	return p.DestinationPort
}

func portOfSCTP(p *v1alpha2.ClusterNetworkPolicyProtocolSCTP) *v1alpha2.Port {
	if p == nil {
		return nil
	}
	return p.DestinationPort
}

// validateCNPPort: "Port matches on port number. You must specify either
// Port or Range."; a range's "Start port must be less than End port".
func validateCNPPort(o *object, path string, p *v1alpha2.Port) {
	switch {
	case p == nil || (p.Number != 0) == (p.Range != nil):
		o.errorf(path, "must set exactly one of number and range")
	case p.Range != nil:
		validateTierRange(o, path+".range", p.Range.Start, p.Range.End)
	default:
		validatePortNumber(o, path+".number", p.Number)
	}
}

func validateTierRange(o *object, path string, start, end int32) {
	if validatePortNumber(o, path+".start", start) && validatePortNumber(o, path+".end", end) && start >= end {
		o.errorf(path, "start %d must be less than end %d", start, end)
	}
}

// validateTierPriority: "Priority is a value from 0 to 1000".
func validateTierPriority(o *object, p int32) {
	if p < 0 || p > 1000 {
		o.errorf("spec.priority", "priority %d is outside 0-1000", p)
	}
}

// validateTierSubject: "Exactly one field must be set."
func validateTierSubject(o *object, ns, pod, podNS *metav1.LabelSelector) {
	switch {
	case (ns == nil) == (pod == nil):
		o.errorf("spec.subject", "must set exactly one of namespaces and pods")
	case ns != nil:
		validateSelector(o, "spec.subject.namespaces", ns)
	default:
		validateSelector(o, "spec.subject.pods.namespaceSelector", podNS)
		validateSelector(o, "spec.subject.pods.podSelector", pod)
	}
}

func validateAction(o *object, path, action string, valid ...string) {
	for _, v := range valid {
		if action == v {
			return
		}
	}
	o.errorf(path, "unsupported action %q (want %v)", action, valid)
}

func stringsOf[S ~string](xs []S) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = string(x)
	}
	return out
}

// addNode keeps a Node's labels and IP addresses (status.addresses of
// types InternalIP and ExternalIP).
func addNode(o *object) {
	n := decodeAs[corev1.Node](o, true)
	if n == nil {
		return
	}
	o.meta(&n.ObjectMeta)
	validateLabels(o, "metadata.labels", n.Labels)
	node := &model.Node{Name: n.Name, Labels: n.Labels, Source: o.source()}
	for i, a := range n.Status.Addresses {
		if a.Type != corev1.NodeInternalIP && a.Type != corev1.NodeExternalIP {
			continue
		}
		ip, err := netip.ParseAddr(a.Address)
		if err != nil {
			o.errorf(indexPath("status.addresses", i)+".address", "invalid IP address %q", a.Address)
			continue
		}
		node.Addresses = append(node.Addresses, ip)
	}
	o.b.put(o, node)
}
