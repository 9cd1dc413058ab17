package policy

// scanIndex is what a Scanner reads to find, for a source class, the
// ingress rules whose peers match it without testing every rule.
type scanIndex struct {
	inProf     []int32      // per class: its ingress profile (not isolated: the slot after the last)
	fams       []uint8      // per class: bit 0 IPv4 addresses, bit 1 IPv6
	inBase     []portID     // per ingress profile: its all-peers rules' ports (what any source gets); then allID
	profsOf    [][]profPort // per rule id: the ingress profiles holding it, with its ports there
	ownUsers   [][]peerUse  // per namespace: ingress peers without namespaceSelector of its policies
	nsMatch    [][]int32    // per namespace: the namespace selectors matching it
	nsUsers    [][]peerUse  // per namespace selector: ingress peers using it
	blockUsers [][]int32    // per block: ingress rules with a peer of it
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
		inBase:     make([]portID, len(st.profiles.profs)+1),
		profsOf:    make([][]profPort, st.rules),
		ownUsers:   make([][]peerUse, len(st.nss)),
		nsMatch:    make([][]int32, len(st.nss)),
		nsUsers:    make([][]peerUse, len(st.nsSels.sels)),
		blockUsers: make([][]int32, len(st.blocks.cidr)),
	}
	x.indexClasses(st)
	x.indexProfiles(st)
	x.indexPeers(st)
	return x
}

func (x *scanIndex) indexClasses(st *state) {
	for c := range st.classes {
		cl := &st.classes[c]
		x.inProf[c] = cl.prof[Ingress-1]
		if x.inProf[c] < 0 {
			x.inProf[c] = int32(len(st.profiles.profs))
		}
		x.fams[c] = boolByte(cl.fams[0]) | boolByte(cl.fams[1])<<1
	}
}

// indexProfiles sums the all-peers rules of each ingress profile into its
// base and lists, per other rule, the profiles holding it.
func (x *scanIndex) indexProfiles(st *state) {
	x.inBase[len(st.profiles.profs)] = allID
	for p := range st.profiles.profs {
		for _, pr := range st.profiles.profs[p].rules {
			if pr.r.r.AllPeers {
				x.inBase[p] = st.pool.unionOf(x.inBase[p], pr.port)
			} else {
				x.profsOf[pr.r.id] = append(x.profsOf[pr.r.id], profPort{int32(p), pr.port})
			}
		}
	}
}

// indexPeers files every peer of every live ingress rule under what can
// match it: a block, the policy's namespace, or a namespace selector.
func (x *scanIndex) indexPeers(st *state) {
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
}

// eachPeerClass calls fn with every class rule r of policy p admits as its
// peer, and the families it does on (a class may come more than once).
func (st *state) eachPeerClass(p *cpol, r *crule, fn func(c int32, fams uint8)) {
	if r.r.AllPeers {
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
