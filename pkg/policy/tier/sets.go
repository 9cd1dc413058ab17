package tier

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// This file is Decide for every port at once: what the class engine needs
// (it computes a pair's allowed ports as sets). Decide stays the readable
// definition; TestDecidePortsDifferential keeps the two equal.

// PortSet is the set of ports rule r matches toward a destination
// declaring the container ports dst (see PortMatches).
func (r *Rule) PortSet(dst []model.ContainerPort) ports.Set {
	if r.AllPorts {
		return ports.All()
	}
	var out ports.Set
	for _, p := range r.Ports {
		if p.Name == "" {
			out = out.Union(ports.Of(p.Protocol, p.Lo, p.Hi))
			continue
		}
		for _, cp := range dst {
			if cp.Name == p.Name {
				out = out.Union(ports.Of(cp.Protocol, int(cp.Port), int(cp.Port)))
			}
		}
	}
	return out
}

// PairConnection is Connection without a port: one direction of every
// connection between two endpoints.
type PairConnection struct {
	Side        int
	Self, Other *Endpoint
	DstPorts    []model.ContainerPort
	Nodes       []model.Node
}

// NetworkPolicySets is the NetworkPolicy tier of a direction for every
// port: whether a NetworkPolicy selects the pod, and what it admits.
type NetworkPolicySets struct {
	Isolated bool
	Allowed  ports.Set
}

// DecidePorts is Decide for every port: the ports allowed, and those whose
// outcome the manifests cannot decide (domainNames); every other port is
// denied.
func DecidePorts(ps []*Policy, c PairConnection, np NetworkPolicySets) (allowed, unknown ports.Set) {
	one := Connection{Side: c.Side, Self: c.Self, Other: c.Other, DstPorts: c.DstPorts, Nodes: c.Nodes}
	s := WalkSets(applied(applicable(ps, one, Admin), c), applied(applicable(ps, one, Baseline), c))
	return s.Combine(np)
}

// Ref is one rule of a policy (whose subject selects a direction's pod).
type Ref struct {
	P *Policy
	R *Rule
}

// Applied is one rule of a policy selecting a direction's pod, as it meets
// the other end of the connection: whether its peers match (Maybe: by
// domainNames), the action it then takes and the ports it matches toward
// the destination. An Invalid rule is applied as FailClosed says.
type Applied struct {
	Ref
	Match  Match
	Action Action
	Ports  ports.Set
}

// Apply is how rule ref meets the other end of c.
func Apply(ref Ref, c PairConnection) Applied {
	m := No
	for i := range ref.R.Peers {
		if ref.R.Invalid != "" {
			break
		}
		if pm := ref.R.Peers[i].Matches(c.Other, c.Nodes); pm == Yes {
			m = Yes
			break
		} else if pm == Maybe {
			m = Maybe
		}
	}
	return ApplyMatch(ref, m, c.DstPorts)
}

// ApplyMatch is Apply for a rule whose peers' match m is known (one peer
// matches: Yes; none matches but one may, by domainNames: Maybe), toward
// a destination declaring the container ports dst.
func ApplyMatch(ref Ref, m Match, dst []model.ContainerPort) Applied {
	if ref.R.Invalid != "" {
		all, a := ref.R.FailClosed()
		return Applied{Ref: ref, Match: matchOf(all), Action: a, Ports: ports.All()}
	}
	return Applied{Ref: ref, Match: m, Action: ref.R.Action, Ports: ref.R.PortSet(dst)}
}

func applied(refs []Ref, c PairConnection) []Applied {
	out := make([]Applied, len(refs))
	for i, r := range refs {
		out[i] = Apply(r, c)
	}
	return out
}

// Sets is what the two tiers of one direction decide for every port,
// before the NetworkPolicy tier is known (Combine adds it).
type Sets struct {
	Accepted ports.Set // accepted by the Admin tier
	Rest     ports.Set // undecided or passed by the Admin tier: they reach the NetworkPolicy tier
	Open     ports.Set // allowed when no NetworkPolicy selects the pod (Admin Accepts, then the Baseline tier and the default)
	// MaybeAdmin and MaybeBaseline are the ports a domainNames Accept
	// may match (in the Baseline tier: when no NetworkPolicy selects the
	// pod).
	MaybeAdmin, MaybeBaseline ports.Set
}

// WalkSets walks the Admin rules then, over the ports they leave to the
// tiers below, the Baseline rules (each list in evaluation order).
func WalkSets(admin, baseline []Applied) Sets {
	a := walkSets(admin, ports.All())
	rest := a.open.Union(a.passed)
	b := walkSets(baseline, rest)
	// Passed or undecided by the Baseline tier: the default allows.
	open := a.accepted.Union(b.accepted).Union(b.open).Union(b.passed)
	return Sets{Accepted: a.accepted, Rest: rest, Open: open, MaybeAdmin: a.maybe, MaybeBaseline: b.maybe}
}

// Combine adds the NetworkPolicy tier: the ports allowed and those the
// manifests cannot decide. "v1.NetworkPolicy always makes a final
// decision for selected pods"; the Baseline tier decides only for the
// others.
func (s *Sets) Combine(np NetworkPolicySets) (allowed, unknown ports.Set) {
	if np.Isolated {
		allowed = s.Accepted.Union(s.Rest.Intersect(np.Allowed))
		// A port a domainNames Accept might match is allowed when it is
		// allowed anyway, unknown otherwise (see walker.maybe).
		return allowed, s.MaybeAdmin.Subtract(allowed)
	}
	return s.Open, s.MaybeAdmin.Union(s.MaybeBaseline).Subtract(s.Open)
}

// tierSets is what one tier's walk did to the ports it started with.
type tierSets struct {
	accepted, denied, passed ports.Set
	open                     ports.Set // no rule decided
	maybe                    ports.Set // a domainNames Accept may match
}

// walkSets walks rules in order over the ports in open: each matching
// rule decides the ports it matches among those still open.
func walkSets(rules []Applied, open ports.Set) tierSets {
	out := tierSets{open: open}
	for _, ap := range rules {
		if out.open.IsEmpty() {
			break
		}
		if ap.Match == No {
			continue
		}
		took := ap.Ports.Intersect(out.open)
		if ap.Match == Maybe {
			out.maybe = out.maybe.Union(took)
			continue
		}
		switch ap.Action {
		case Accept:
			out.accepted = out.accepted.Union(took)
		case Pass:
			out.passed = out.passed.Union(took)
		default:
			out.denied = out.denied.Union(took)
		}
		out.open = out.open.Subtract(took)
	}
	return out
}
