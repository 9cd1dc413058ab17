package policy

import (
	"encoding/binary"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// tentry is what the tiers of a direction decide, as portIDs (see
// tier.Sets): acc accepted by the Admin tier, rest left to the
// NetworkPolicy tier, open allowed when no NetworkPolicy selects the pod.
// (tierState.sets keeps the sets, for the ports a rule that may match
// leaves undecided, once Undecided asks.)
type tentry struct {
	acc, rest, open portID
	matched, sig    int32 // what it was walked from (tierSets walks again)
}

// tmatched is the rules a profile's walk meets toward a key (those whose
// match is Yes or Maybe, in order, with their match: a rule that does
// not match takes no part in the walk). Its entry depends on the
// destination's named ports only when one of them names a port: bySig
// then holds one entry per tier signature (tierSig; index into decided;
// -1: not yet),
// else one.
type tmatched struct {
	rules []tmatch
	named bool
	bySig []int32
}

type tmatch struct {
	rule  int32
	match tier.Match
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
		t.key[i] = resize32(t.key[i], n)
	}
	for sig := int32(len(t.tsigOf)); int(sig) < len(st.sigs.ports); sig++ {
		t.tsigOf = append(t.tsigOf, st.tierSig(sig))
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
			t.prof[side][c] = st.tierProfile(sel, side)
		}
		for fi := range t.key {
			t.key[fi][c] = st.tierKey(c, fi)
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
func (st *state) tierProfile(sel []int32, side int) int32 {
	t := st.tiers
	k := []byte{'P', byte(side)}
	rules := 0
	for _, pi := range sel {
		if n := len(t.pols[pi].Rules[side]); n > 0 {
			rules += n
			k = binary.AppendUvarint(k, uint64(pi))
		}
	}
	if rules == 0 {
		return -1
	}
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	pr := tprof{side: side, rules: make([]int32, 0, rules)}
	// Admin tier first (t.pols is in tier.Sort order: it is already,
	// but the walk must not depend on it).
	for ti := range 2 {
		for _, pi := range sel {
			first := t.ruleIDs[pi][side]
			for i := range t.pols[pi].Rules[side] {
				if r := first + int32(i); t.rules[r].tier == ti {
					pr.rules = append(pr.rules, r)
				}
			}
		}
	}
	id := int32(len(t.profs))
	t.profs = append(t.profs, pr)
	t.ents = append(t.ents, nil)
	t.index[string(k)] = id
	return id
}

// namesPorts reports whether a rule names a port.
func namesPorts(r *tier.Rule) bool {
	for _, p := range r.Ports {
		if p.Name != "" {
			return true
		}
	}
	return false
}

// tierKey interns how class c, on family slot fi, matches every atom.
func (st *state) tierKey(c int32, fi int) int32 {
	t, cl := st.tiers, &st.classes[c]
	k := append(t.buf[:0], 'K')
	addr := cl.key[len(cl.key)-t.addrBytes():]
	per := len(addr) / 3
	ai := 0
	for _, a := range t.atoms {
		m := tier.No
		switch {
		case a.addr:
			m = addrMatch(addr[fi*per:], ai)
			ai++
		case a.ns >= 0:
			if cl.selectable && st.nsSels.bits[a.ns].has(cl.ns) && (a.pod < 0 || st.podSels.bits[a.pod].has(c)) {
				m = tier.Yes
			}
		default: // domainNames
			m = tier.Maybe
		}
		k = append(k, byte(m))
	}
	t.buf = k
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	m := make([]tier.Match, len(t.atoms))
	for i := range m {
		m[i] = tier.Match(k[1+i])
	}
	id := int32(len(t.keys))
	t.keys = append(t.keys, tkey{match: m})
	t.index[string(k)] = id
	return id
}

// tierMatched returns (computing it the first time) the rules profile p
// meets toward the other end of tier key k: an index into t.matched.
func (st *state) tierMatched(p, k int32) int32 {
	t := st.tiers
	if n := len(t.ents[p]); n < len(t.keys) {
		t.ents[p] = append(t.ents[p], make([]int32, len(t.keys)-n)...)
		for i := n; i < len(t.ents[p]); i++ {
			t.ents[p][i] = -1
		}
	}
	if i := t.ents[p][k]; i >= 0 {
		return i
	}
	key := t.keys[k].match
	v := t.buf[:0]
	for _, r := range t.profs[p].rules {
		m := t.rules[r].matchOf(key)
		if m != tier.No {
			v = binary.AppendUvarint(append(v, byte(m)), uint64(r))
		}
	}
	t.buf = v
	i, ok := t.dedup[string(v)]
	if !ok {
		tm := tmatched{}
		for _, r := range t.profs[p].rules {
			if m := t.rules[r].matchOf(key); m != tier.No {
				tm.rules = append(tm.rules, tmatch{rule: r, match: m})
				tm.named = tm.named || t.rules[r].named
			}
		}
		tm.bySig = []int32{-1}
		if tm.named {
			tm.bySig = make([]int32, len(t.tsigPorts))
			for j := range tm.bySig {
				tm.bySig[j] = -1
			}
		}
		i = int32(len(t.matched))
		t.matched = append(t.matched, tm)
		t.dedup[string(v)] = i
	}
	t.ents[p][k] = i
	return i
}

// matchOf is how rule r meets the other end of key: one peer matches ("If
// any element matches"), or may match (domainNames); an Invalid rule
// fails closed whatever the peer.
func (r *trule) matchOf(key []tier.Match) tier.Match {
	if r.ref.R.Invalid != "" {
		return r.invalid
	}
	m := tier.No
	for _, a := range r.atoms {
		switch key[a] {
		case tier.Yes:
			return tier.Yes
		case tier.Maybe:
			m = tier.Maybe
		}
	}
	return m
}

// tierDecided returns (computing it the first time) the entry of matched
// rules mi toward a destination of tier signature sig: an index into
// decided.
func (st *state) tierDecided(mi, sig int32) int32 {
	t := st.tiers
	tm := &t.matched[mi]
	slot := int32(0)
	if tm.named {
		slot = sig
		if int(sig) >= len(tm.bySig) { // signatures added since
			n := len(tm.bySig)
			tm.bySig = append(tm.bySig, make([]int32, int(sig)+1-n)...)
			for j := n; j < len(tm.bySig); j++ {
				tm.bySig[j] = -1
			}
		}
	}
	if i := tm.bySig[slot]; i >= 0 {
		return i
	}
	sets := st.tierWalk(mi, sig)
	e := tentry{acc: st.pool.intern(sets.Accepted), rest: st.pool.intern(sets.Rest), open: st.pool.intern(sets.Open),
		matched: mi, sig: sig}
	i := int32(len(t.decided))
	t.decided = append(t.decided, e)
	tm.bySig[slot] = i
	return i
}

// tierWalk walks the tiers over the matched rules mi toward a destination
// of tier signature sig (the sets of a decided entry).
func (st *state) tierWalk(mi, sig int32) tier.Sets {
	t := st.tiers
	ap := [2][]tier.Applied{t.ap[0][:0], t.ap[1][:0]}
	for _, m := range t.matched[mi].rules {
		r := &t.rules[m.rule]
		a := tier.Applied{Ref: r.ref, Match: m.match, Action: r.ref.R.Action, Ports: r.static}
		switch {
		case r.ref.R.Invalid != "":
			a = tier.ApplyMatch(r.ref, m.match, nil)
		case r.named:
			a.Ports = r.ref.R.PortSet(t.tsigPorts[sig])
		}
		ap[r.tier] = append(ap[r.tier], a)
	}
	t.ap = ap
	return tier.WalkSets(ap[0], ap[1])
}

// tierSets returns (walking them the first time) the sets of decided
// entry i: only Undecided reads them, so only undecidable states keep
// any.
func (st *state) tierSets(i int32) *tier.Sets {
	t := st.tiers
	if n := len(t.sets); int(i) >= n {
		t.sets = append(t.sets, make([]*tier.Sets, len(t.decided)-n)...)
	}
	if t.sets[i] == nil {
		e := &t.decided[i]
		s := st.tierWalk(e.matched, e.sig)
		t.sets[i] = &s
	}
	return t.sets[i]
}

// tierSig interns what the tiers see of the named ports of signature
// sig: those whose name some tier rule names (PortSet resolves by name).
// Signatures differing only in other names share one: they resolve
// every tier rule alike.
func (st *state) tierSig(sig int32) int32 {
	t := st.tiers
	var seen []model.ContainerPort
	k := append(t.buf[:0], 'S')
	for _, p := range st.sigs.ports[sig] { // sorted
		if t.names[p.Name] {
			seen = append(seen, p)
			k = append(append(k, p.Name...), 0, byte(p.Protocol), byte(p.Port>>8), byte(p.Port))
		}
	}
	t.buf = k
	if id, ok := t.index[string(k)]; ok {
		return id
	}
	id := int32(len(t.tsigPorts))
	t.tsigPorts = append(t.tsigPorts, seen)
	t.index[string(k)] = id
	return id
}

// tierEntry is what profile p decides toward the other end of tier key
// k, the destination having tier signature sig (tierSig).
func (st *state) tierEntry(p, k, sig int32) *tentry {
	return &st.tiers.decided[st.tierDecided(st.tierMatched(p, k), sig)]
}

// tierDst is the tier signature of a direction's destination: self for
// ingress, other for egress.
func (st *state) tierDst(side int, self, other int32) int32 {
	d := other
	if side == tier.IngressSide {
		d = self
	}
	return st.tiers.tsigOf[st.classes[d].sig]
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
	e := st.tierEntry(p, t.key[famSlot(f)][other], st.tierDst(side, self, other))
	if !isolated {
		return e.open
	}
	return st.pool.unionOf(e.acc, st.pool.interOf(e.rest, np))
}

// tierUndecided is what one direction cannot decide (a rule that may
// match: domainNames, or an address atom matched partly) and
// what it allows, for the ports the NetworkPolicy tier admits (np).
func (st *state) tierUndecided(side int, self, other int32, f ipFamily, np ports.Set, isolated bool) (allowed, unknown ports.Set) {
	t := st.tiers
	st.tierRefresh()
	p := t.prof[side][self]
	if p < 0 {
		return np, ports.Set{}
	}
	i := st.tierDecided(st.tierMatched(p, t.key[famSlot(f)][other]), st.tierDst(side, self, other))
	return st.tierSets(i).Combine(tier.NetworkPolicySets{Isolated: isolated, Allowed: np})
}

// undecided is what the pair of classes (s, d) cannot decide: ports some
// direction's tiers leave to a rule that may match (allowed one way,
// denied the other) and no direction, on no family, denies.
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
