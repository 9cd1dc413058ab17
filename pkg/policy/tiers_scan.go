package policy

import "github.com/podreach/podreach/pkg/policy/tier"

// scanTiers is a Scanner's copy of the tier tables it has read, so that
// rows are filled without the engine's lock (a miss takes it).
type scanTiers struct {
	// ents are by profile and key: index+1 into decided; or, when the
	// entry depends on the destination's named ports, -(index+1) into
	// the engine's matched (0: not yet).
	ents    [][]int32
	bySig   [][]int32 // by matched and tier signature: index+1 into decided
	decided []tentry
}

// fillTiers is fill when the cluster has cluster policies: each
// direction of a pair goes through the tiers around what the
// NetworkPolicies admit (the row's ingress and egress sides), on every
// family the two share.
func (s *Scanner) fillTiers() {
	x := s.x
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

// tierPair is the current source's allowed ports toward class d on the
// family of slot fi (0, 4, 6 -> 0, 1, 2), through the tiers.
func (s *Scanner) tierPair(d int32, fi int) portID {
	st := s.e.st
	sig := st.tiers.tsigOf[st.classes[d].sig] // the destination's: both directions resolve named ports there
	in := s.in[s.famIndex(s.inSplit, fi)][s.x.inProf[d]]
	in = s.tierSide(tier.IngressSide, d, s.cls, fi, sig, in, st.classes[d].prof[Ingress-1] >= 0)
	if in == emptyID {
		return in
	}
	out := allID
	if s.eprof >= 0 {
		out = s.out[s.famIndex(s.outSplit, fi)][d]
	}
	return s.inter(in, s.tierSide(tier.EgressSide, s.cls, d, fi, sig, out, s.eprof >= 0))
}

// tierSide is state.tierSide through the scanner's copy of the entries.
func (s *Scanner) tierSide(side int, self, other int32, fi int, sig int32, np portID, isolated bool) portID {
	t := s.e.st.tiers
	p := t.prof[side][self]
	if p < 0 {
		return np
	}
	e := s.tierEntry(p, t.key[fi][other], sig)
	if !isolated {
		return e.open
	}
	return s.union(e.acc, s.inter(e.rest, np))
}

// tierEntry is the entry of profile p toward key k, the destination
// having tier signature sig; only misses lock the engine.
func (s *Scanner) tierEntry(p, k, sig int32) *tentry {
	t, c := s.e.st.tiers, &s.tc
	if c.ents == nil {
		c.ents = make([][]int32, len(t.profs))
	}
	if c.ents[p] == nil {
		c.ents[p] = make([]int32, len(t.keys))
	}
	v := c.ents[p][k]
	if v > 0 {
		return &c.decided[v-1]
	}
	if v == 0 {
		s.e.mu.Lock()
		mi := s.e.st.tierMatched(p, k)
		if !t.matched[mi].named {
			i := s.e.st.tierDecided(mi, 0)
			te := t.decided[i]
			s.e.mu.Unlock()
			c.ents[p][k] = i + 1
			return s.keep(i, te)
		}
		s.e.mu.Unlock()
		v = -(mi + 1)
		c.ents[p][k] = v
	}
	mi := -v - 1
	for int(mi) >= len(c.bySig) {
		c.bySig = append(c.bySig, nil)
	}
	if int(sig) >= len(c.bySig[mi]) {
		c.bySig[mi] = append(c.bySig[mi], make([]int32, int(sig)+1-len(c.bySig[mi]))...)
	}
	if i := c.bySig[mi][sig] - 1; i >= 0 {
		return &c.decided[i]
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
