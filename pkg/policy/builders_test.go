package policy_test

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Builders for NetworkPolicies and endpoints, kube-network-policies style:
// np("ns", "name", withPodSelector(...), withIngress(...)). Nothing is
// defaulted: what a test leaves out is left out.

type npTweak func(*networkingv1.NetworkPolicy)

func np(ns, name string, tweaks ...npTweak) model.Policy {
	p := &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: ns, Name: name}}
	for _, f := range tweaks {
		f(p)
	}
	return model.Policy{NetworkPolicy: p}
}

func withPodSelector(s *metav1.LabelSelector) npTweak {
	return func(p *networkingv1.NetworkPolicy) { p.Spec.PodSelector = *s }
}

func withTypes(ts ...networkingv1.PolicyType) npTweak {
	return func(p *networkingv1.NetworkPolicy) { p.Spec.PolicyTypes = ts }
}

// withIngress sets spec.ingress; with no rules it sets the present-but-empty
// list `ingress: []`.
func withIngress(rs ...ruleSpec) npTweak {
	return func(p *networkingv1.NetworkPolicy) {
		p.Spec.Ingress = []networkingv1.NetworkPolicyIngressRule{}
		for _, r := range rs {
			p.Spec.Ingress = append(p.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: r.peers, Ports: r.ports})
		}
	}
}

// withEgress sets spec.egress; with no rules it sets `egress: []`.
func withEgress(rs ...ruleSpec) npTweak {
	return func(p *networkingv1.NetworkPolicy) {
		p.Spec.Egress = []networkingv1.NetworkPolicyEgressRule{}
		for _, r := range rs {
			p.Spec.Egress = append(p.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: r.peers, Ports: r.ports})
		}
	}
}

const (
	tIn  = networkingv1.PolicyTypeIngress
	tOut = networkingv1.PolicyTypeEgress
)

// ruleSpec is a rule of either direction; rule() with no tweaks is `- {}`.
type ruleSpec struct {
	peers []networkingv1.NetworkPolicyPeer
	ports []networkingv1.NetworkPolicyPort
}

type ruleTweak func(*ruleSpec)

func rule(tweaks ...ruleTweak) ruleSpec {
	var r ruleSpec
	for _, f := range tweaks {
		f(&r)
	}
	return r
}

// peers sets from/to; peers() is the present-but-empty list.
func peers(ps ...networkingv1.NetworkPolicyPeer) ruleTweak {
	return func(r *ruleSpec) { r.peers = append([]networkingv1.NetworkPolicyPeer{}, ps...) }
}

// onPorts sets ports; onPorts() is the present-but-empty list.
func onPorts(ps ...networkingv1.NetworkPolicyPort) ruleTweak {
	return func(r *ruleSpec) { r.ports = append([]networkingv1.NetworkPolicyPort{}, ps...) }
}

// sel is matchLabels from key, value pairs; sel() is the empty selector {}.
func sel(kv ...string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	if len(kv) > 0 {
		s.MatchLabels = lbl(kv...)
	}
	return s
}

// expr is one matchExpressions requirement.
func expr(key string, op metav1.LabelSelectorOperator, vals ...string) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: key, Operator: op, Values: vals}}}
}

func podPeer(s *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{PodSelector: s}
}

func nsPeer(s *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: s}
}

func andPeer(ns, pod *metav1.LabelSelector) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: ns, PodSelector: pod}
}

func ipPeer(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

func protoPtr(p corev1.Protocol) *corev1.Protocol { return &p }

// num is a numeric port with the protocol left to default (TCP).
func num(n int32) networkingv1.NetworkPolicyPort {
	v := intstr.FromInt32(n)
	return networkingv1.NetworkPolicyPort{Port: &v}
}

func udp(n int32) networkingv1.NetworkPolicyPort  { return withProto(num(n), corev1.ProtocolUDP) }
func sctp(n int32) networkingv1.NetworkPolicyPort { return withProto(num(n), corev1.ProtocolSCTP) }

// named is a named port with the protocol left to default (TCP).
func named(name string) networkingv1.NetworkPolicyPort {
	v := intstr.FromString(name)
	return networkingv1.NetworkPolicyPort{Port: &v}
}

func span(lo, hi int32) networkingv1.NetworkPolicyPort {
	p := num(lo)
	p.EndPort = &hi
	return p
}

// protoOnly has a protocol and no port.
func protoOnly(proto corev1.Protocol) networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: protoPtr(proto)}
}

func withProto(p networkingv1.NetworkPolicyPort, proto corev1.Protocol) networkingv1.NetworkPolicyPort {
	p.Protocol = protoPtr(proto)
	return p
}

func lbl(kv ...string) map[string]string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return m
}

func cport(name string, n int32, proto model.Protocol) model.ContainerPort {
	return model.ContainerPort{Container: "main", Name: name, Port: n, Protocol: proto}
}

// pod is one pod with no IP; see withIPs and hostNet.
func pod(ns, name string, labels map[string]string, ps ...model.ContainerPort) policy.Endpoint {
	return policy.Endpoint{ID: ns + "/" + name, Namespace: ns, Name: name, Kind: model.KindPod, Labels: labels, Ports: ps, Single: true}
}

func withIPs(ep policy.Endpoint, ips ...string) policy.Endpoint {
	ep.IPs = nil
	for _, s := range ips {
		ep.IPs = append(ep.IPs, netip.MustParseAddr(s))
	}
	return ep
}

func hostNet(ep policy.Endpoint) policy.Endpoint {
	ep.HostNetwork = true
	return ep
}

// workload turns a pod endpoint into one standing for several replicas.
func workload(ep policy.Endpoint) policy.Endpoint {
	ep.Kind, ep.Single = model.KindDeployment, false
	return ep
}

func ext(name, prefix string) policy.Endpoint {
	return policy.Endpoint{ID: name, Name: name, Kind: model.KindExternal, Prefix: netip.MustParsePrefix(prefix)}
}

func namespace(name string, kv ...string) model.Namespace {
	l := lbl(kv...)
	l[model.NamespaceNameLabel] = name
	return model.Namespace{Name: name, Labels: l}
}
