package tier

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// This file explains a direction for every port at once: the ports split
// into regions every rule treats alike, and each region gets Decide's
// chain (the readable definition) on one of its ports.

// Region is a set of ports a direction decides alike, and how.
type Region struct {
	Ports ports.Set
	Result
}

// NetworkPolicyTrace is the NetworkPolicy tier of a direction for every
// port, with the rule that admits each port: Steps are the admitting
// rules in order (Step.Policy, Rule, Peer), each with the ports it admits;
// the first admitting a port is the one named. Denied is the step shown
// for ports no rule admits.
type NetworkPolicyTrace struct {
	Isolated bool
	Admits   []StepPorts
	Denied   Step
}

// StepPorts is a step and the ports it covers.
type StepPorts struct {
	Step
	Ports ports.Set
}

// Applies reports whether some policy of ps selects c.Self for c.Side:
// when none does, the tiers leave the direction to NetworkPolicy and the
// default.
func Applies(ps []*Policy, c PairConnection) bool {
	one := Connection{Side: c.Side, Self: c.Self}
	return len(applicable(ps, one, Admin)) > 0 || len(applicable(ps, one, Baseline)) > 0
}

// Trace decides one direction of c on the ports asked, as regions (in the
// order of their first port). Each region's Result is Decide's on a port
// of the region; the regions together equal DecidePorts.
func Trace(ps []*Policy, c PairConnection, np NetworkPolicyTrace, asked ports.Set) []Region {
	one := Connection{Side: c.Side, Self: c.Self}
	cuts := []ports.Set{np.allowed()}
	for _, s := range np.Admits {
		cuts = append(cuts, s.Ports)
	}
	for _, t := range []Tier{Admin, Baseline} {
		for _, ref := range applicable(ps, one, t) {
			if ap := Apply(ref, c); ap.Match != No {
				cuts = append(cuts, ap.Ports)
			}
		}
	}
	parts := []ports.Set{asked}
	for _, cut := range cuts {
		var next []ports.Set
		for _, p := range parts {
			for _, q := range []ports.Set{p.Intersect(cut), p.Subtract(cut)} {
				if !q.IsEmpty() {
					next = append(next, q)
				}
			}
		}
		parts = next
	}
	var out []Region
	for _, p := range parts {
		proto, port := First(p)
		conn := Connection{Side: c.Side, Self: c.Self, Other: c.Other, DstPorts: c.DstPorts, Proto: proto, Port: port, Nodes: c.Nodes}
		res := Decide(ps, conn, func() (bool, Step, bool) { return np.decide(proto, port) })
		if i := sameResult(out, &res); i >= 0 {
			out[i].Ports = out[i].Ports.Union(p)
			continue
		}
		out = append(out, Region{Ports: p, Result: res})
	}
	return out
}

// sameResult is the index of the region of rs with r's outcome and chain,
// or -1.
func sameResult(rs []Region, r *Result) int {
	for i := range rs {
		if rs[i].Outcome == r.Outcome && rs[i].ChainString() == r.ChainString() && rs[i].Undecided == r.Undecided {
			return i
		}
	}
	return -1
}

func (np *NetworkPolicyTrace) allowed() ports.Set {
	var out ports.Set
	for _, s := range np.Admits {
		out = out.Union(s.Ports)
	}
	return out
}

func (np *NetworkPolicyTrace) decide(proto model.Protocol, port int) (bool, Step, bool) {
	for _, s := range np.Admits {
		if s.Ports.Contains(proto, port) {
			return np.Isolated, s.Step, true
		}
	}
	return np.Isolated, np.Denied, false
}

// First is the lowest port of a non-empty set (TCP before UDP before
// SCTP).
func First(s ports.Set) (model.Protocol, int) {
	for _, p := range []model.Protocol{model.TCP, model.UDP, model.SCTP} {
		if rs := s.Ranges(p); len(rs) > 0 {
			return p, int(rs[0].Lo)
		}
	}
	return model.ProtocolUnknown, 0
}
