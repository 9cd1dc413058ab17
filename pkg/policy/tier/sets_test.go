package tier_test

import (
	"fmt"
	"math/rand/v2"
	"net/netip"
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// TestDecidePortsDifferential: on generated tiers (10000), endpoints and
// NetworkPolicy tiers, DecidePorts (every port at once, as the class
// engine needs) answers for each port what Decide (one port, the readable
// definition) does.
func TestDecidePortsDifferential(t *testing.T) {
	t.Parallel()
	eps := genEndpoints()
	nodes := []model.Node{{Name: "n1", Labels: map[string]string{"role": "w"}, Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.10")}}}
	asked := []struct {
		proto model.Protocol
		port  int
	}{{model.TCP, 80}, {model.TCP, 85}, {model.TCP, 443}, {model.TCP, 8080}, {model.UDP, 53}, {model.SCTP, 80}}
	checked := map[tier.Outcome]int{}
	partial := map[string]int{} // undecided by a peer covering part of the other end, by action
	for seed := range uint64(10000) {
		r := rand.New(rand.NewPCG(seed, 7))
		ps := genPolicies(r)
		tier.Sort(ps)
		self, other := &eps[r.IntN(len(eps))], &eps[r.IntN(len(eps))]
		side := r.IntN(2)
		dst := other.Ports
		if side == tier.IngressSide {
			dst = self.Ports
		}
		np := tier.NetworkPolicySets{Isolated: r.IntN(2) == 0, Allowed: genPorts(r)}
		allowed, unknown := tier.DecidePorts(ps, tier.PairConnection{Side: side, Self: self, Other: other, DstPorts: dst, Nodes: nodes}, np)
		if both := allowed.Intersect(unknown); !both.IsEmpty() {
			t.Fatalf("seed %d: ports %s both allowed and unknown", seed, both)
		}
		for _, a := range asked {
			c := tier.Connection{Side: side, Self: self, Other: other, DstPorts: dst, Proto: a.proto, Port: a.port, Nodes: nodes}
			want := tier.Decide(ps, c, func() (bool, tier.Step, bool) {
				return np.Isolated, tier.Step{Layer: "NetworkPolicy", Rule: -1}, np.Allowed.Contains(a.proto, a.port)
			})
			got := tier.Denied
			switch {
			case allowed.Contains(a.proto, a.port):
				got = tier.Allowed
			case unknown.Contains(a.proto, a.port):
				got = tier.Unknown
			}
			checked[want.Outcome]++
			if want.Outcome == tier.Unknown && strings.Contains(want.Undecided, "covers only part") {
				partial[want.Chain[len(want.Chain)-1].Action[:4]]++ // "Acce", "Deny", "Pass"
			}
			if got != want.Outcome {
				t.Fatalf("seed %d, %s %d/%s: DecidePorts says %s, Decide %s (%s)", seed, sideName(side), a.port, a.proto, got, want.Outcome, want.ChainString())
			}
		}
	}
	// The generator must reach every outcome, or the test proves little.
	for _, o := range []tier.Outcome{tier.Allowed, tier.Denied, tier.Unknown} {
		if checked[o] < 100 {
			t.Errorf("only %d connections with outcome %s", checked[o], o)
		}
	}
	// And partial covers of every action must be among the undecided.
	for _, a := range []string{"Acce", "Deny", "Pass"} {
		if partial[a] < 20 {
			t.Errorf("only %d connections undecided by a partly matching %s rule", partial[a], a)
		}
	}
	t.Logf("checked %v; partial covers %v", checked, partial)
}

func sideName(s int) string { return [...]string{"ingress", "egress"}[s] }

func genEndpoints() []tier.Endpoint {
	nsl := func(ns string) labels.Set { return labels.Set{"team": ns, model.NamespaceNameLabel: ns} }
	http := []model.ContainerPort{{Name: "http", Port: 8080, Protocol: model.TCP}}
	return []tier.Endpoint{
		{Pod: true, Namespace: "a", Labels: labels.Set{"app": "x"}, NamespaceLabels: nsl("a"), IPs: []netip.Addr{netip.MustParseAddr("10.0.0.1")}, Ports: http},
		{Pod: true, Namespace: "a", Labels: labels.Set{"app": "y"}, NamespaceLabels: nsl("a"), IPs: []netip.Addr{netip.MustParseAddr("10.0.1.2")}},
		{Pod: true, Namespace: "b", Labels: labels.Set{"app": "x"}, NamespaceLabels: nsl("b"), IPs: []netip.Addr{netip.MustParseAddr("10.1.0.3")}, Ports: http},
		{Pod: false, Namespace: "a", Labels: labels.Set{"app": "h"}, NamespaceLabels: nsl("a"), IPs: []netip.Addr{netip.MustParseAddr("192.168.0.10")}},
		{Prefix: netip.MustParsePrefix("8.8.8.0/24")},
		// Partly covered by the generated networks and nodes: a range
		// straddling 8.8.0.0/16, a range holding the node address and
		// others, a pod with one address inside 10.0.0.0/16 and one outside.
		{Prefix: netip.MustParsePrefix("8.8.0.0/15")},
		{Prefix: netip.MustParsePrefix("192.168.0.8/30")},
		{Pod: true, Namespace: "b", Labels: labels.Set{"app": "y"}, NamespaceLabels: nsl("b"), IPs: []netip.Addr{netip.MustParseAddr("10.0.0.9"), netip.MustParseAddr("10.5.0.9")}},
	}
}

func genPolicies(r *rand.Rand) []*tier.Policy {
	var out []*tier.Policy
	for i := range r.IntN(4) {
		p := &tier.Policy{ID: fmt.Sprintf("p%d", i), Tier: tier.Tier(1 + r.IntN(2)), Priority: int32(r.IntN(3))}
		if r.IntN(2) == 0 {
			p.Subject.Namespaces = pick(r, labels.Everything(), labels.SelectorFromSet(labels.Set{"team": "a"}))
		} else {
			p.Subject.Pods = &tier.NamespacedPod{Namespace: labels.Everything(), Pod: pick(r, labels.Everything(), labels.SelectorFromSet(labels.Set{"app": "x"}))}
		}
		for side := range 2 {
			for j := range r.IntN(4) {
				p.Rules[side] = append(p.Rules[side], genRule(r, j))
			}
		}
		out = append(out, p)
	}
	return out
}

func genRule(r *rand.Rand, i int) tier.Rule {
	rl := tier.Rule{Index: i, Action: tier.Action(1 + r.IntN(3)), AllPorts: r.IntN(3) == 0}
	if !rl.AllPorts {
		for range 1 + r.IntN(2) {
			rl.Ports = append(rl.Ports, pick(r, tier.Port{Protocol: model.TCP, Lo: 80, Hi: 80}, tier.Port{Protocol: model.TCP, Lo: 80, Hi: 90},
				tier.Port{Protocol: model.UDP, Lo: 53, Hi: 53}, tier.Port{Name: "http"}))
		}
	}
	for range 1 + r.IntN(2) {
		rl.Peers = append(rl.Peers, genPeer(r))
	}
	for _, pe := range rl.Peers {
		if pe.Kind == tier.PeerDomainNames && rl.Action != tier.Accept {
			rl.Action = tier.Accept // as Compile requires; other rules fail closed
		}
	}
	if r.IntN(10) == 0 {
		rl.Invalid = "generated"
	}
	return rl
}

func genPeer(r *rand.Rand) tier.Peer {
	switch r.IntN(5) {
	case 0:
		return tier.Peer{Kind: tier.PeerNamespaces, Namespaces: pick(r, labels.Everything(), labels.SelectorFromSet(labels.Set{"team": "b"}))}
	case 1:
		return tier.Peer{Kind: tier.PeerPods, Pods: tier.NamespacedPod{Namespace: labels.Everything(), Pod: labels.SelectorFromSet(labels.Set{"app": "y"})}}
	case 2:
		return tier.Peer{Kind: tier.PeerNetworks, Networks: []netip.Prefix{pick(r, netip.MustParsePrefix("10.0.0.0/16"), netip.MustParsePrefix("0.0.0.0/0"),
			netip.MustParsePrefix("8.8.0.0/16"), netip.MustParsePrefix("8.8.8.0/25"), netip.MustParsePrefix("192.168.0.8/31"))}}
	case 3:
		return tier.Peer{Kind: tier.PeerNodes, Nodes: labels.Everything()}
	}
	return tier.Peer{Kind: tier.PeerDomainNames, Domains: []string{"example.com"}}
}

func genPorts(r *rand.Rand) ports.Set {
	switch r.IntN(4) {
	case 0:
		return ports.All()
	case 1:
		return ports.Set{}
	case 2:
		return ports.Of(model.TCP, 80, 443)
	}
	return ports.Of(model.UDP, 53, 53).Union(ports.Of(model.TCP, 8080, 8080))
}

func pick[T any](r *rand.Rand, xs ...T) T { return xs[r.IntN(len(xs))] }
