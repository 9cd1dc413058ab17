package policy

import "github.com/podreach/podreach/pkg/policy/tier"

// scanEntry is a Scanner's copy of a tier entry (tentry).
type scanEntry struct {
	done            bool
	acc, rest, open portID
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
	in := s.in[s.famIndex(s.inSplit, fi)][s.x.inProf[d]]
	in = s.tierSide(tier.IngressSide, d, s.cls, fi, in, st.classes[d].prof[Ingress-1] >= 0)
	if in == emptyID {
		return in
	}
	out := allID
	if s.eprof >= 0 {
		out = s.out[s.famIndex(s.outSplit, fi)][d]
	}
	return s.inter(in, s.tierSide(tier.EgressSide, s.cls, d, fi, out, s.eprof >= 0))
}

// tierSide is state.tierSide through the scanner's copy of the entries
// (a miss locks the engine).
func (s *Scanner) tierSide(side int, self, other int32, fi int, np portID, isolated bool) portID {
	t := s.e.st.tiers
	p := t.prof[side][self]
	if p < 0 {
		return np
	}
	e := s.tierEntry(p, t.keyOf(p, other, fi))
	if !isolated {
		return e.open
	}
	return s.union(e.acc, s.inter(e.rest, np))
}

func (s *Scanner) tierEntry(p, k int32) *scanEntry {
	t := s.e.st.tiers
	if s.tents == nil {
		s.tents = make([][]int32, len(t.profs))
	}
	if s.tents[p] == nil {
		s.tents[p] = make([]int32, len(t.keys)) // 0: not yet; else index+1 into decided
	}
	i := s.tents[p][k] - 1
	if i < 0 {
		s.e.mu.Lock()
		te := s.e.st.tierEntry(p, k)
		i = t.ents[p][k]
		s.e.mu.Unlock()
		for int(i) >= len(s.decided) {
			s.decided = append(s.decided, scanEntry{})
		}
		s.decided[i] = scanEntry{done: true, acc: te.acc, rest: te.rest, open: te.open}
		s.tents[p][k] = i + 1
	}
	return &s.decided[i]
}
