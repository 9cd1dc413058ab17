package synth

import (
	"cmp"
	"fmt"
	"net/netip"
	"slices"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
)

// clusterPolicies adds cfg.ClusterPolicies ClusterNetworkPolicies (half
// Admin, half Baseline, actions mixed, a few equal priorities) and the
// cluster's Nodes, which their nodes peers select. Subjects and peers
// select by the namespace labels team and env, by workload labels app and
// tier, by node role, and by networks inside and outside the pod range.
func (g *gen) clusterPolicies() {
	for i := range g.nodes {
		role := "worker"
		if i < 3 {
			role = "control-plane"
		}
		g.c.Nodes = append(g.c.Nodes, model.Node{Name: fmt.Sprintf("node-%d", i),
			Labels: map[string]string{"node-role": role}, Addresses: []netip.Addr{nodeIP(i)}})
	}
	for i := range g.cfg.ClusterPolicies {
		t := v1alpha2.AdminTier
		if i%2 == 1 {
			t = v1alpha2.BaselineTier
		}
		spec := v1alpha2.ClusterNetworkPolicySpec{Tier: t, Priority: int32(g.r.IntN(100)), Subject: g.tierSubject()}
		for j := range 1 + g.r.IntN(3) {
			spec.Ingress = append(spec.Ingress, v1alpha2.ClusterNetworkPolicyIngressRule{
				Name: fmt.Sprintf("in-%d", j), Action: g.tierAction(), Protocols: g.tierProtocols(),
				From: []v1alpha2.ClusterNetworkPolicyIngressPeer{g.tierIngressPeer()}})
		}
		for j := range g.r.IntN(3) {
			spec.Egress = append(spec.Egress, v1alpha2.ClusterNetworkPolicyEgressRule{
				Name: fmt.Sprintf("out-%d", j), Action: g.tierAction(), Protocols: g.tierProtocols(),
				To: []v1alpha2.ClusterNetworkPolicyEgressPeer{g.tierEgressPeer()}})
		}
		g.c.ClusterPolicies = append(g.c.ClusterPolicies, model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{
			TypeMeta:   typeMeta("policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy"),
			ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("%s-%d", map[v1alpha2.Tier]string{v1alpha2.AdminTier: "admin", v1alpha2.BaselineTier: "baseline"}[t], i)},
			Spec:       spec}})
	}
	slices.SortFunc(g.c.ClusterPolicies, func(a, b model.ClusterPolicy) int { return cmp.Compare(a.ID(), b.ID()) })
}

func (g *gen) tierSubject() v1alpha2.ClusterNetworkPolicySubject {
	if g.chance(0.6) {
		return v1alpha2.ClusterNetworkPolicySubject{Namespaces: g.nsLabelSelector()}
	}
	return v1alpha2.ClusterNetworkPolicySubject{Pods: &v1alpha2.NamespacedPod{
		NamespaceSelector: *g.nsLabelSelector(), PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"tier": pick(g, tierValues)}}}}
}

// nsLabelSelector selects all namespaces, a team's, or an environment's.
func (g *gen) nsLabelSelector() *metav1.LabelSelector {
	switch g.r.IntN(3) {
	case 0:
		return &metav1.LabelSelector{}
	case 1:
		return &metav1.LabelSelector{MatchLabels: map[string]string{"team": pick(g, teams)}}
	}
	return &metav1.LabelSelector{MatchLabels: map[string]string{"env": pick(g, envs)}}
}

// tierValues are the values of the workloads' tier label.
var tierValues = []string{"frontend", "backend", "data", "system"}

// tierAction mixes the actions in both tiers (a Baseline Pass goes to the
// default).
func (g *gen) tierAction() v1alpha2.ClusterNetworkPolicyRuleAction {
	return pick(g, []v1alpha2.ClusterNetworkPolicyRuleAction{v1alpha2.ClusterNetworkPolicyRuleActionAccept,
		v1alpha2.ClusterNetworkPolicyRuleActionDeny, v1alpha2.ClusterNetworkPolicyRuleActionPass})
}

func (g *gen) tierProtocols() []v1alpha2.ClusterNetworkPolicyProtocol {
	switch g.r.IntN(4) {
	case 0:
		return []v1alpha2.ClusterNetworkPolicyProtocol{{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1alpha2.Port{Number: pick(g, []int32{80, 443, 8080})}}}}
	case 1:
		return []v1alpha2.ClusterNetworkPolicyProtocol{{UDP: &v1alpha2.ClusterNetworkPolicyProtocolUDP{DestinationPort: &v1alpha2.Port{Range: &v1alpha2.PortRange{Start: 5000, End: 6000}}}}}
	case 2:
		return []v1alpha2.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "http"}}
	}
	return nil
}

func (g *gen) tierIngressPeer() v1alpha2.ClusterNetworkPolicyIngressPeer {
	if g.chance(0.5) {
		return v1alpha2.ClusterNetworkPolicyIngressPeer{Namespaces: g.nsLabelSelector()}
	}
	return v1alpha2.ClusterNetworkPolicyIngressPeer{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: *g.nsLabelSelector(),
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"tier": pick(g, tierValues)}}}}
}

func (g *gen) tierEgressPeer() v1alpha2.ClusterNetworkPolicyEgressPeer {
	switch g.r.IntN(4) {
	case 0:
		return v1alpha2.ClusterNetworkPolicyEgressPeer{Namespaces: g.nsLabelSelector()}
	case 1:
		return v1alpha2.ClusterNetworkPolicyEgressPeer{Nodes: &metav1.LabelSelector{MatchLabels: map[string]string{"node-role": "control-plane"}}}
	case 2:
		return v1alpha2.ClusterNetworkPolicyEgressPeer{Networks: []v1alpha2.CIDR{pick(g, []v1alpha2.CIDR{"10.0.0.0/8", "0.0.0.0/0", "192.168.0.0/16", "8.8.8.0/24"})}}
	}
	return v1alpha2.ClusterNetworkPolicyEgressPeer{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: *g.nsLabelSelector(),
		PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"tier": pick(g, tierValues)}}}}
}

// tierObjects are the Nodes (labels, status addresses) and the cluster
// policies of c, as manifests.
func tierObjects(c *model.Cluster) []any {
	var out []any
	for _, n := range c.Nodes {
		node := &corev1.Node{TypeMeta: typeMeta("v1", "Node"), ObjectMeta: metav1.ObjectMeta{Name: n.Name, Labels: n.Labels}}
		for _, a := range n.Addresses {
			node.Status.Addresses = append(node.Status.Addresses, corev1.NodeAddress{Type: corev1.NodeInternalIP, Address: a.String()})
		}
		out = append(out, node)
	}
	for _, p := range c.ClusterPolicies {
		if p.CNP != nil {
			out = append(out, p.CNP)
		}
	}
	return out
}
