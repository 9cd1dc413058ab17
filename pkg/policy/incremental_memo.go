package policy

// egressMemo remembers, for one destination class at a time, what the
// egress side admits toward it from a source class of a given egress
// profile: egress(s, d, f) reads nothing of s but its profile, and the
// classes whose pairs an edit re-evaluates share few profiles.
type egressMemo struct {
	gen   uint32   // the current destination's generation
	stamp []uint32 // per profile and family: the generation of val
	val   []portID
}

// next forgets what the memo holds (a new destination).
func (m *egressMemo) next() {
	if m.gen++; m.gen == 0 {
		clear(m.stamp)
		m.gen = 1
	}
}

// egress is st.egress(s, d, f) for the destination d of the current
// generation.
func (m *egressMemo) egress(st *state, s, d int32, f ipFamily) portID {
	pi := st.classes[s].prof[Egress-1]
	if st.tiers != nil {
		// The tiers read more of s than its profile.
		return st.egress(s, d, f)
	}
	if pi < 0 {
		return allID
	}
	i := int(pi)*3 + famSlot(f)
	if i >= len(m.stamp) {
		n := max(i+1, 2*len(m.stamp))
		m.stamp = append(m.stamp, make([]uint32, n-len(m.stamp))...)
		m.val = append(m.val, make([]portID, n-len(m.val))...)
	}
	if m.stamp[i] != m.gen {
		m.stamp[i], m.val[i] = m.gen, st.egress(s, d, f)
	}
	return m.val[i]
}

// famSlot numbers the families 0 (unrestricted), 4 and 6.
func famSlot(f ipFamily) int {
	switch f {
	case 4:
		return 1
	case 6:
		return 2
	}
	return 0
}
