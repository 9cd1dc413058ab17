package lab

import (
	"net/netip"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/reach"
)

// judge is what the kernel is compared with: the engine, which the verbs
// use, with the cluster policy tiers when the cluster has them.
// (TestTierDifferential keeps the engine equal to the reference evaluator,
// package reference, which walks the tiers one connection at a time.)
type judge struct {
	name string // "engine"
	a    *reach.Analysis
}

// newJudge returns the judge for a's cluster.
func newJudge(a *reach.Analysis) *judge {
	return &judge{name: "engine", a: a}
}

// decide returns the verdict on c; undecided is why there is none (a
// domainNames rule the manifests cannot decide: Engine.Undecided).
func (j *judge) decide(c *conn) (v policy.Verdict, undecided string) {
	eng := j.a.Engine()
	if eng.Allowed(c.from.ep, c.to.ep).Contains(c.proto, c.port) {
		return policy.Allow, ""
	}
	if eng.Undecidable() && eng.Undecided(c.from.ep, c.to.ep).Contains(c.proto, c.port) {
		d := eng.Explain(c.from.ep, c.to.ep, c.proto, c.port)
		return policy.Deny, "not compared: the manifests cannot decide it: " + undecidedWhy(d)
	}
	return policy.Deny, ""
}

// undecidedWhy is the Undecided text of a decision's tiers.
func undecidedWhy(d policy.Decision) string {
	for _, s := range []policy.Side{d.Egress, d.Ingress} {
		for _, r := range s.Tiers {
			if r.Undecided != "" {
				return r.Undecided
			}
		}
	}
	return "a cluster policy rule matches by domainNames"
}

// explain fills in why the judge decided as it did, for a disagreement:
// the engine's decision and, with tiers, each direction's chain.
func (j *judge) explain(res *Result, c *conn) {
	d := j.a.Engine().Explain(c.from.ep, c.to.ep, c.proto, c.port)
	res.Decision = &d
	if len(d.Egress.Tiers) > 0 || len(d.Ingress.Tiers) > 0 {
		res.Chain = "egress: " + chains(d.Egress) + " | ingress: " + chains(d.Ingress)
	}
}

func chains(s policy.Side) string {
	if len(s.Tiers) == 0 {
		return string(s.Code)
	}
	out := s.Tiers[0].ChainString()
	for _, r := range s.Tiers[1:] {
		out += "; " + r.ChainString()
	}
	return out
}

// tierBlocks lists the prefixes on which the cluster policies' matches
// change: every networks CIDR and every Node address (as a single
// address), so that an external's cells are exact for the tiers too.
func tierBlocks(c *model.Cluster) []netip.Prefix {
	var out []netip.Prefix
	for _, n := range c.Nodes {
		for _, a := range n.Addresses {
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	ps, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		return out // the compiler reports it
	}
	for _, p := range ps {
		for _, rules := range p.Rules {
			for _, r := range rules {
				for _, pe := range r.Peers {
					out = append(out, pe.Networks...)
				}
			}
		}
	}
	return out
}

// tierTargets lists the numeric ports of the cluster policies: each port,
// and for a range both ends and the ports just outside it.
func tierTargets(c *model.Cluster) []target {
	ps, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		return nil
	}
	var out []target
	add := func(proto model.Protocol, port int) {
		if port >= 1 && port <= 65535 {
			out = append(out, target{proto, port})
		}
	}
	for _, p := range ps {
		for _, rules := range p.Rules {
			for _, r := range rules {
				for _, pp := range r.Ports {
					if pp.Name != "" {
						continue // resolves to a declared port
					}
					add(pp.Protocol, pp.Lo)
					add(pp.Protocol, pp.Hi)
					if pp.Hi > pp.Lo {
						add(pp.Protocol, pp.Lo-1)
						add(pp.Protocol, pp.Hi+1)
					}
				}
			}
		}
	}
	return out
}

// tierNotices says which tier peers the lab replays only in part: nodes
// (the lab has no nodes: only an external peer standing at a Node's
// address meets such a rule) and domainNames (not replayed).
func tierNotices(c *model.Cluster) []string {
	ps, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		return nil
	}
	kinds := map[tier.PeerKind]bool{}
	for _, p := range ps {
		for _, rules := range p.Rules {
			for _, r := range rules {
				for _, pe := range r.Peers {
					kinds[pe.Kind] = true
				}
			}
		}
	}
	var out []string
	if kinds[tier.PeerNodes] {
		out = append(out, "cluster policies name nodes peers: the lab has no nodes and no host-network pods, so only an external peer standing at a Node's address meets those rules")
	}
	if kinds[tier.PeerDomainNames] {
		out = append(out, "cluster policies name domainNames peers: the kernel sees addresses, not names, so those rules are not replayed, and the connections the manifests cannot decide without them are not compared")
	}
	return out
}
