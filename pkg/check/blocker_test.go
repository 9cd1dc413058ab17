package check

import (
	"maps"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// blockerName names every policy a blocker writes.
const blockerName = "block"

// blocker writes NetworkPolicies that deny exactly the connections from
// peer from to peer to on the given wire ports ("8080/TCP") and admit
// everything else: at the destination pods (ingress) when to is a pod peer,
// else at the source pods (egress). Each policy has two rules: every port
// but the blocked ones from (to) anyone, and the blocked ports from (to)
// everyone but the other peer.
func blocker(c *model.Cluster, from, to mesh.Peer, wire []string) []model.Policy {
	self, other, dir := to, from, networkingv1.PolicyTypeIngress
	if to.Kind != mesh.PeerPods && to.Kind != mesh.PeerMeshedPods {
		self, other, dir = from, to, networkingv1.PolicyTypeEgress
	}
	nss := []string{self.Namespace}
	if self.Namespace == "" {
		nss = namespaceNames(c)
	}
	blocked := policyPorts(wire)
	rest := portsExcept(wire)
	peers := peersExcept(c, other)
	var out []model.Policy
	for _, ns := range nss {
		var tweaks []npTweak
		if dir == networkingv1.PolicyTypeIngress {
			tweaks = []npTweak{ingressRule(nil, rest), ingressRule(peers, blocked)}
		} else {
			tweaks = []npTweak{policyTypes(dir), egressRule(nil, rest), egressRule(peers, blocked)}
		}
		out = append(out, netpol(ns, blockerName, self.PodSelector.DeepCopy(), tweaks...))
	}
	return out
}

// peersExcept selects every possible peer but p: every pod not selected
// by p, and every address but p's.
func peersExcept(c *model.Cluster, p mesh.Peer) []networkingv1.NetworkPolicyPeer {
	allPods := networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}}
	switch p.Kind {
	case mesh.PeerAPIServer:
		return []networkingv1.NetworkPolicyPeer{allPods, ipBlock("0.0.0.0/0", apiserverCIDR)}
	case mesh.PeerExternal:
		for _, x := range c.Externals {
			if x.Name == p.Name {
				return []networkingv1.NetworkPolicyPeer{allPods, ipBlock("0.0.0.0/0", x.Prefix.String())}
			}
		}
		panic("no external " + p.Name)
	case mesh.PeerAny:
		return []networkingv1.NetworkPolicyPeer{allPods}
	}
	out := []networkingv1.NetworkPolicyPeer{ipBlock("0.0.0.0/0")}
	nsSel := &metav1.LabelSelector{}
	if p.Namespace != "" {
		out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
			{Key: model.NamespaceNameLabel, Operator: metav1.LabelSelectorOpNotIn, Values: []string{p.Namespace}}}}})
		nsSel = matchLabels(model.NamespaceNameLabel, p.Namespace)
	}
	// A pod escapes p's selector when it fails any one requirement.
	for _, r := range negate(p.PodSelector) {
		out = append(out, networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel.DeepCopy(),
			PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{r}}})
	}
	return out
}

// negate returns one requirement per requirement of s, each matching the
// pods that fail it.
func negate(s *metav1.LabelSelector) []metav1.LabelSelectorRequirement {
	if s == nil {
		return nil
	}
	var out []metav1.LabelSelectorRequirement
	for _, k := range slices.Sorted(maps.Keys(s.MatchLabels)) {
		out = append(out, metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpNotIn, Values: []string{s.MatchLabels[k]}})
	}
	for _, r := range s.MatchExpressions {
		switch r.Operator {
		case metav1.LabelSelectorOpExists:
			out = append(out, metav1.LabelSelectorRequirement{Key: r.Key, Operator: metav1.LabelSelectorOpDoesNotExist})
		case metav1.LabelSelectorOpIn:
			out = append(out, metav1.LabelSelectorRequirement{Key: r.Key, Operator: metav1.LabelSelectorOpNotIn, Values: r.Values})
		default:
			panic("negate: unsupported operator " + string(r.Operator))
		}
	}
	return out
}

func ipBlock(cidr string, except ...string) networkingv1.NetworkPolicyPeer {
	return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: cidr, Except: except}}
}

// policyPorts turns "8080/TCP" specs into policy ports.
func policyPorts(specs []string) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, s := range specs {
		num, proto := splitPort(s)
		out = append(out, npPort(corev1.Protocol(proto), num, 0))
	}
	return out
}

// portsExcept is every port of every protocol but the given ones.
func portsExcept(specs []string) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, proto := range model.Protocols {
		var nums []int32
		for _, s := range specs {
			if n, p := splitPort(s); p == proto.String() {
				nums = append(nums, n)
			}
		}
		if len(nums) == 0 {
			out = append(out, npPort(corev1.Protocol(proto.String()), 0, 0))
			continue
		}
		slices.Sort(nums)
		lo := int32(1)
		for _, n := range append(nums, 65536) {
			switch {
			case n-1 == lo:
				out = append(out, npPort(corev1.Protocol(proto.String()), lo, 0))
			case n-1 > lo:
				out = append(out, npPort(corev1.Protocol(proto.String()), lo, n-1))
			}
			lo = n + 1
		}
	}
	return out
}

func splitPort(spec string) (int32, string) {
	num, proto, _ := strings.Cut(spec, "/")
	n, err := strconv.Atoi(num)
	if err != nil {
		panic(err)
	}
	return int32(n), proto
}
