package synth

import (
	"strconv"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

type (
	spec    = networkingv1.NetworkPolicySpec
	inRule  = networkingv1.NetworkPolicyIngressRule
	outRule = networkingv1.NetworkPolicyEgressRule
	peer    = networkingv1.NetworkPolicyPeer
	npPort  = networkingv1.NetworkPolicyPort
	ptype   = networkingv1.PolicyType
)

const (
	typeIn  = networkingv1.PolicyTypeIngress
	typeOut = networkingv1.PolicyTypeEgress
)

// policies generates cfg.Policies policies: first one of each enabled
// template (so a large enough run exercises every feature), then random
// combinations.
func (g *gen) policies() {
	if len(g.ns) == 0 {
		return
	}
	var ts []template
	for _, t := range templates {
		if g.has(t.need) && (t.name != "allow-dns" || g.sys != nil) {
			ts = append(ts, t)
		}
	}
	for i := range g.cfg.Policies {
		ns := pick(g, g.appNamespaces())
		var name string
		var s spec
		if i < len(ts) {
			name, s = ts[i].name, ts[i].build(g, ns)
		} else {
			name, s = "policy", g.composite(ns)
		}
		np := &networkingv1.NetworkPolicy{
			TypeMeta:   metav1.TypeMeta{APIVersion: "networking.k8s.io/v1", Kind: "NetworkPolicy"},
			ObjectMeta: metav1.ObjectMeta{Namespace: ns.name, Name: g.policyName(ns.name, name)},
			Spec:       s,
		}
		Default(np)
		g.c.Policies = append(g.c.Policies, model.Policy{NetworkPolicy: np})
	}
}

func (g *gen) policyName(ns, base string) string {
	name := base
	for n := 2; ; n++ {
		if !g.policyNames[ns+"/"+name] {
			g.policyNames[ns+"/"+name] = true
			return name
		}
		name = base + "-" + strconv.Itoa(n)
	}
}

// target is the podSelector of a policy in ns with the ports its workloads
// declare (named ports of ingress rules resolve on them).
func (g *gen) target(ns *nsInfo) (metav1.LabelSelector, portPool) {
	sel := g.podSelector(ns.pool(), true)
	return *sel, ns.ports()
}

// composite is a random policy: a target, one or both directions, explicit
// or defaulted policyTypes, and up to three rules per direction.
func (g *gen) composite(ns *nsInfo) spec {
	var s spec
	var targets portPool
	s.PodSelector, targets = g.target(ns)
	in, out := true, g.has(FeatureEgress) && g.chance(0.4)
	if out && g.chance(0.5) {
		in = false
	}
	if in {
		for range g.r.IntN(4) {
			s.Ingress = append(s.Ingress, inRule{From: g.peers(ns), Ports: g.ports(targets)})
		}
	}
	if out {
		for range g.r.IntN(4) {
			s.Egress = append(s.Egress, outRule{To: g.peers(ns), Ports: g.ports(g.idx.ports)})
		}
	}
	if !in || (out && len(s.Egress) == 0) || g.chance(0.5) {
		s.PolicyTypes = types(in, out)
	}
	return s
}

func types(in, out bool) []ptype {
	var ts []ptype
	if in {
		ts = append(ts, typeIn)
	}
	if out {
		ts = append(ts, typeOut)
	}
	return ts
}

// peers is zero to three peers of enabled kinds; zero means all peers.
func (g *gen) peers(ns *nsInfo) []peer {
	n := g.r.IntN(3)
	if g.has(FeatureMultiPeer) && g.chance(0.3) {
		n = 2 + g.r.IntN(2)
	}
	var out []peer
	for range n {
		out = append(out, g.peer(ns))
	}
	return out
}

func (g *gen) peer(ns *nsInfo) peer {
	switch n := g.r.IntN(100); {
	case g.has(FeatureIPBlock) && n < 15:
		if g.chance(0.5) {
			return peer{IPBlock: g.externalBlock()}
		}
		return peer{IPBlock: g.podBlock(g.has(FeatureIPv6) && g.chance(0.25))}
	case g.has(FeatureNamespaceSelector) && n < 35:
		return peer{NamespaceSelector: g.nsSelector()}
	case g.has(FeaturePeerAnd) && n < 55:
		return peer{NamespaceSelector: g.nsSelector(), PodSelector: g.podSelector(g.idx.pool, g.has(FeatureEmptySelector))}
	}
	return peer{PodSelector: g.podSelector(ns.pool(), g.has(FeatureEmptySelector))}
}

// ports is zero to three port entries; zero means all ports.
func (g *gen) ports(targets portPool) []npPort {
	var out []npPort
	for range g.r.IntN(4) {
		out = append(out, g.somePort(targets))
	}
	return out
}

// Default applies what the API server does before storing a policy: port
// protocols default to TCP; omitted policyTypes become Ingress, plus Egress
// when there are egress rules; empty lists are not stored.
func Default(np *networkingv1.NetworkPolicy) {
	s := &np.Spec
	for i := range s.Ingress {
		r := &s.Ingress[i]
		defaultPorts(r.Ports)
		r.From, r.Ports = nilIfEmpty(r.From), nilIfEmpty(r.Ports)
	}
	for i := range s.Egress {
		r := &s.Egress[i]
		defaultPorts(r.Ports)
		r.To, r.Ports = nilIfEmpty(r.To), nilIfEmpty(r.Ports)
	}
	s.Ingress, s.Egress = nilIfEmpty(s.Ingress), nilIfEmpty(s.Egress)
	if len(s.PolicyTypes) == 0 {
		s.PolicyTypes = types(true, len(s.Egress) > 0)
	}
}

func defaultPorts(ps []npPort) {
	for i := range ps {
		if ps[i].Protocol == nil {
			ps[i].Protocol = apiProto(model.TCP)
		}
	}
}

func nilIfEmpty[T any](xs []T) []T {
	if len(xs) == 0 {
		return nil
	}
	return xs
}
