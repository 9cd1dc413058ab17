package policy

import (
	"encoding/binary"

	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// tentry is what the tiers of a profile decide toward the keys that
// match its rules alike, as portIDs (see tier.Sets): acc accepted by the
// Admin tier, rest left to the NetworkPolicy tier, open allowed when no
// NetworkPolicy selects the pod; sets keeps the sets for the undecided
// ports (domainNames).
type tentry struct {
	acc, rest, open portID
	sets            tier.Sets
}

// tierRefresh recomputes every class's tier profiles and keys when the
// classes changed (a class added or re-keyed, a namespace relabelled).
func (st *state) tierRefresh() {
	t := st.tiers
	if t == nil || !t.stale {
		return
	}
	t.stale = false
	n := len(st.classes)
	for i := range t.prof {
		t.prof[i] = resize32(t.prof[i], n)
	}
	for i := range t.key {
		t.key[i], t.keyS[i] = resize32(t.key[i], n), resize32(t.keyS[i], n)
	}
	var sel []int32
	for c := range int32(n) {
		sel = sel[:0]
		for pi, s := range t.subj {
			if st.tierSelects(s, c) {
				sel = append(sel, int32(pi))
			}
		}
		for side := range t.prof {
			t.prof[side][c] = st.tierProfile(sel, side, st.classes[c].sig)
		}
		for fi := range t.key {
			t.key[fi][c], t.keyS[fi][c] = st.tierKey(c, fi, false), st.tierKey(c, fi, true)
		}
	}
}

func resize32(xs []int32, n int) []int32 {
	if cap(xs) >= n {
		return xs[:n]
	}
	return make([]int32, n)
}

// tierSelects: "Note that host-networked pods are not included in subject
// selection."
func (st *state) tierSelects(s tsubject, c int32) bool {
	cl := &st.classes[c]
	return cl.selectable && st.nsSels.bits[s.ns].has(cl.ns) && (s.pod < 0 || st.podSels.bits[s.pod].has(c))
}

// tierProfile interns the profile of the policies sel (indexes into
// t.pols) on side; -1 when none has a rule there ("CNPs with no ingress
// rules do not affect ingress traffic").
func (st *state) tierProfile(sel []int32, side int, sig int32) int32 {
	t := st.tiers
	k := []byte{'P', byte(side)}
	rules, named := 0, false
	for _, pi := range sel {
		if n := len(t.pols[pi].Rules[side]); n > 0 {
			rules += n
			k = binary.AppendUvarint(k, uint64(pi))
			named = named || namesPorts(t.pols[pi].Rules[side])
		}
	}
	if rules == 0 {
		return -1
	}
	// Named ports resolve on the destination: the class itself for
	// ingress, the peer (keyS) for egress.
	if side == tier.IngressSide && named {
		k = binary.AppendUvarint(append(k, '#'), uint64(sig))
	} else {
		sig = 0
	}
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	pr := tprof{side: side, sig: sig, dstSig: side == tier.EgressSide && named}
	for _, pi := range sel {
		p := t.pols[pi]
		ti := 0
		if p.Tier == tier.Baseline {
			ti = 1
		}
		for i := range p.Rules[side] {
			pr.rules[ti] = append(pr.rules[ti], tref{ref: tier.Ref{P: p, R: &p.Rules[side][i]}, atoms: t.ruleAtoms[pi][side][i]})
		}
	}
	id := int32(len(t.profs))
	t.profs = append(t.profs, pr)
	t.ents = append(t.ents, nil)
	t.index[string(k)] = id
	return id
}

// namesPorts reports whether a rule names a port.
func namesPorts(rs []tier.Rule) bool {
	for i := range rs {
		for _, p := range rs[i].Ports {
			if p.Name != "" {
				return true
			}
		}
	}
	return false
}

// tierKey interns how class c, on family slot fi, matches every atom
// (withSig: and its named ports).
func (st *state) tierKey(c int32, fi int, withSig bool) int32 {
	t, cl := st.tiers, &st.classes[c]
	k := []byte{'K'}
	sig := int32(0)
	if withSig {
		sig = cl.sig
		k = binary.AppendUvarint(append(k, 'S'), uint64(sig))
	}
	addr := cl.key[len(cl.key)-t.addrBytes():]
	per := len(addr) / 3
	m := make([]tier.Match, len(t.atoms))
	ai := 0
	for i, a := range t.atoms {
		switch {
		case a.addr:
			if addr[fi*per+ai/8]&(1<<(ai%8)) != 0 {
				m[i] = tier.Yes
			}
			ai++
		case a.ns >= 0:
			if cl.selectable && st.nsSels.bits[a.ns].has(cl.ns) && (a.pod < 0 || st.podSels.bits[a.pod].has(c)) {
				m[i] = tier.Yes
			}
		default: // domainNames
			m[i] = tier.Maybe
		}
		k = append(k, byte(m[i]))
	}
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	id := int32(len(t.keys))
	t.keys = append(t.keys, tkey{match: m, sig: sig})
	t.index[string(k)] = id
	return id
}

// tierEntry returns (computing it the first time) what profile p decides
// toward the other end of tier key k (in t.keys: keyS when p.dstSig).
func (st *state) tierEntry(p, k int32) *tentry {
	t := st.tiers
	if len(t.ents[p]) < len(t.keys) {
		n := len(t.ents[p])
		t.ents[p] = append(t.ents[p], make([]int32, len(t.keys)-n)...)
		for i := n; i < len(t.ents[p]); i++ {
			t.ents[p][i] = -1
		}
	}
	if i := t.ents[p][k]; i >= 0 {
		return &t.decided[i]
	}
	pr, key := &t.profs[p], &t.keys[k]
	// The entry depends only on how each rule matches, and on the
	// destination's named ports.
	v := binary.AppendUvarint([]byte{}, uint64(p))
	v = binary.AppendUvarint(v, uint64(key.sig))
	var ms [2][]tier.Match
	for ti := range pr.rules {
		for _, tr := range pr.rules[ti] {
			m := ruleMatch(tr.atoms, key.match)
			ms[ti] = append(ms[ti], m)
			v = append(v, byte(m))
		}
	}
	if i, ok := t.dedup[string(v)]; ok {
		t.ents[p][k] = i
		return &t.decided[i]
	}
	dst := st.sigs.ports[key.sig]
	if pr.side == tier.IngressSide {
		dst = st.sigs.ports[pr.sig]
	}
	var ap [2][]tier.Applied
	for ti := range pr.rules {
		for i, tr := range pr.rules[ti] {
			ap[ti] = append(ap[ti], tier.ApplyMatch(tr.ref, ms[ti][i], dst))
		}
	}
	e := tentry{sets: tier.WalkSets(ap[0], ap[1])}
	e.acc, e.rest, e.open = st.pool.intern(e.sets.Accepted), st.pool.intern(e.sets.Rest), st.pool.intern(e.sets.Open)
	i := int32(len(t.decided))
	t.decided = append(t.decided, e)
	t.dedup[string(v)] = i
	t.ents[p][k] = i
	return &t.decided[i]
}

// ruleMatch is whether a rule whose peers are atoms matches a key's
// matches: one peer matches ("If any element matches"), or may match.
func ruleMatch(atoms []int32, match []tier.Match) tier.Match {
	m := tier.No
	for _, a := range atoms {
		switch match[a] {
		case tier.Yes:
			return tier.Yes
		case tier.Maybe:
			m = tier.Maybe
		}
	}
	return m
}

// keyOf is the tier key profile p reads of class c on family slot fi.
func (t *tierState) keyOf(p, c int32, fi int) int32 {
	if t.profs[p].dstSig {
		return t.keyS[fi][c]
	}
	return t.key[fi][c]
}

// tierSide is one direction's answer through the tiers: self is the class
// whose policies apply (the destination for ingress), other the peer, np
// what the NetworkPolicy tier admits and isolated whether a NetworkPolicy
// selects self for the direction.
func (st *state) tierSide(side int, self, other int32, f ipFamily, np portID, isolated bool) portID {
	t := st.tiers
	st.tierRefresh()
	p := t.prof[side][self]
	if p < 0 {
		return np
	}
	e := st.tierEntry(p, t.keyOf(p, other, famSlot(f)))
	if !isolated {
		return e.open
	}
	return st.pool.unionOf(e.acc, st.pool.interOf(e.rest, np))
}

// tierUndecided is what one direction cannot decide (domainNames) and
// what it allows, for the ports the NetworkPolicy tier admits (np).
func (st *state) tierUndecided(side int, self, other int32, f ipFamily, np ports.Set, isolated bool) (allowed, unknown ports.Set) {
	t := st.tiers
	st.tierRefresh()
	p := t.prof[side][self]
	if p < 0 {
		return np, ports.Set{}
	}
	e := st.tierEntry(p, t.keyOf(p, other, famSlot(f)))
	return e.sets.Combine(tier.NetworkPolicySets{Isolated: isolated, Allowed: np})
}

// undecided is what the pair of classes (s, d) cannot decide: ports some
// direction's tiers leave to a domainNames match (allowed if it matches,
// denied if not) and no direction, on no family, denies.
func (st *state) undecided(s, d int32) ports.Set {
	fs, n := st.families(s, d)
	var sure, maybe ports.Set
	for i, f := range fs[:n] {
		inA, inU := st.tierUndecided(tier.IngressSide, d, s, f, st.pool.set(st.npIngress(d, s, f)), st.classes[d].prof[Ingress-1] >= 0)
		egA, egU := st.tierUndecided(tier.EgressSide, s, d, f, st.pool.set(st.npEgress(s, d, f)), st.classes[s].prof[Egress-1] >= 0)
		a := inA.Intersect(egA)
		// Not denied on either side: allowed or unknown on both.
		m := inA.Union(inU).Intersect(egA.Union(egU))
		if i == 0 {
			sure, maybe = a, m
			continue
		}
		sure, maybe = sure.Intersect(a), maybe.Intersect(m)
	}
	return maybe.Subtract(sure)
}
