package policy

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/ports"
)

// Explain traces the decision for src → dst (indexes into Endpoints) on one
// port (port > 0, proto known) or on every port (port 0). Its Allowed set
// always equals Allowed(src, dst) restricted to the asked ports. When the
// two share both address families, it is the trace of the family that
// admits less (see connFamilies).
func (e *Engine) Explain(src, dst int, proto model.Protocol, port int) Decision {
	fams := connFamilies(&e.eps[src], &e.eps[dst])
	dec := e.explain(src, dst, proto, port, fams[0])
	for _, f := range fams[1:] {
		other := e.explain(src, dst, proto, port, f)
		both := dec.Allowed.Intersect(other.Allowed)
		if !both.Equal(dec.Allowed) {
			dec = other
		}
		dec.Unknown = dec.Allowed.Union(dec.Unknown).Intersect(other.Allowed.Union(other.Unknown)).Subtract(both)
		dec.Allowed = both
		if both.IsEmpty() && dec.Verdict == Allow {
			dec.Verdict, dec.Code = Deny, CodeDisjoint
			if !dec.Unknown.IsEmpty() {
				dec.Verdict, dec.Code = VerdictUnknown, CodeUndecided
			}
		}
	}
	return dec
}

// explain traces the decision as a connection of family f sees the two
// endpoints.
func (e *Engine) explain(src, dst int, proto model.Protocol, port int, f ipFamily) Decision {
	sv, dv := e.eps[src].only(f), e.eps[dst].only(f)
	s, d := &sv, &dv
	asked := ports.All()
	if port > 0 {
		asked = ports.Of(proto, port, port)
	}
	dec := Decision{From: s.ID, To: d.ID, Protocol: proto, Port: port}
	if s.HostNetwork || d.HostNetwork {
		dec.Contested = "a host-network pod is involved: implementations differ; podreach follows the SIG reference implementation (never isolated, matched only by ipBlock on the node's IP)"
	}
	if src == dst && s.Single {
		dec.Verdict, dec.Code, dec.Allowed = Allow, CodeSelf, asked
		dec.Egress = Side{Direction: Egress, Verdict: Allow, Code: CodeSelf, Allowed: ports.All()}
		dec.Ingress = Side{Direction: Ingress, Verdict: Allow, Code: CodeSelf, Allowed: ports.All()}
		return dec
	}
	dec.Egress = e.side(Egress, s, d, d, asked)
	dec.Ingress = e.side(Ingress, d, s, d, asked)
	e.tierSide(&dec.Egress, s, d, d, asked)
	e.tierSide(&dec.Ingress, d, s, d, asked)
	dec.Allowed = dec.Egress.Allowed.Intersect(dec.Ingress.Allowed).Intersect(asked)
	dec.Unknown = dec.Egress.Allowed.Union(dec.Egress.Unknown).Intersect(dec.Ingress.Allowed.Union(dec.Ingress.Unknown)).
		Intersect(asked).Subtract(dec.Allowed)
	switch {
	case !dec.Allowed.IsEmpty():
		dec.Verdict, dec.Code = Allow, dec.Ingress.Code
		if dec.Ingress.Code == CodeNotIsolated || dec.Ingress.Code == CodeExternal || dec.Ingress.Code == CodeTierDefault && dec.Egress.Code != CodeNotIsolated {
			dec.Code = dec.Egress.Code
		}
	case dec.Egress.Verdict == Deny:
		dec.Verdict, dec.Code = Deny, dec.Egress.Code
	case dec.Ingress.Verdict == Deny:
		dec.Verdict, dec.Code = Deny, dec.Ingress.Code
	case !dec.Unknown.IsEmpty():
		dec.Verdict, dec.Code = VerdictUnknown, CodeUndecided
	default:
		dec.Verdict, dec.Code = Deny, CodeDisjoint
	}
	return dec
}

// side traces one direction. self is the pod whose policies apply (the
// source for egress, the destination for ingress), other the peer, dst the
// connection's destination (named ports resolve there).
func (e *Engine) side(dir Direction, self, other, dst *Endpoint, asked ports.Set) Side {
	sd := Side{Direction: dir}
	switch {
	case self.IsExternal():
		sd.Verdict, sd.Code, sd.Allowed = Allow, CodeExternal, ports.All()
		return sd
	case self.HostNetwork:
		sd.Verdict, sd.Code, sd.Allowed = Allow, CodeHostNetwork, ports.All()
		return sd
	}
	var isolating []*netpol.Policy
	for _, pi := range e.byNS[self.Namespace] {
		if c := e.policies[pi]; e.applies(c, dir, self) {
			isolating = append(isolating, c)
			sd.Isolating = append(sd.Isolating, c.ID)
		}
	}
	if len(isolating) == 0 {
		sd.Verdict, sd.Code, sd.Allowed = Allow, CodeNotIsolated, ports.All()
		return sd
	}
	for _, c := range isolating {
		for r := range c.Rules[dir.side()] {
			rl := &c.Rules[dir.side()][r]
			peerIdx := e.ruleMatchesPeer(c, rl, other)
			if peerIdx == noPeer {
				continue
			}
			rp := rl.PortsToward(dst.Ports)
			sd.Allowed = sd.Allowed.Union(rp)
			if got := rp.Intersect(asked); !got.IsEmpty() {
				sd.Admitted = append(sd.Admitted, RuleRef{Policy: c.ID, Rule: rl.Index, Peer: int(peerIdx), Ports: got})
			}
		}
	}
	if len(sd.Admitted) > 0 {
		sd.Verdict, sd.Code = Allow, CodeAdmitted
		if !asked.IsAll() || sd.Allowed.IsAll() {
			return sd
		}
		sd.Code = CodePartlyAdmitted
		return sd
	}
	sd.Verdict, sd.Code = Deny, CodeNoRuleAdmits
	for _, c := range isolating {
		sd.Misses = append(sd.Misses, e.nearestMiss(c, dir, other, dst, asked))
	}
	return sd
}
