package fix

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// ClusterPolicy is one proposed Admin-tier ClusterNetworkPolicy and the
// checks it restores.
type ClusterPolicy struct {
	Policy   *v1alpha2.ClusterNetworkPolicy
	Restores []string
}

// adminBuilder accumulates Admin-tier rules: one ClusterNetworkPolicy per
// (check, direction, pod whose direction is denied), one rule per peer.
//
// The action is Accept, or Pass when every pair of the policy is denied
// by an Admin-tier Deny and the lower tiers (NetworkPolicy, then Baseline)
// admit it once that Deny is passed: "Pass: Skips all further
// ClusterNetworkPolicy rules in the current tier for the selected traffic,
// and passes evaluation to the next tier", so the namespace's own
// NetworkPolicies keep deciding. The priority is one less than the
// lowest-priority Admin policy acting on any of the pairs: "Policies with
// lower priority values have higher precedence".
type adminBuilder struct {
	a          *reach.Analysis
	ref        *referee
	priorities map[string]int32 // Admin-tier policy ID → priority
	groups     map[string]*adminGroup
}

type adminGroup struct {
	name     string
	side     policy.Direction
	self     string // the endpoint ID whose direction is denied
	peers    map[string]ports.Set
	restores []string
	checks   []string // the IDs of the checks it restores
	pairs    []check.Pair
	before   int32 // lowest priority of an Admin policy acting on a pair; 1001 for none
	allAdmin bool  // every pair is denied by an Admin-tier Deny
}

func newAdminBuilder(a *reach.Analysis, ref *referee) *adminBuilder {
	b := &adminBuilder{a: a, ref: ref, priorities: map[string]int32{}, groups: map[string]*adminGroup{}}
	if ps, err := tier.CompileAll(a.Cluster().ClusterPolicies); err == nil {
		for _, p := range ps {
			if p.Tier == tier.Admin {
				b.priorities[p.ID] = p.Priority
			}
		}
	}
	return b
}

// add records an Admin-tier rule for pair; it returns why it cannot, when
// the peer cannot be named by an Admin-tier rule.
func (b *adminBuilder) add(res check.Result, pair check.Pair, bl blocker) string {
	self, other := pair.To, pair.From
	if bl.side == policy.Egress {
		self, other = pair.From, pair.To
	}
	if bl.side == policy.Ingress && b.workload(other) == nil {
		return fmt.Sprintf("%s → %s: an Admin-tier ingress rule names only namespaces and pods (\"from\"), not %s", pair.From, pair.To, other)
	}
	name := "podreach-" + res.ID
	if bl.side == policy.Egress {
		name += "-egress"
	}
	name = dnsName(name + "-" + self)
	g, ok := b.groups[name]
	if !ok {
		g = &adminGroup{name: name, side: bl.side, self: self, peers: map[string]ports.Set{}, before: 1001, allAdmin: true}
		b.groups[name] = g
	}
	if !slices.Contains(g.restores, res.Description) {
		g.restores = append(g.restores, res.Description)
		g.checks = append(g.checks, res.ID)
	}
	g.pairs = append(g.pairs, pair)
	g.peers[other] = g.peers[other].Union(ports.Of(pair.Protocol, int(pair.Port), int(pair.Port)))
	g.allAdmin = g.allAdmin && bl.layer() == "Admin tier"
	for _, st := range bl.chain {
		if p, ok := b.priorities[st.Policy]; ok && st.Layer == "Admin tier" {
			g.before = min(g.before, p)
		}
	}
	return ""
}

// policies renders the groups, sorted by name; a group that would need a
// priority below 0 is reported instead (why), with the checks it leaves
// unfixed.
func (b *adminBuilder) policies() (out []ClusterPolicy, why, unfixed []string) {
	for _, name := range slices.Sorted(maps.Keys(b.groups)) {
		g := b.groups[name]
		prio := min(g.before-1, 1000)
		if prio < 0 {
			unfixed = append(unfixed, g.checks...)
			why = append(why, fmt.Sprintf("%s: an Admin-tier policy at priority 0 acts on it, and no Admin-tier policy can come before it: change that cluster policy", strings.Join(g.restores, "; ")))
			continue
		}
		cnp := b.cnp(g, prio, v1alpha2.ClusterNetworkPolicyRuleActionAccept)
		if g.allAdmin {
			if pass := b.cnp(g, prio, v1alpha2.ClusterNetworkPolicyRuleActionPass); b.admits(pass, g.pairs) {
				cnp = pass
			}
		}
		out = append(out, ClusterPolicy{Policy: cnp, Restores: g.restores})
	}
	return out, why, unfixed
}

// admits reports whether every pair is allowed once cnp is added.
func (b *adminBuilder) admits(cnp *v1alpha2.ClusterNetworkPolicy, pairs []check.Pair) bool {
	c := withClusterPolicies(b.a.Cluster(), []ClusterPolicy{{Policy: cnp}})
	ev, err := reference.New(c, true)
	if err != nil {
		return false
	}
	eps := b.a.Engine().Endpoints()
	for _, p := range pairs {
		s, _ := b.a.EndpointIndex(p.From)
		d, _ := b.a.EndpointIndex(p.To)
		if !ev.Allowed(eps, s, d, p.Protocol, int(p.Port)) {
			return false
		}
	}
	return true
}

// cnp writes group g as a ClusterNetworkPolicy.
func (b *adminBuilder) cnp(g *adminGroup, prio int32, action v1alpha2.ClusterNetworkPolicyRuleAction) *v1alpha2.ClusterNetworkPolicy {
	ns, sel := b.podSelectors(g.self)
	out := &v1alpha2.ClusterNetworkPolicy{
		TypeMeta:   metav1.TypeMeta{APIVersion: "policy.networking.k8s.io/v1alpha2", Kind: "ClusterNetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: g.name, Labels: map[string]string{"app.kubernetes.io/managed-by": "podreach"}},
		Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: v1alpha2.AdminTier, Priority: prio,
			Subject: v1alpha2.ClusterNetworkPolicySubject{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: ns, PodSelector: sel}}},
	}
	for i, other := range slices.Sorted(maps.Keys(g.peers)) {
		name := fmt.Sprintf("podreach-%d", i)
		protos := protocols(g.peers[other])
		if g.side == policy.Ingress {
			ns, sel := b.podSelectors(other)
			out.Spec.Ingress = append(out.Spec.Ingress, v1alpha2.ClusterNetworkPolicyIngressRule{Name: name, Action: action, Protocols: protos,
				From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: ns, PodSelector: sel}}}})
			continue
		}
		out.Spec.Egress = append(out.Spec.Egress, v1alpha2.ClusterNetworkPolicyEgressRule{Name: name, Action: action, Protocols: protos,
			To: []v1alpha2.ClusterNetworkPolicyEgressPeer{b.egressPeer(other)}})
	}
	return out
}

// egressPeer names an endpoint in an egress rule: a workload's pods, or an
// external's range as networks.
func (b *adminBuilder) egressPeer(id string) v1alpha2.ClusterNetworkPolicyEgressPeer {
	if b.workload(id) == nil {
		return v1alpha2.ClusterNetworkPolicyEgressPeer{Networks: []v1alpha2.CIDR{v1alpha2.CIDR(externalPrefix(b.a, id))}}
	}
	ns, sel := b.podSelectors(id)
	return v1alpha2.ClusterNetworkPolicyEgressPeer{Pods: &v1alpha2.NamespacedPod{NamespaceSelector: ns, PodSelector: sel}}
}

// podSelectors select one workload's pods: its namespace by name and its
// template labels.
func (b *adminBuilder) podSelectors(id string) (ns, pod metav1.LabelSelector) {
	ns = metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: namespaceOf(id)}}
	if w := b.workload(id); w != nil {
		return ns, metav1.LabelSelector{MatchLabels: maps.Clone(w.Template.Labels)}
	}
	return ns, metav1.LabelSelector{MatchLabels: map[string]string{"podreach.io/unknown-workload": "true"}}
}

func (b *adminBuilder) workload(id string) *model.Workload {
	for i := range b.a.Cluster().Workloads {
		if w := &b.a.Cluster().Workloads[i]; w.ID() == id {
			return w
		}
	}
	return nil
}

// protocols lists a port set as protocols entries: one destinationPort
// number or range per run of ports.
func protocols(s ports.Set) []v1alpha2.ClusterNetworkPolicyProtocol {
	var out []v1alpha2.ClusterNetworkPolicyProtocol
	for _, proto := range model.Protocols {
		for _, r := range s.Ranges(proto) {
			dp := &v1alpha2.Port{Number: int32(r.Lo)}
			if r.Hi != r.Lo {
				dp = &v1alpha2.Port{Range: &v1alpha2.PortRange{Start: int32(r.Lo), End: int32(r.Hi)}}
			}
			var p v1alpha2.ClusterNetworkPolicyProtocol
			switch proto {
			case model.TCP:
				p.TCP = &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: dp}
			case model.UDP:
				p.UDP = &v1alpha2.ClusterNetworkPolicyProtocolUDP{DestinationPort: dp}
			default:
				p.SCTP = &v1alpha2.ClusterNetworkPolicyProtocolSCTP{DestinationPort: dp}
			}
			out = append(out, p)
		}
	}
	return out
}

// dnsName makes s a valid cluster-scoped object name: lower case, "/"
// and other characters outside [a-z0-9.-] become "-", at most 253.
func dnsName(s string) string {
	b := []byte(strings.ToLower(s))
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			b[i] = '-'
		}
	}
	return truncate(strings.Trim(string(b), "-."))
}

// withClusterPolicies returns a shallow copy of c with the proposed
// cluster policies added.
func withClusterPolicies(c *model.Cluster, ps []ClusterPolicy) *model.Cluster {
	out := *c
	out.ClusterPolicies = slices.Clone(c.ClusterPolicies)
	for _, p := range ps {
		out.ClusterPolicies = append(out.ClusterPolicies, model.ClusterPolicy{CNP: p.Policy})
	}
	return &out
}
