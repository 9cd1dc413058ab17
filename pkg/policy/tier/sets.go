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
	admin := walkSets(applicable(ps, one, Admin), c, ports.All())
	// Ports no Admin rule decided, and those it passed, reach the
	// NetworkPolicy tier.
	rest := admin.open.Union(admin.passed)
	var below ports.Set
	var maybe ports.Set
	if np.Isolated {
		below = rest.Intersect(np.Allowed)
	} else {
		base := walkSets(applicable(ps, one, Baseline), c, rest)
		// Passed or undecided by the Baseline tier: the default allows.
		below = base.accepted.Union(base.open).Union(base.passed)
		maybe = base.maybe
	}
	allowed = admin.accepted.Union(below)
	// A port a domainNames Accept might match is allowed when it is
	// allowed anyway, unknown otherwise (see walker.maybe).
	unknown = admin.maybe.Union(maybe).Subtract(allowed)
	return allowed, unknown
}

// tierSets is what one tier's walk did to the ports it started with.
type tierSets struct {
	accepted, denied, passed ports.Set
	open                     ports.Set // no rule decided
	maybe                    ports.Set // a domainNames Accept may match
}

// walkSets walks rules in order over the ports in open: each matching
// rule decides the ports it matches among those still open.
func walkSets(rules []ruleRef, c PairConnection, open ports.Set) tierSets {
	out := tierSets{open: open}
	for _, ref := range rules {
		if out.open.IsEmpty() {
			break
		}
		m, a, rp := ruleSet(ref, c)
		if m == No {
			continue
		}
		took := rp.Intersect(out.open)
		if m == Maybe {
			out.maybe = out.maybe.Union(took)
			continue
		}
		switch a {
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

// ruleSet is whether a rule's peers match, its action and its ports; an
// Invalid rule fails closed (FailClosed).
func ruleSet(ref ruleRef, c PairConnection) (Match, Action, ports.Set) {
	if ref.r.Invalid != "" {
		all, a := ref.r.FailClosed()
		return matchOf(all), a, ports.All()
	}
	out := No
	for i := range ref.r.Peers {
		switch ref.r.Peers[i].Matches(c.Other, c.Nodes) {
		case Yes:
			return Yes, ref.r.Action, ref.r.PortSet(c.DstPorts)
		case Maybe:
			out = Maybe
		}
	}
	return out, ref.r.Action, ref.r.PortSet(c.DstPorts)
}
