package policy

import "github.com/podreach/podreach/pkg/policy/tier"

// scanTiers is a Scanner's copy of the tier tables it has read, so that
// rows are filled without the engine's lock (a miss takes it).
type scanTiers struct {
	// ents are by profile·keys+key: index+1 into decided; or, when the
	// entry depends on the destination's named ports, -(index+1) into
	// the engine's matched (0: not yet).
	ents    []int32
	nkeys   int32
	bySig   [][]int32 // by matched and tier signature: index+1 into decided
	decided []tentry
	// By class, what tierPair reads of a destination: its tier
	// signature, its ingress tier profile, whether a NetworkPolicy
	// isolates it for ingress.
	tsig, inProf []int32
	inIso        []bool
}

// fillTiers is fill when the cluster has cluster policies: each
// direction of a pair goes through the tiers around what the
// NetworkPolicies admit (the row's ingress and egress sides), on every
// family the two share.
func (s *Scanner) fillTiers() {
	x := s.x
	if s.tc.ents == nil {
		s.initTiers()
	}
	sf := x.fams[s.cls]
	for _, d := range s.dcls {
		var out portID
		switch shared := sf & x.fams[d]; shared {
		case 0, 1, 2:
			out = s.tierPair(d, int(shared))
		default:
			if out = s.tierPair(d, 1); out != emptyID {
				out = s.inter(out, s.tierPair(d, 2))
			}
		}
		s.row[d] = out
	}
}

// initTiers sizes the scanner's tier tables and copies what tierPair
// reads of each class into arrays of its own.
func (s *Scanner) initTiers() {
	st, c := s.e.st, &s.tc
	t := st.tiers
	c.nkeys = int32(len(t.keys))
	c.ents = make([]int32, len(t.profs)*len(t.keys))
	n := len(st.classes)
	c.tsig, c.inProf, c.inIso = make([]int32, n), t.prof[tier.IngressSide][:n:n], make([]bool, n)
	for i := range st.classes {
		c.tsig[i] = t.tsigOf[st.classes[i].sig]
		c.inIso[i] = st.classes[i].prof[Ingress-1] >= 0
	}
}

// tierPair is the current source's allowed ports toward class d on the
// family of slot fi (0, 4, 6 -> 0, 1, 2), through the tiers.
func (s *Scanner) tierPair(d int32, fi int) portID {
	c := &s.tc
	t := s.e.st.tiers
	sig := c.tsig[d] // the destination's: both directions resolve named ports there
	in := s.in[s.famIndex(s.inSplit, fi)][s.x.inProf[d]]
	if p := c.inProf[d]; p >= 0 {
		in = s.combine(s.tierEntry(p, t.key[fi][s.cls], sig), in, c.inIso[d])
	}
	if in == emptyID {
		return in
	}
	out := allID
	if s.eprof >= 0 {
		out = s.out[s.famIndex(s.outSplit, fi)][d]
	}
	if p := t.prof[tier.EgressSide][s.cls]; p >= 0 {
		out = s.combine(s.tierEntry(p, t.key[fi][d], sig), out, s.eprof >= 0)
	}
	return s.inter(in, out)
}

// combine is a direction's answer from its tier entry e and what the
// NetworkPolicies admit (np; isolated: some NetworkPolicy selects the
// pod for the direction).
func (s *Scanner) combine(e *tentry, np portID, isolated bool) portID {
	if !isolated {
		return e.open
	}
	return s.union(e.acc, s.inter(e.rest, np))
}

// tierEntry is the entry of profile p toward key k, the destination
// having tier signature sig; only misses lock the engine.
func (s *Scanner) tierEntry(p, k, sig int32) *tentry {
	c := &s.tc
	cell := p*c.nkeys + k
	switch v := c.ents[cell]; {
	case v > 0:
		return &c.decided[v-1]
	case v < 0:
		if i := c.bySig[-v-1][sig]; i > 0 {
			return &c.decided[i-1]
		}
	}
	return s.tierEntrySlow(cell, p, k, sig)
}

func (s *Scanner) tierEntrySlow(cell, p, k, sig int32) *tentry {
	t, c := s.e.st.tiers, &s.tc
	v := c.ents[cell]
	if v == 0 {
		s.e.mu.Lock()
		mi := s.e.st.tierMatched(p, k)
		if !t.matched[mi].named {
			i := s.e.st.tierDecided(mi, 0)
			te := t.decided[i]
			s.e.mu.Unlock()
			c.ents[cell] = i + 1
			return s.keep(i, te)
		}
		s.e.mu.Unlock()
		v = -(mi + 1)
		c.ents[cell] = v
	}
	mi := -v - 1
	if int(mi) >= len(c.bySig) {
		c.bySig = append(c.bySig, make([][]int32, int(mi)+1-len(c.bySig))...)
	}
	if c.bySig[mi] == nil {
		c.bySig[mi] = make([]int32, len(t.tsigPorts)) // fixed while the scanner lives
	}
	s.e.mu.Lock()
	i := s.e.st.tierDecided(mi, sig)
	te := t.decided[i]
	s.e.mu.Unlock()
	c.bySig[mi][sig] = i + 1
	return s.keep(i, te)
}

// keep stores the scanner's copy of entry i.
func (s *Scanner) keep(i int32, te tentry) *tentry {
	c := &s.tc
	if int(i) >= len(c.decided) {
		c.decided = append(c.decided, make([]tentry, int(i)+1-len(c.decided))...)
	}
	c.decided[i] = te
	return &c.decided[i]
}
