package policy

// hitRule records that rule r matches the source on the families of mask.
func (s *Scanner) hitRule(r int32, mask uint8) {
	if s.hitGen[r] != s.gen {
		s.hitGen[r], s.hit[r] = s.gen, 0
		s.hits = append(s.hits, r)
	}
	s.hit[r] |= mask
}

// ingressRow computes, for the current source, what every ingress profile
// admits from it: its base, plus the ports of each rule whose peers match.
func (s *Scanner) ingressRow() {
	s.findHits()
	// A hit on a block of one family splits the row by family, unless
	// it covers every family the source's pairs can be evaluated on.
	rel := s.relevant()
	s.inSplit = false
	for _, r := range s.hits {
		s.inSplit = s.inSplit || s.hit[r]&rel != rel
	}
	for fi := range 3 {
		if fi == 0 || s.inSplit {
			copy(s.in[fi], s.x.inBase)
		}
	}
	for _, r := range s.hits {
		m := s.hit[r]
		if !s.inSplit {
			m = 1 // every family alike: family index 0 stands for all
		}
		for _, pp := range s.x.profsOf[r] {
			for fi := range 3 {
				if m&(1<<fi) != 0 {
					s.in[fi][pp.prof] = s.union(s.in[fi][pp.prof], pp.port)
				}
			}
		}
	}
}

// findHits lists the ingress rules whose peers match the current source,
// through the index: the peers of its namespace's policies, those whose
// namespace selector matches its namespace, those of its blocks.
func (s *Scanner) findHits() {
	st, x, c := s.e.st, s.x, s.cls
	cl := &st.classes[c]
	s.hits = s.hits[:0]
	use := func(us []peerUse) {
		for _, u := range us {
			if u.podSel < 0 || st.podSels.bits[u.podSel].has(c) {
				s.hitRule(u.rule, famAll)
			}
		}
	}
	if cl.selectable {
		use(x.ownUsers[cl.ns])
		for _, sel := range x.nsMatch[cl.ns] {
			use(x.nsUsers[sel])
		}
	}
	for _, b := range cl.blocks {
		for _, r := range x.blockUsers[b] {
			s.hitRule(r, blockFamMask(st.blocks.fam[b]))
		}
	}
}

// egressRow computes what the current source's egress profile admits
// toward every class (kept while consecutive rows share the profile and
// the families they may be evaluated on).
func (s *Scanner) egressRow() {
	st := s.e.st
	q := st.classes[s.cls].prof[Egress-1]
	if q == s.eprof && s.relevant() == s.erel {
		return
	}
	s.eprof, s.erel = q, s.relevant()
	if q < 0 {
		return
	}
	s.outSplit = false
	for _, pr := range st.profiles.profs[q].rules {
		for _, pe := range pr.r.peers {
			s.outSplit = s.outSplit || pe.block >= 0 && blockFamMask(st.blocks.fam[pe.block])&s.erel != s.erel
		}
	}
	for fi := range 3 {
		if fi == 0 || s.outSplit {
			clear(s.out[fi]) // emptyID
		}
	}
	for i := range st.profiles.profs[q].rules {
		s.addEgress(&st.profiles.profs[q].rules[i])
	}
}

// addEgress adds what rule pr admits to the egress side of the row.
func (s *Scanner) addEgress(pr *prule) {
	s.e.st.eachPeerClass(pr.pol, pr.r, func(d int32, m uint8) {
		if !s.outSplit {
			m = 1
		}
		port := pr.port
		if pr.r.r.Named {
			port = s.resolve(pr.r, d)
		}
		for fi := range 3 {
			if m&(1<<fi) != 0 {
				s.out[fi][d] = s.union(s.out[fi][d], port)
			}
		}
	})
}

// relevant is the family indexes the current source's pairs may be
// evaluated on: 0 (toward classes sharing no family), and those of its
// addresses.
func (s *Scanner) relevant() uint8 {
	f := s.x.fams[s.cls]
	return 1 | (f&1)<<1 | (f&2)<<1
}

// resolve is st.resolve through the scanner's per-rule table by
// signature (st.resolve, which interns, runs locked).
func (s *Scanner) resolve(r *crule, d int32) portID {
	st := s.e.st
	sig := st.classes[d].sig
	t := s.named[r.id]
	if t == nil {
		t = make([]portID, len(st.sigs.ports))
		for i := range t {
			t[i] = -1
		}
		s.named[r.id] = t
	}
	if t[sig] < 0 {
		s.e.mu.Lock()
		t[sig] = st.resolve(r, sig)
		s.e.mu.Unlock()
	}
	return t[sig]
}
