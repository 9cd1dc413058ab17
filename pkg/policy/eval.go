package policy

import (
	"encoding/binary"

	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// resolve returns the ports rule r admits toward a destination whose named
// ports are signature sig (see netpol.Rule.PortsToward).
func (st *state) resolve(r *crule, sig int32) portID {
	if !r.r.Named {
		return r.static
	}
	k := [2]int32{r.named, sig}
	if id, ok := st.resolved[k]; ok {
		return id
	}
	id := st.pool.intern(r.r.PortsToward(st.sigs.ports[sig]))
	st.resolved[k] = id
	return id
}

// portList returns the id of the port list of rule r (which names ports):
// what PortsToward reads of a rule, whose static part derives from it.
func (st *state) portList(r *netpol.Rule) int32 {
	var buf [64]byte
	k := buf[:0]
	for _, pm := range r.Ports {
		k = append(k, byte(pm.Protocol), boolByte(pm.Any))
		k = binary.AppendUvarint(binary.AppendUvarint(k, uint64(pm.Lo)), uint64(pm.Hi))
		k = netpol.AppendString(k, pm.Name)
	}
	if id, ok := st.portLists[string(k)]; ok {
		return id
	}
	id := int32(len(st.portLists))
	st.portLists[string(k)] = id
	return id
}

// peerHas reports whether peer pe of policy p matches class c as a
// connection of family f sees it (see peerMatches and families): an ipBlock
// of the other family matches nothing.
func (st *state) peerHas(p *cpol, pe *cpeer, c int32, f ipFamily) bool {
	if pe.block >= 0 {
		return (f == 0 || st.blocks.fam[pe.block] == f) && st.blocks.bits[pe.block].has(c)
	}
	cl := &st.classes[c]
	if !cl.selectable {
		return false
	}
	if pe.nsSel < 0 {
		if cl.ns != p.ns {
			return false
		}
	} else if !st.nsSels.bits[pe.nsSel].has(cl.ns) {
		return false
	}
	return pe.podSel < 0 || st.podSels.bits[pe.podSel].has(c)
}

// ruleHas reports whether rule r of policy p admits class c as its peer
// on a connection of family f.
func (st *state) ruleHas(p *cpol, r *crule, c int32, f ipFamily) bool {
	if r.r.AllPeers {
		return true
	}
	for i := range r.peers {
		if st.peerHas(p, &r.peers[i], c, f) {
			return true
		}
	}
	return false
}

// ingress is what the tiers and the NetworkPolicies of class d admit from
// class s on connections of family f.
func (st *state) ingress(d, s int32, f ipFamily) portID {
	np := st.npIngress(d, s, f)
	if st.tiers == nil {
		return np
	}
	return st.tierSide(tier.IngressSide, d, s, f, np, st.classes[d].prof[Ingress-1] >= 0)
}

// egress is what the tiers and the NetworkPolicies of class s admit
// toward class d on connections of family f.
func (st *state) egress(s, d int32, f ipFamily) portID {
	np := st.npEgress(s, d, f)
	if st.tiers == nil {
		return np
	}
	return st.tierSide(tier.EgressSide, s, d, f, np, st.classes[s].prof[Egress-1] >= 0)
}

// npIngress is what the NetworkPolicies isolating class d for ingress
// admit from class s on connections of family f.
func (st *state) npIngress(d, s int32, f ipFamily) portID {
	pi := st.classes[d].prof[Ingress-1]
	if pi < 0 {
		return allID
	}
	acc := emptyID
	for i := range st.profiles.profs[pi].rules {
		pr := &st.profiles.profs[pi].rules[i]
		if acc != pr.port && st.ruleHas(pr.pol, pr.r, s, f) {
			if acc = st.pool.unionOf(acc, pr.port); acc == allID {
				break
			}
		}
	}
	return acc
}

// npEgress is what the NetworkPolicies isolating class s for egress admit
// toward class d on connections of family f, named ports resolved on d.
func (st *state) npEgress(s, d int32, f ipFamily) portID {
	pi := st.classes[s].prof[Egress-1]
	if pi < 0 {
		return allID
	}
	acc := emptyID
	for i := range st.profiles.profs[pi].rules {
		pr := &st.profiles.profs[pi].rules[i]
		if (!pr.r.r.Named && acc == pr.port) || !st.ruleHas(pr.pol, pr.r, d, f) {
			continue
		}
		port := pr.port
		if pr.r.r.Named {
			port = st.resolve(pr.r, st.classes[d].sig)
		}
		if acc = st.pool.unionOf(acc, port); acc == allID {
			break
		}
	}
	return acc
}

// allowed is egress at s ∩ ingress at d for classes s and d, on every
// address family the two share (see families).
func (st *state) allowed(s, d int32) portID {
	fs, n := st.families(s, d)
	out := st.allowedIn(s, d, fs[0])
	for _, f := range fs[1:n] {
		if out == emptyID {
			break
		}
		out = st.pool.interOf(out, st.allowedIn(s, d, f))
	}
	return out
}

// allowedIn is allowed for connections of family f.
func (st *state) allowedIn(s, d int32, f ipFamily) portID {
	in := st.ingress(d, s, f)
	if in == emptyID {
		return in
	}
	return st.pool.interOf(in, st.egress(s, d, f))
}

// families is families() for classes: the families both have addresses
// of, or [0] when they share none.
func (st *state) families(s, d int32) (fs [2]ipFamily, n int) {
	a, b := st.classes[s].fams, st.classes[d].fams
	if a[0] && b[0] {
		fs[n], n = 4, n+1
	}
	if a[1] && b[1] {
		fs[n], n = 6, n+1
	}
	if n == 0 {
		return fs, 1 // fs[0] is 0: unrestricted
	}
	return fs, n
}
