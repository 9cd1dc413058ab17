package policy

// profile is the rules that apply to a class in one direction: those of
// every policy selecting it. Classes selected by the same policies share a
// profile (ingress profiles also share the destination's named ports when
// a rule names ports, since those resolve on the destination).
type profile struct {
	rules []prule
	named bool // egress: some rule names ports (resolved per destination)
}

// prule is one rule of a profile with its ports: resolved on the profile's
// destination for ingress, the static part for egress.
type prule struct {
	pol  *cpol
	r    *crule
	port portID
}

type profTable struct {
	profs []profile
	index map[string]int32
	key   []byte
}

func newProfTable() profTable { return profTable{index: map[string]int32{}} }

// profileClass sets class c's profiles from its selections.
func (st *state) profileClass(c int32) {
	cl := &st.classes[c]
	for d := range cl.sel {
		cl.prof[d] = -1
		if len(cl.sel[d]) > 0 {
			cl.prof[d] = st.profileOf(cl.sel[d], d, cl.sig)
		}
	}
}

// profileOf returns the profile of the policies sel in direction d for a
// class whose named ports are signature sig.
func (st *state) profileOf(sel []int32, d int, sig int32) int32 {
	named, n := false, 0
	for _, pi := range sel {
		named = named || st.pols[pi].named[d]
		n += len(st.pols[pi].rules[d])
	}
	k := append(st.profiles.key[:0], byte(d))
	for _, pi := range sel {
		k = appendInt32(k, pi)
	}
	if !named || d != int(Ingress-1) {
		sig = 0
	} else {
		k = appendInt32(append(k, '#'), sig)
	}
	st.profiles.key = k
	if id, ok := st.profiles.index[string(k)]; ok {
		return id
	}
	pr := profile{named: named && d == int(Egress-1), rules: make([]prule, 0, n)}
	for _, pi := range sel {
		p := st.pols[pi]
		for i := range p.rules[d] {
			r := &p.rules[d][i]
			port := r.static
			if d == int(Ingress-1) && r.r.Named {
				port = st.resolve(r, sig)
			}
			pr.rules = append(pr.rules, prule{pol: p, r: r, port: port})
		}
	}
	id := int32(len(st.profiles.profs))
	st.profiles.profs = append(st.profiles.profs, pr)
	st.profiles.index[string(k)] = id
	return id
}
