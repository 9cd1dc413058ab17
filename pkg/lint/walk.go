package lint

import (
	"fmt"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// peerAt is one peer of one rule of one policy, with its field path.
type peerAt struct {
	pol   int // index into scope.policies
	side  int // netpol.IngressSide or netpol.EgressSide
	rule  *netpol.Rule
	peer  *netpol.Peer
	field string // "spec.ingress[0].from[1]"
}

// eachPeer calls fn for every peer of every rule, in input order.
func (s *scope) eachPeer(fn func(peerAt)) {
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		for j := range r.Peers {
			fn(peerAt{pol: pol, side: side, rule: r, peer: &r.Peers[j], field: peerField(side, r.Index, j)})
		}
	})
}

// eachRule calls fn for every rule of every policy, in input order.
func (s *scope) eachRule(fn func(pol, side int, r *netpol.Rule)) {
	for i, p := range s.policies {
		for side := range p.Rules {
			for k := range p.Rules[side] {
				fn(i, side, &p.Rules[side][k])
			}
		}
	}
}

// ruleField is "spec.ingress[i]" or "spec.egress[i]".
func ruleField(side, i int) string {
	if side == netpol.IngressSide {
		return fmt.Sprintf("spec.ingress[%d]", i)
	}
	return fmt.Sprintf("spec.egress[%d]", i)
}

// peerField is "spec.ingress[i].from[j]" or "spec.egress[i].to[j]".
func peerField(side, i, j int) string {
	if side == netpol.IngressSide {
		return fmt.Sprintf("%s.from[%d]", ruleField(side, i), j)
	}
	return fmt.Sprintf("%s.to[%d]", ruleField(side, i), j)
}

// direction is "ingress" or "egress".
func direction(side int) string {
	if side == netpol.IngressSide {
		return "ingress"
	}
	return "egress"
}
