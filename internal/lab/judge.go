package lab

import (
	"fmt"
	"net/netip"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/reach"
)

// judge is what the kernel is compared with: the engine, or, when the
// cluster has cluster policy tiers, the reference evaluator (which walks
// the tiers one connection at a time; see package reference).
type judge struct {
	name string // "engine" or "reference"
	a    *reach.Analysis
	ref  *reference.Evaluator // nil: the engine
}

// newJudge picks the judge for a's cluster.
func newJudge(a *reach.Analysis, ipBlockPods bool) (*judge, error) {
	if len(a.Cluster().ClusterPolicies) == 0 {
		return &judge{name: "engine", a: a}, nil
	}
	ref, err := reference.New(a.Cluster(), ipBlockPods)
	if err != nil {
		return nil, fmt.Errorf("the reference evaluator: %w", err)
	}
	return &judge{name: "reference", a: a, ref: ref}, nil
}

// decide returns the verdict on c; undecided is why there is none (the
// reference cannot decide domainNames rules from the manifests).
func (j *judge) decide(c *conn) (v policy.Verdict, undecided string) {
	if j.ref == nil {
		if j.a.Engine().Allowed(c.from.ep, c.to.ep).Contains(c.proto, c.port) {
			return policy.Allow, ""
		}
		return policy.Deny, ""
	}
	rv := j.ref.Evaluate(j.a.Engine().Endpoints(), c.from.ep, c.to.ep, c.proto, c.port)
	switch rv.Outcome {
	case tier.Allowed:
		return policy.Allow, ""
	case tier.Denied:
		return policy.Deny, ""
	}
	why := rv.Egress.Undecided
	if why == "" {
		why = rv.Ingress.Undecided
	}
	return policy.Deny, "not compared: the reference cannot decide it: " + why
}

// explain fills in why the judge decided as it did, for a disagreement.
func (j *judge) explain(res *Result, c *conn) {
	if j.ref == nil {
		d := j.a.Engine().Explain(c.from.ep, c.to.ep, c.proto, c.port)
		res.Decision = &d
		return
	}
	rv := j.ref.Evaluate(j.a.Engine().Endpoints(), c.from.ep, c.to.ep, c.proto, c.port)
	res.Chain = "egress: " + rv.Egress.ChainString() + " | ingress: " + rv.Ingress.ChainString()
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
		out = append(out, "cluster policies name domainNames peers: the kernel sees addresses, not names, so those rules are not replayed, and the connections the reference cannot decide without them are not compared")
	}
	return out
}
