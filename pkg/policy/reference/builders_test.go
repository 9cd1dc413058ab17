package reference_test

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Builders for cluster policies of both API versions and the endpoints
// of the tier tests. Nothing is defaulted that the test does not say.

func sel(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{MatchLabels: map[string]string{}}
	for i := 0; i+1 < len(kv); i += 2 {
		s.MatchLabels[kv[i]] = kv[i+1]
	}
	return s
}

type cnpRules struct {
	in  []v1alpha2.ClusterNetworkPolicyIngressRule
	out []v1alpha2.ClusterNetworkPolicyEgressRule
}

// cnp is a ClusterNetworkPolicy whose subject is every pod of the
// namespaces ns selects.
func cnp(name string, t v1alpha2.Tier, prio int32, ns *metav1.LabelSelector, r cnpRules) model.ClusterPolicy {
	return model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: t, Priority: prio,
			Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: ns}, Ingress: r.in, Egress: r.out}}}
}

const (
	admin    = v1alpha2.AdminTier
	baseline = v1alpha2.BaselineTier
	accept   = v1alpha2.ClusterNetworkPolicyRuleActionAccept
	deny     = v1alpha2.ClusterNetworkPolicyRuleActionDeny
	pass     = v1alpha2.ClusterNetworkPolicyRuleActionPass
)

func in(a v1alpha2.ClusterNetworkPolicyRuleAction, protos []v1alpha2.ClusterNetworkPolicyProtocol, from ...v1alpha2.ClusterNetworkPolicyIngressPeer) cnpRules {
	return cnpRules{in: []v1alpha2.ClusterNetworkPolicyIngressRule{{Action: a, From: from, Protocols: protos}}}
}

func out(a v1alpha2.ClusterNetworkPolicyRuleAction, protos []v1alpha2.ClusterNetworkPolicyProtocol, to ...v1alpha2.ClusterNetworkPolicyEgressPeer) cnpRules {
	return cnpRules{out: []v1alpha2.ClusterNetworkPolicyEgressRule{{Action: a, To: to, Protocols: protos}}}
}

// then appends the rules of o after those of r.
func (r cnpRules) then(o cnpRules) cnpRules {
	return cnpRules{in: append(r.in, o.in...), out: append(r.out, o.out...)}
}

func fromNS(s *metav1.LabelSelector) v1alpha2.ClusterNetworkPolicyIngressPeer {
	return v1alpha2.ClusterNetworkPolicyIngressPeer{Namespaces: s}
}

func fromPods(ns, pod *metav1.LabelSelector) v1alpha2.ClusterNetworkPolicyIngressPeer {
	return v1alpha2.ClusterNetworkPolicyIngressPeer{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: *ns, PodSelector: *pod}}
}

func toNS(s *metav1.LabelSelector) v1alpha2.ClusterNetworkPolicyEgressPeer {
	return v1alpha2.ClusterNetworkPolicyEgressPeer{Namespaces: s}
}

func toNodes(s *metav1.LabelSelector) v1alpha2.ClusterNetworkPolicyEgressPeer {
	return v1alpha2.ClusterNetworkPolicyEgressPeer{Nodes: s}
}

func toNets(cidrs ...v1alpha2.CIDR) v1alpha2.ClusterNetworkPolicyEgressPeer {
	return v1alpha2.ClusterNetworkPolicyEgressPeer{Networks: cidrs}
}

func toDomains(ds ...v1alpha2.DomainName) v1alpha2.ClusterNetworkPolicyEgressPeer {
	return v1alpha2.ClusterNetworkPolicyEgressPeer{DomainNames: ds}
}

func tcp(n int32) v1alpha2.ClusterNetworkPolicyProtocol {
	return v1alpha2.ClusterNetworkPolicyProtocol{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1alpha2.Port{Number: n}}}
}

func udpRange(lo, hi int32) v1alpha2.ClusterNetworkPolicyProtocol {
	return v1alpha2.ClusterNetworkPolicyProtocol{UDP: &v1alpha2.ClusterNetworkPolicyProtocolUDP{DestinationPort: &v1alpha2.Port{Range: &v1alpha2.PortRange{Start: lo, End: hi}}}}
}

func namedPort(n string) v1alpha2.ClusterNetworkPolicyProtocol {
	return v1alpha2.ClusterNetworkPolicyProtocol{DestinationNamedPort: n}
}

func protos(ps ...v1alpha2.ClusterNetworkPolicyProtocol) []v1alpha2.ClusterNetworkPolicyProtocol {
	return ps
}

// anp is an AdminNetworkPolicy (v1alpha1) with one ingress rule from the
// namespaces from selects, on the subject's namespaces ns.
func anp(name string, prio int32, ns, from *metav1.LabelSelector, a v1alpha1.AdminNetworkPolicyRuleAction, ports *[]v1alpha1.AdminNetworkPolicyPort) model.ClusterPolicy {
	return model.ClusterPolicy{ANP: &v1alpha1.AdminNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha1.AdminNetworkPolicySpec{Priority: prio, Subject: v1alpha1.AdminNetworkPolicySubject{Namespaces: ns},
			Ingress: []v1alpha1.AdminNetworkPolicyIngressRule{{Action: a, From: []v1alpha1.AdminNetworkPolicyIngressPeer{{Namespaces: from}}, Ports: ports}}}}}
}

// banp is the BaselineAdminNetworkPolicy "default" with one ingress rule.
func banp(ns, from *metav1.LabelSelector, a v1alpha1.BaselineAdminNetworkPolicyRuleAction) model.ClusterPolicy {
	return model.ClusterPolicy{BANP: &v1alpha1.BaselineAdminNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "default"},
		Spec: v1alpha1.BaselineAdminNetworkPolicySpec{Subject: v1alpha1.AdminNetworkPolicySubject{Namespaces: ns},
			Ingress: []v1alpha1.BaselineAdminNetworkPolicyIngressRule{{Action: a, From: []v1alpha1.AdminNetworkPolicyIngressPeer{{Namespaces: from}}}}}}}
}

// denyAllIngress is a NetworkPolicy isolating every pod of ns for ingress.
func denyAllIngress(ns string) model.Policy {
	return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deny-all"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}}}}
}

// allowAllIngress is a NetworkPolicy isolating every pod of ns for ingress
// and admitting everything.
func allowAllIngress(ns string) model.Policy {
	return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "allow-all"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{}}}}}
}

// denyAllEgress is a NetworkPolicy isolating every pod of ns for egress.
func denyAllEgress(ns string) model.Policy {
	return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "deny-egress"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}}}}
}

// egressOnly is a NetworkPolicy isolating every pod of ns for egress only,
// admitting everything.
func egressOnly(ns string) model.Policy {
	return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: "egress"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			Egress: []networkingv1.NetworkPolicyEgressRule{{}}}}}
}

// The endpoints of every tier test: pods a (namespace a) and b (namespace
// b, declaring http 8080/TCP), a host-network pod h on node n1, an
// external x, node n2's address as an external, and two ranges holding
// node addresses: 192.168.0.8/30 (n1's and n2's and two others) and
// 192.168.0.10/31 (exactly n1's and n2's).
var endpoints = []policy.Endpoint{
	{ID: "a/a", Namespace: "a", Name: "a", Kind: model.KindPod, Labels: map[string]string{"app": "a"}, Single: true,
		IPs: []netip.Addr{netip.MustParseAddr("10.0.0.1")}},
	{ID: "b/b", Namespace: "b", Name: "b", Kind: model.KindPod, Labels: map[string]string{"app": "b"}, Single: true,
		IPs:   []netip.Addr{netip.MustParseAddr("10.0.1.1")},
		Ports: []model.ContainerPort{{Name: "http", Port: 8080, Protocol: model.TCP}}},
	{ID: "a/h", Namespace: "a", Name: "h", Kind: model.KindPod, Labels: map[string]string{"app": "h"}, Single: true,
		HostNetwork: true, IPs: []netip.Addr{netip.MustParseAddr("192.168.0.10")}},
	{ID: "x", Name: "x", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("8.8.0.0/16")},
	{ID: "n2", Name: "n2", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("192.168.0.11/32")},
	{ID: "nodes30", Name: "nodes30", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("192.168.0.8/30")},
	{ID: "nodes31", Name: "nodes31", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("192.168.0.10/31")},
}

const (
	epA = iota
	epB
	epH
	epX
	epN2
	epNodes30
	epNodes31
)

var nodes = []model.Node{
	{Name: "n1", Labels: map[string]string{"role": "worker"}, Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.10")}},
	{Name: "n2", Labels: map[string]string{"role": "control"}, Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.11")}},
}

var namespaces = []model.Namespace{{Name: "a", Labels: map[string]string{"team": "a"}}, {Name: "b", Labels: map[string]string{"team": "b"}}}
