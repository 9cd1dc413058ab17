package policy

import "slices"

// editPeers adds to ps the peer classes whose pairs with the classes
// policies old and new select may be admitted differently in direction d
// (isolation toggles aside). When new only changes the ports of some rules
// of old, those are the peers of the changed rules: a peer no changed rule
// matches is admitted the same by both versions. Otherwise every peer of
// either.
func (st *state) editPeers(old, new *cpol, d int, ps *peerSet) {
	if changed, ok := changedRules(old, new, d); ok {
		for _, i := range changed {
			st.rulePeersOf(new, &new.rules[d][i], ps)
		}
		return
	}
	for _, p := range []*cpol{old, new} {
		if p != nil && p.has(Direction(d+1)) {
			st.rulePeers(p, d, ps)
		}
	}
}

// changedRules lists the rules of direction d whose ports differ between
// policies old and new, when both apply in d to the same pods and have the
// same rules but for ports (ok); ok is false otherwise.
func changedRules(old, new *cpol, d int) (changed []int, ok bool) {
	if old == nil || new == nil || !old.has(Direction(d+1)) || !new.has(Direction(d+1)) ||
		old.ns != new.ns || old.podSel != new.podSel || len(old.rules[d]) != len(new.rules[d]) {
		return nil, false
	}
	for i := range old.rules[d] {
		a, b := &old.rules[d][i], &new.rules[d][i]
		if a.r.AllPeers != b.r.AllPeers || !slices.Equal(a.peers, b.peers) {
			return nil, false
		}
		// resolve reads static for a rule naming no port, else the port
		// list named (with the destination's signature).
		if a.r.Named != b.r.Named || a.static != b.static || a.named != b.named {
			changed = append(changed, i)
		}
	}
	return changed, true
}

// rulePeersOf adds the classes rule r of p admits as peers.
func (st *state) rulePeersOf(p *cpol, r *crule, ps *peerSet) {
	if r.r.AllPeers {
		ps.all = true
		return
	}
	st.eachPeerClass(p, r, func(c int32, _ uint8) { ps.list = append(ps.list, c) })
}

// portEdit is contributionDiffers for an ingress edit of ports only (see
// changedRules) at one class both versions select: the ports each rule of
// either version admits toward that class.
type portEdit struct {
	old, new []portID
}

// portEditAt fills pe for the selected class c.
func (st *state) portEditAt(old, new *cpol, c int32, pe *portEdit) {
	sig := st.classes[c].sig
	pe.old, pe.new = pe.old[:0], pe.new[:0]
	for i := range new.rules[Ingress-1] {
		pe.old = append(pe.old, st.resolve(&old.rules[Ingress-1][i], sig))
		pe.new = append(pe.new, st.resolve(&new.rules[Ingress-1][i], sig))
	}
}

// portEditDiffers is contributionDiffers(old, new, ingress, c, o) for the
// class c of pe: both versions' rules match the same peers, so they differ
// when the union of the ports of the rules matching o does, on some
// family the pair uses.
func (st *state) portEditDiffers(new *cpol, pe *portEdit, c, o int32) bool {
	fs, n := st.families(o, c)
	for _, f := range fs[:n] {
		a, b := emptyID, emptyID
		for i := range new.rules[Ingress-1] {
			if st.ruleHas(new, &new.rules[Ingress-1][i], o, f) {
				a, b = st.pool.unionOf(a, pe.old[i]), st.pool.unionOf(b, pe.new[i])
			}
		}
		if a != b {
			return true
		}
	}
	return false
}
