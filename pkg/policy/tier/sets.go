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
// outcome the manifests cannot decide (a rule that may or may not match:
// domainNames, a nodes or networks peer holding only some of the peer's
// addresses); every other port is denied.
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
// domainNames, or some of the other end's addresses), the action it then takes and the ports it matches toward
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
// before the NetworkPolicy tier is known (Combine adds it). A rule that
// may or may not match (Match Maybe: domainNames, or a nodes or networks
// peer holding some of the peer's addresses) makes a port's outcome one
// of several: the walk keeps, per tier, the ports that may end in each
// (a port is then decided only when every way ends alike, as Decide
// says). Accepted, Rest and Open are the ports decided whatever the
// NetworkPolicy tier says of them; the other fields are what Combine
// needs for the ports some maybe-rule leaves undecided.
type Sets struct {
	// Accepted: accepted by the Admin tier on every way, and never
	// denied or left to the NetworkPolicy tier.
	Accepted ports.Set
	// Rest: may reach the NetworkPolicy tier and never denied by the
	// Admin tier: allowed when an isolating NetworkPolicy admits them.
	Rest ports.Set
	// Open: allowed on every way when no NetworkPolicy selects the pod
	// (Admin Accepts, then the Baseline tier and the default).
	Open ports.Set
	// Admin and Baseline are the ports each tier's walk may end in each
	// way (Baseline's walk starts on the ports that may leave the Admin
	// tier).
	Admin, Baseline TierSets
}

// TierSets are the ports that may end, in one tier's walk, accepted,
// denied, or passed on (a Pass, or no rule decides): with maybe-rules a
// port may be in several.
type TierSets struct {
	Accepted, Denied, Next ports.Set
	maybe                  bool // some rule may match: a port may be in several
}

// WalkSets walks the Admin rules then, over the ports they may leave to
// the tiers below, the Baseline rules (each list in evaluation order).
func WalkSets(admin, baseline []Applied) Sets {
	a := walkSets(admin, ports.All())
	b := walkSets(baseline, a.Next)
	s := Sets{Admin: a, Baseline: b, Accepted: a.Accepted, Rest: a.Next}
	// Passed or undecided by the Baseline tier: the default allows.
	s.Open = a.Accepted.Union(b.Accepted).Union(b.Next)
	if a.maybe || b.maybe { // else every port ends one way: the sets are disjoint
		s.Accepted = a.Accepted.Subtract(a.Denied).Subtract(a.Next)
		s.Rest = a.Next.Subtract(a.Denied)
		s.Open = s.Open.Subtract(a.Denied).Subtract(b.Denied)
	}
	return s
}

// Combine adds the NetworkPolicy tier: the ports allowed and those the
// manifests cannot decide (allowed one way, denied another). "v1.NetworkPolicy
// always makes a final decision for selected pods"; the Baseline tier
// decides only for the others.
func (s *Sets) Combine(np NetworkPolicySets) (allowed, unknown ports.Set) {
	var may, mayDeny ports.Set // may be allowed, may be denied
	if np.Isolated {
		may = s.Admin.Accepted.Union(s.Admin.Next.Intersect(np.Allowed))
		mayDeny = s.Admin.Denied.Union(s.Admin.Next.Subtract(np.Allowed))
	} else {
		may = s.Admin.Accepted.Union(s.Baseline.Accepted).Union(s.Baseline.Next)
		mayDeny = s.Admin.Denied.Union(s.Baseline.Denied)
	}
	return may.Subtract(mayDeny), may.Intersect(mayDeny)
}

// walkSets walks rules in order over the ports in open: a matching rule
// decides the ports it matches among those still open; a rule that may
// match adds its action to those ports' possible ends and leaves them
// open (the walk goes on for the way in which it does not match).
func walkSets(rules []Applied, open ports.Set) TierSets {
	var out TierSets
	for _, ap := range rules {
		if open.IsEmpty() {
			break
		}
		if ap.Match == No {
			continue
		}
		took := ap.Ports.Intersect(open)
		switch ap.Action {
		case Accept:
			out.Accepted = out.Accepted.Union(took)
		case Pass:
			out.Next = out.Next.Union(took)
		default:
			out.Denied = out.Denied.Union(took)
		}
		if ap.Match == Yes {
			open = open.Subtract(took)
		} else {
			out.maybe = true
		}
	}
	out.Next = out.Next.Union(open)
	return out
}
