package policy

import "github.com/podreach/podreach/pkg/policy/tier"

// scanTiers is a Scanner's copy of the tier tables it has read, so that
// rows are filled without the engine's lock (a miss takes it).
type scanTiers struct {
	ents    [][]int32 // by profile and key: index+1 into the engine's matched (0: not yet)
	named   []bool    // by matched: its entry depends on the destination's signature
	bySig   [][]int32 // by matched and signature slot: index+1 into decided
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
	sig := st.classes[d].sig // the destination's: both directions resolve named ports there
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

func (s *Scanner) tierEntry(p, k, sig int32) *tentry {
	t, c := s.e.st.tiers, &s.tc
	if c.ents == nil {
		c.ents = make([][]int32, len(t.profs))
	}
	if c.ents[p] == nil {
		c.ents[p] = make([]int32, len(t.keys))
	}
	mi := c.ents[p][k] - 1
	if mi < 0 {
		s.e.mu.Lock()
		mi = s.e.st.tierMatched(p, k)
		named := t.matched[mi].named
		s.e.mu.Unlock()
		for int(mi) >= len(c.named) {
			c.named, c.bySig = append(c.named, false), append(c.bySig, nil)
		}
		c.named[mi] = named
		c.ents[p][k] = mi + 1
	}
	slot := int32(0)
	if c.named[mi] {
		slot = sig
	}
	if int(slot) >= len(c.bySig[mi]) {
		c.bySig[mi] = append(c.bySig[mi], make([]int32, int(slot)+1-len(c.bySig[mi]))...)
	}
	i := c.bySig[mi][slot] - 1
	if i < 0 {
		s.e.mu.Lock()
		i = s.e.st.tierDecided(mi, sig)
		te := t.decided[i]
		s.e.mu.Unlock()
		if int(i) >= len(c.decided) {
			c.decided = append(c.decided, make([]tentry, int(i)+1-len(c.decided))...)
		}
		c.decided[i] = te
		c.bySig[mi][slot] = i + 1
	}
	return &c.decided[i]
}
