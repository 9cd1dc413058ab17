package policy

// scanIndex is what a Scanner reads to find, for a source class, the
// ingress rules whose peers match it without testing every rule.
type scanIndex struct {
	inProf     []int32      // per class: its ingress profile (-1: not isolated)
	fams       []uint8      // per class: bit 0 IPv4 addresses, bit 1 IPv6
	inBase     []portID     // per ingress profile: its all-peers rules' ports (what any source gets)
	profsOf    [][]profPort // per rule id: the ingress profiles holding it, with its ports there
	ownUsers   [][]peerUse  // per namespace: ingress peers without namespaceSelector of its policies
	nsMatch    [][]int32    // per namespace: the namespace selectors matching it
	nsUsers    [][]peerUse  // per namespace selector: ingress peers using it
	blockUsers [][]int32    // per block: ingress rules with a peer of it
	named      [][]portID   // per rule id: ports by destination signature (-1: not yet)
}

type profPort struct {
	prof int32
	port portID
}

// peerUse is a pod peer of a rule: matched when the pod selector (-1: any)
// matches.
type peerUse struct {
	rule, podSel int32
}

// Family masks of rule hits: bit i is family index i (0, 4, 6).
const (
	famAll   uint8 = 7
	famMask4 uint8 = 1 | 2
	famMask6 uint8 = 1 | 4
)

func blockFamMask(f ipFamily) uint8 {
	if f == 4 {
		return famMask4
	}
	return famMask6
}

// scanIndex returns the engine's index, building it on first use; the
// engine is locked.
func (e *Engine) scanIndex() *scanIndex {
	if e.scan == nil {
		e.scan = buildScanIndex(e.st)
	}
	return e.scan
}

func buildScanIndex(st *state) *scanIndex {
	x := &scanIndex{
		inProf:     make([]int32, len(st.classes)),
		fams:       make([]uint8, len(st.classes)),
		inBase:     make([]portID, len(st.profiles.profs)),
		profsOf:    make([][]profPort, st.rules),
		ownUsers:   make([][]peerUse, len(st.nss)),
		nsMatch:    make([][]int32, len(st.nss)),
		nsUsers:    make([][]peerUse, len(st.nsSels.sels)),
		blockUsers: make([][]int32, len(st.blocks.cidr)),
		named:      make([][]portID, st.rules),
	}
	for c := range st.classes {
		cl := &st.classes[c]
		x.inProf[c] = cl.prof[Ingress-1]
		x.fams[c] = boolByte(cl.fams[0]) | boolByte(cl.fams[1])<<1
	}
	for p := range st.profiles.profs {
		for _, pr := range st.profiles.profs[p].rules {
			if pr.r.r.allPeers {
				x.inBase[p] = st.pool.unionOf(x.inBase[p], pr.port)
			} else {
				x.profsOf[pr.r.id] = append(x.profsOf[pr.r.id], profPort{int32(p), pr.port})
			}
		}
	}
	for s := range st.nsSels.sels {
		for ns := range st.nss {
			if st.nsSels.bits[s].has(int32(ns)) {
				x.nsMatch[ns] = append(x.nsMatch[ns], int32(s))
			}
		}
	}
	for _, ref := range st.ruleRefs {
		if ref.dir != Ingress || ref.pol == nil || st.pols[ref.pol.id] != ref.pol {
			continue
		}
		for _, pe := range ref.r.peers {
			switch {
			case pe.block >= 0:
				x.blockUsers[pe.block] = append(x.blockUsers[pe.block], ref.r.id)
			case pe.nsSel < 0:
				x.ownUsers[ref.pol.ns] = append(x.ownUsers[ref.pol.ns], peerUse{ref.r.id, pe.podSel})
			default:
				x.nsUsers[pe.nsSel] = append(x.nsUsers[pe.nsSel], peerUse{ref.r.id, pe.podSel})
			}
		}
	}
	return x
}

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
	// A hit on a block of one family splits the row by family, unless
	// it covers every family the source's pairs can be evaluated on.
	rel := s.relevant()
	s.inSplit = false
	for _, r := range s.hits {
		if s.hit[r]&rel != rel {
			s.inSplit = true
		}
	}
	for _, r := range s.hits {
		m := s.hit[r]
		if !s.inSplit {
			m = 1 // every family alike: family index 0 stands for all
		}
		for _, pp := range x.profsOf[r] {
			for fi := range 3 {
				if m&(1<<fi) == 0 {
					continue
				}
				if s.inStamp[fi][pp.prof] != s.gen {
					s.inStamp[fi][pp.prof], s.in[fi][pp.prof] = s.gen, x.inBase[pp.prof]
				}
				s.in[fi][pp.prof] = st.pool.unionOf(s.in[fi][pp.prof], pp.port)
			}
		}
	}
}

// egressRow computes what the current source's egress profile admits
// toward every class (kept while consecutive rows share the profile).
func (s *Scanner) egressRow() {
	st := s.e.st
	q := st.classes[s.cls].prof[Egress-1]
	if q == s.eprof {
		return
	}
	s.eprof = q
	if q < 0 {
		return
	}
	s.egen++
	s.outSplit = false
	rel := s.relevant()
	for _, pr := range st.profiles.profs[q].rules {
		for _, pe := range pr.r.peers {
			s.outSplit = s.outSplit || pe.block >= 0 && blockFamMask(st.blocks.fam[pe.block])&rel != rel
		}
	}
	for i := range st.profiles.profs[q].rules {
		pr := &st.profiles.profs[q].rules[i]
		add := func(d int32, m uint8) {
			if !s.outSplit {
				m = 1
			}
			port := pr.port
			if pr.r.r.named {
				port = s.resolve(pr.r, d)
			}
			for fi := range 3 {
				if m&(1<<fi) == 0 {
					continue
				}
				if s.outStamp[fi][d] != s.egen {
					s.outStamp[fi][d], s.out[fi][d] = s.egen, emptyID
				}
				s.out[fi][d] = st.pool.unionOf(s.out[fi][d], port)
			}
		}
		st.eachPeerClass(pr.pol, pr.r, add)
	}
}

// eachPeerClass calls fn with every class rule r of policy p admits as its
// peer, and the families it does on (a class may come more than once).
func (st *state) eachPeerClass(p *cpol, r *crule, fn func(c int32, fams uint8)) {
	if r.r.allPeers {
		for c := range st.classes {
			fn(int32(c), famAll)
		}
		return
	}
	for _, pe := range r.peers {
		if pe.block >= 0 {
			m := blockFamMask(st.blocks.fam[pe.block])
			st.blocks.bits[pe.block].each(func(c int32) { fn(c, m) })
			continue
		}
		nsFn := func(ns int32) {
			for _, c := range st.nss[ns].classes {
				if pe.podSel < 0 || st.podSels.bits[pe.podSel].has(c) {
					fn(c, famAll)
				}
			}
		}
		if pe.nsSel < 0 {
			nsFn(p.ns)
		} else {
			st.nsSels.bits[pe.nsSel].each(nsFn)
		}
	}
}

// relevant is the family indexes the current source's pairs may be
// evaluated on: 0 (toward classes sharing no family), and those of its
// addresses.
func (s *Scanner) relevant() uint8 {
	f := s.x.fams[s.cls]
	return 1 | (f&1)<<1 | (f&2)<<1
}

// resolve is st.resolve through a per-rule table by signature.
func (s *Scanner) resolve(r *crule, d int32) portID {
	st := s.e.st
	sig := st.classes[d].sig
	t := s.x.named[r.id]
	if t == nil {
		t = make([]portID, len(st.sigs.ports))
		for i := range t {
			t[i] = -1
		}
		s.x.named[r.id] = t
	}
	if t[sig] < 0 {
		t[sig] = st.resolve(r, sig)
	}
	return t[sig]
}
