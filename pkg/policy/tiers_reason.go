package policy

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// This file traces the cluster policy tiers of one direction for Explain:
// the chain of tiers per region of ports (tier.Trace, which runs the
// readable tier.Decide), the ports allowed and undecided (tier.DecidePorts,
// as the class engine decides them), and the nearest Accept rules.

// tierSide completes sd, the NetworkPolicy tier of one direction (see
// side), with the cluster policy tiers: nothing changes when no cluster
// policy selects self for the direction.
func (e *Engine) tierSide(sd *Side, self, other, dst *Endpoint, asked ports.Set) {
	t := e.st.tiers
	if t == nil || !self.selectable() {
		return
	}
	c := tier.PairConnection{Side: sd.Direction.side(), Self: e.tierEndpoint(self), Other: e.tierEndpoint(other),
		DstPorts: dst.Ports, Nodes: t.nodes}
	if !tier.Applies(t.pols, c) {
		return
	}
	isolated := len(sd.Isolating) > 0
	np := tier.NetworkPolicyTrace{Isolated: isolated, Denied: tier.Step{Layer: "NetworkPolicy", Rule: -1, Action: "denied (isolated, no rule admits)"}}
	if isolated {
		np.Denied.Policy = sd.Isolating[0] // the first isolating policy, as the reference names it
	}
	for _, r := range sd.Admitted {
		np.Admits = append(np.Admits, tier.StepPorts{Ports: r.Ports,
			Step: tier.Step{Layer: "NetworkPolicy", Policy: r.Policy, Rule: r.Rule, Peer: r.Peer + 1, Action: "allowed"}})
	}
	allowed, unknown := tier.DecidePorts(t.pols, c, tier.NetworkPolicySets{Isolated: isolated, Allowed: sd.Allowed})
	sd.Tiers = tier.Trace(t.pols, c, np, asked)
	sd.Allowed, sd.Unknown = allowed, unknown.Intersect(asked)
	var admitted []RuleRef
	for _, r := range sd.Admitted {
		if r.Ports = r.Ports.Intersect(allowed); !r.Ports.IsEmpty() {
			admitted = append(admitted, r)
		}
	}
	sd.Admitted = admitted
	switch {
	case !allowed.Intersect(asked).IsEmpty():
		sd.Verdict = Allow
	case !sd.Unknown.IsEmpty():
		sd.Verdict = VerdictUnknown
	default:
		sd.Verdict = Deny
	}
	sd.Code = e.tierCode(sd)
	if !e.networkPolicyDenies(sd) {
		sd.Misses = nil
	}
	if sd.Verdict != Allow {
		sd.TierMisses = e.tierMisses(c, self, other, asked)
	}
}

// tierCode is the code of the first region with the side's verdict: who
// decided it.
func (e *Engine) tierCode(sd *Side) Code {
	want := map[Verdict]tier.Outcome{Allow: tier.Allowed, Deny: tier.Denied, VerdictUnknown: tier.Unknown}[sd.Verdict]
	for _, r := range sd.Tiers {
		if r.Outcome != want {
			continue
		}
		switch last := r.Chain[len(r.Chain)-1]; {
		case r.Outcome == tier.Unknown:
			return CodeUndecided
		case last.Layer == "Admin tier":
			return CodeAdminTier
		case last.Layer == "Baseline tier":
			return CodeBaselineTier
		case last.Layer == "default":
			return CodeTierDefault
		case r.Outcome == tier.Allowed:
			return CodeAdmitted
		}
		return CodeNoRuleAdmits
	}
	return sd.Code
}

// networkPolicyDenies reports whether the NetworkPolicy tier denies some
// asked port of the side (its misses then matter).
func (e *Engine) networkPolicyDenies(sd *Side) bool {
	for _, r := range sd.Tiers {
		if last := r.Chain[len(r.Chain)-1]; last.Layer == "NetworkPolicy" && r.Outcome == tier.Denied {
			return true
		}
	}
	return false
}

// tierEndpoint is ep as the tiers read it.
func (e *Engine) tierEndpoint(ep *Endpoint) *tier.Endpoint {
	return &tier.Endpoint{Pod: ep.selectable(), Namespace: ep.Namespace, Labels: labels.Set(ep.Labels),
		NamespaceLabels: e.namespaceLabels(ep.Namespace), IPs: ep.IPs, Prefix: ep.Prefix, Ports: ep.Ports}
}

// tierMisses lists, per cluster policy with Accept rules for the
// direction, the Accept rule nearest to admitting the connection on the
// asked ports, and why it does not: its subject does not select the pod
// (listed only for Admin-tier exceptions that would match otherwise),
// its peers do not
// match, or its ports do not.
func (e *Engine) tierMisses(c tier.PairConnection, self, other *Endpoint, asked ports.Set) []Miss {
	var out []Miss
	for _, p := range e.st.tiers.pols {
		selects := p.Subject.Selects(c.Self)
		best, bestScore := Miss{}, -1
		for i := range p.Rules[c.Side] {
			r := &p.Rules[c.Side][i]
			if r.Action != tier.Accept || r.Invalid != "" {
				continue
			}
			ap := tier.Apply(tier.Ref{P: p, R: r}, c)
			portOK := !ap.Ports.Intersect(asked).IsEmpty()
			var score int
			var reason string
			switch {
			case ap.Match != tier.No && portOK && !selects && p.Tier == tier.Admin:
				score, reason = 3, fmt.Sprintf("rule %d would accept it, but the policy's subject does not select %s", r.Index, self.ID)
			case !selects:
				continue
			case ap.Match != tier.No && !portOK:
				score, reason = 2, fmt.Sprintf("rule %d accepts %s only on %s", r.Index, other.ID, ap.Ports)
			case portOK:
				score, reason = 1, fmt.Sprintf("rule %d: %s", r.Index, e.tierPeersMiss(r, c, other))
			default:
				score, reason = 0, fmt.Sprintf("rule %d: %s; and it accepts only %s", r.Index, e.tierPeersMiss(r, c, other), ap.Ports)
			}
			if score > bestScore {
				best, bestScore = Miss{Policy: p.ID, Rule: r.Index, Reason: reason}, score
			}
		}
		if bestScore >= 0 {
			out = append(out, best)
		}
	}
	return out
}

// tierPeersMiss says why no peer of r matches other.
func (e *Engine) tierPeersMiss(r *tier.Rule, c tier.PairConnection, other *Endpoint) string {
	reasons := make([]string, len(r.Peers))
	for i := range r.Peers {
		reasons[i] = fmt.Sprintf("peer %d %s", i, tierPeerReason(&r.Peers[i], c.Other, other))
	}
	return strings.Join(reasons, "; ")
}

// tierPeerReason says why peer p does not match te (other, in words).
func tierPeerReason(p *tier.Peer, te *tier.Endpoint, other *Endpoint) string {
	switch p.Kind {
	case tier.PeerNamespaces, tier.PeerPods:
		if !te.Pod {
			return fmt.Sprintf("selects pods (%s); %s is not a pod on the pod network", p.Kind, other.ID)
		}
		ns := p.Namespaces
		if p.Kind == tier.PeerPods {
			ns = p.Pods.Namespace
		}
		if !ns.Matches(te.NamespaceLabels) {
			return "requires namespace " + unmet(ns, te.NamespaceLabels, "namespace "+te.Namespace)
		}
		if p.Kind == tier.PeerNamespaces {
			break
		}
		return "requires pod " + unmet(p.Pods.Pod, te.Labels, other.ID)
	case tier.PeerNodes:
		return fmt.Sprintf("selects the addresses of nodes %s; %s is not one of them", selectorWords(p.Nodes), other.ID)
	case tier.PeerNetworks:
		nets := make([]string, len(p.Networks))
		for i, n := range p.Networks {
			nets[i] = n.String()
		}
		return fmt.Sprintf("is networks %s; %s is not inside them", strings.Join(nets, ", "), other.ID)
	}
	return fmt.Sprintf("(%s) does not match %s", p.Kind, other.ID)
}

func selectorWords(s labels.Selector) string {
	if s.Empty() {
		return "(all)"
	}
	return s.String()
}
