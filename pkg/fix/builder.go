package fix

import (
	"maps"
	"slices"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// builder accumulates allow rules, one policy per (namespace, direction,
// flow, target).
type builder struct {
	a      *reach.Analysis
	style  Style
	flows  map[string]mesh.Flow
	groups map[string]*group
}

type group struct {
	name     string
	ns       string
	dir      policy.Direction
	target   *metav1.LabelSelector
	peers    map[string]*peerAcc // by peer key
	restores []string
}

type peerAcc struct {
	peer  networkingv1.NetworkPolicyPeer
	ports ports.Set
	all   bool
}

func newBuilder(a *reach.Analysis, p mesh.Profile, style Style) *builder {
	b := &builder{a: a, style: style, flows: map[string]mesh.Flow{}, groups: map[string]*group{}}
	for _, f := range p.Flows() {
		b.flows[f.ID] = f
	}
	return b
}

// add records what admits every blocked pair of res.
func (b *builder) add(res check.Result) {
	f, ok := b.flows[res.ID]
	if !ok {
		return
	}
	appTraffic := len(f.Ports) == 0
	for _, pair := range res.Blocked {
		selfID, otherID, selfPeer, otherPeer := pair.To, pair.From, f.To, f.From
		if pair.Side == policy.Egress {
			selfID, otherID, selfPeer, otherPeer = pair.From, pair.To, f.From, f.To
		}
		target := b.target(selfPeer, selfID, appTraffic)
		name := res.ID
		if b.style == StyleBroad && !appTraffic {
			name = "mesh" // the seed's shape: one policy per namespace and direction
		}
		g := b.group(name, namespaceOf(selfID), pair.Side, target, workloadSuffix(selfID, appTraffic))
		if !slices.Contains(g.restores, res.Description) {
			g.restores = append(g.restores, res.Description)
		}
		peer := b.peer(otherPeer, otherID, appTraffic)
		key := peerKey(peer)
		acc, ok := g.peers[key]
		if !ok {
			acc = &peerAcc{peer: peer}
			g.peers[key] = acc
		}
		acc.ports = acc.ports.Union(ports.Of(pair.Protocol, int(pair.Port), int(pair.Port)))
		acc.all = acc.all || b.style == StyleBroad
	}
}

func (b *builder) group(flowID, ns string, dir policy.Direction, target *metav1.LabelSelector, suffix string) *group {
	name := "podreach-" + flowID
	if dir == policy.Egress {
		name += "-egress"
	}
	if suffix != "" {
		name += "-" + suffix
	}
	key := ns + "/" + name
	if g, ok := b.groups[key]; ok {
		return g
	}
	g := &group{name: truncate(name), ns: ns, dir: dir, target: target, peers: map[string]*peerAcc{}}
	b.groups[key] = g
	return g
}

// target selects the pods whose isolation the policy relaxes.
func (b *builder) target(p mesh.Peer, id string, appTraffic bool) *metav1.LabelSelector {
	if appTraffic {
		return b.workloadSelector(id)
	}
	if b.style == StyleBroad {
		return &metav1.LabelSelector{}
	}
	return peerPodSelector(p)
}

// peer is the other end of the connection, as narrow as the style allows.
func (b *builder) peer(p mesh.Peer, id string, appTraffic bool) networkingv1.NetworkPolicyPeer {
	switch {
	case appTraffic && b.style == StyleMinimal:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: nameSelector(namespaceOf(id)), PodSelector: b.workloadSelector(id)}
	case appTraffic:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: peerPodSelector(p)}
	}
	switch p.Kind {
	case mesh.PeerAPIServer, mesh.PeerExternal, mesh.PeerAny:
		return networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: b.externalPrefix(id)}}
	case mesh.PeerMeshedPods:
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: &metav1.LabelSelector{}, PodSelector: peerPodSelector(p)}
	}
	nsSel := nameSelector(namespaceOf(id))
	if p.Namespace == "" && p.NamespaceSelector != nil {
		nsSel = p.NamespaceSelector.DeepCopy()
	}
	if b.style == StyleBroad {
		return networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel}
	}
	return networkingv1.NetworkPolicyPeer{NamespaceSelector: nsSel, PodSelector: peerPodSelector(p)}
}

func (b *builder) externalPrefix(id string) string { return externalPrefix(b.a, id) }

// externalPrefix is the range of external id (0.0.0.0/0 when unknown).
func externalPrefix(a *reach.Analysis, id string) string {
	for _, x := range a.Cluster().Externals {
		if x.Name == id {
			return x.Prefix.String()
		}
	}
	return "0.0.0.0/0"
}

// workloadSelector selects one workload's pods by its template labels.
func (b *builder) workloadSelector(id string) *metav1.LabelSelector {
	for i := range b.a.Cluster().Workloads {
		if w := &b.a.Cluster().Workloads[i]; w.ID() == id {
			return &metav1.LabelSelector{MatchLabels: maps.Clone(w.Template.Labels)}
		}
	}
	return &metav1.LabelSelector{MatchLabels: map[string]string{"podreach.io/unknown-workload": "true"}}
}

func workloadSuffix(id string, appTraffic bool) string {
	if !appTraffic {
		return ""
	}
	_, name, _ := strings.Cut(id, "/")
	return name
}

func namespaceOf(id string) string {
	ns, _, _ := strings.Cut(id, "/")
	return ns
}

func peerKey(p networkingv1.NetworkPolicyPeer) string {
	var b strings.Builder
	if p.IPBlock != nil {
		b.WriteString("ip:" + p.IPBlock.CIDR)
	}
	for _, s := range []*metav1.LabelSelector{p.NamespaceSelector, p.PodSelector} {
		b.WriteString("|")
		if s != nil {
			sel, _ := metav1.LabelSelectorAsSelector(s)
			b.WriteString("sel:" + sel.String())
		}
	}
	return b.String()
}

func truncate(name string) string {
	if len(name) > 253 {
		return strings.TrimRight(name[:253], "-.")
	}
	return name
}

// policies renders the groups, sorted by namespace and name.
func (b *builder) policies() []Policy {
	var out []Policy
	for _, key := range slices.Sorted(maps.Keys(b.groups)) {
		g := b.groups[key]
		out = append(out, Policy{NetworkPolicy: g.networkPolicy(), Restores: g.restores})
	}
	return out
}

func (g *group) networkPolicy() *networkingv1.NetworkPolicy {
	np := &networkingv1.NetworkPolicy{
		TypeMeta: metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
		ObjectMeta: metav1.ObjectMeta{Name: g.name, Namespace: g.ns,
			Labels: map[string]string{"app.kubernetes.io/managed-by": "podreach"}},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: *g.target},
	}
	for _, key := range slices.Sorted(maps.Keys(g.peers)) {
		acc := g.peers[key]
		var ps []networkingv1.NetworkPolicyPort
		if !acc.all {
			ps = policyPorts(acc.ports)
		}
		if g.dir == policy.Egress {
			np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{acc.peer}, Ports: ps})
		} else {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{From: []networkingv1.NetworkPolicyPeer{acc.peer}, Ports: ps})
		}
	}
	if g.dir == policy.Egress {
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeEgress}
	} else {
		np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	}
	return np
}

func policyPorts(s ports.Set) []networkingv1.NetworkPolicyPort {
	var out []networkingv1.NetworkPolicyPort
	for _, proto := range model.Protocols {
		for _, r := range s.Ranges(proto) {
			pr := corev1.Protocol(proto.String())
			port := intstr.FromInt32(int32(r.Lo))
			np := networkingv1.NetworkPolicyPort{Protocol: &pr, Port: &port}
			if r.Hi != r.Lo {
				end := int32(r.Hi)
				np.EndPort = &end
			}
			out = append(out, np)
		}
	}
	return out
}

// PlaceholderCIDR stands for the API server's address in placeholder rules.
const PlaceholderCIDR = "API-SERVER-CIDR"

// placeholder writes the policy an API-server flow would need, with the
// address left as PlaceholderCIDR, for the isolated destination pods.
func (b *builder) placeholder(res check.Result) (Policy, bool) {
	f, ok := b.flows[res.ID]
	if !ok || f.From.Kind != mesh.PeerAPIServer || f.To.Kind != mesh.PeerPods || len(f.Ports) == 0 {
		return Policy{}, false
	}
	g := &group{name: truncate("podreach-" + f.ID), ns: f.To.Namespace, dir: policy.Ingress,
		target: peerPodSelector(f.To), peers: map[string]*peerAcc{}, restores: []string{res.Description}}
	acc := &peerAcc{peer: networkingv1.NetworkPolicyPeer{IPBlock: &networkingv1.IPBlock{CIDR: PlaceholderCIDR}}}
	for _, p := range f.Ports {
		acc.ports = acc.ports.Union(ports.Of(p.Protocol, int(p.Port), int(p.Port)))
	}
	g.peers["api"] = acc
	return Policy{NetworkPolicy: g.networkPolicy(), Restores: g.restores}, true
}
