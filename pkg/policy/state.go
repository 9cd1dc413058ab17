package policy

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// state is the cluster's policies compiled for evaluation by class:
// endpoints that every selector, ipBlock and named port treats alike share
// a class; every distinct selector is evaluated once per class (pod
// selectors) or per namespace (namespace selectors) into a bitset; and the
// policies selecting a class form its profile, whose rules are the only
// ones a pair involving the class reads. Engine builds a state once;
// Incremental edits one. Its memo tables make it unsafe for concurrent use.
type state struct {
	opts options
	sym  symtab
	pool *pool

	nsIndex map[string]int32
	nss     []nsState

	podSels selTable // bits over classes
	nsSels  selTable // bits over namespaces
	blocks  blockTable
	// projected are the label keys some pod selector reads: a class
	// keeps only those (other labels cannot tell its endpoints apart).
	// projKeys lists them with their names, by id.
	projected bitset
	projKeys  []projKey
	lsetTmp   lset // scratch of endpointKey

	pols     []*cpol // by id; nil once deleted
	polIndex map[string]int32
	rules    int32     // rule ids handed out
	ruleRefs []ruleRef // by rule id
	// podSelUsers lists, per pod selector, the rules with a peer using it
	// (deleted policies' rules included: check they are live).
	podSelUsers [][]int32

	classes    []class
	classIndex map[string]int32
	eps        []Endpoint
	classOf    []int32
	blocksOf   [][]int32 // per endpoint: the blocks it matches, sorted

	sigs     sigTable
	profiles profTable
	// portLists interns the port lists of rules naming ports: rules with
	// equal lists resolve alike. resolved memoizes (list, signature) ->
	// named ports resolved.
	portLists map[string]int32
	resolved  map[[2]int32]portID

	tiers *tierState // nil when the cluster has no cluster policies
}

// nsState is one namespace: its labels (with the name label), its
// selectable classes and its policies.
type nsState struct {
	name    string
	labels  lset
	classes []int32
	pols    []int32 // ascending
}

// cpol is a compiled policy with its selectors interned.
type cpol struct {
	id     int32
	c      *netpol.Policy
	ns     int32
	podSel int32
	rules  [2][]crule
	named  [2]bool // per direction: some rule names ports
}

// ruleRef locates a rule by id.
type ruleRef struct {
	pol *cpol
	r   *crule
	dir Direction
}

// crule is a rule with interned peers and its static ports interned.
type crule struct {
	id     int32
	r      *netpol.Rule
	peers  []cpeer
	static portID
	named  int32 // a rule naming ports: the id of its port list (see portLists)
}

// cpeer is an interned peer: an ipBlock (block >= 0), or pods by namespace
// selector (-1: the policy's namespace) and pod selector (-1: any pod).
type cpeer struct {
	block, nsSel, podSel int32
}

// class is a set of endpoints that behave alike.
type class struct {
	ns         int32 // -1 when not selectable
	selectable bool
	labels     lset // projected labels
	sig        int32
	blocks     []int32
	fams       [2]bool // has IPv4, IPv6 addresses (see families)
	key        string
	members    []int32    // never modified in place: diffs may hold it
	sel        [2][]int32 // policies selecting the class, per direction, ascending
	prof       [2]int32   // profile per direction; -1 when not isolated
}

func newState(o options) *state {
	return &state{
		opts: o, sym: newSymtab(), pool: newPool(),
		nsIndex: map[string]int32{}, podSels: newSelTable(), nsSels: newSelTable(),
		blocks: newBlockTable(), polIndex: map[string]int32{}, classIndex: map[string]int32{},
		sigs: newSigTable(), profiles: newProfTable(), portLists: map[string]int32{}, resolved: map[[2]int32]portID{},
	}
}

// build compiles c's policies for eps. compiled are the policies in input
// order (ids are their indexes).
func buildState(o options, c *model.Cluster, compiled []*netpol.Policy, eps []Endpoint) (*state, error) {
	st := newState(o)
	for _, ns := range c.Namespaces {
		st.setNamespaceLabels(ns.Name, ns.Labels)
	}
	for _, cp := range compiled {
		if _, err := st.addPolicy(cp); err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: %w", cp.ID, err)
		}
	}
	if err := st.newTierState(c); err != nil {
		return nil, err
	}
	st.eps = eps
	st.blocksOf = st.blocks.matchAll(eps, st.opts.ipBlockPods)
	st.classifyAll()
	st.evaluateAll()
	return st, nil
}

// namespace returns the id of namespace name, adding it (with only its name
// label, as the API server sets it) when unknown.
func (st *state) namespace(name string) int32 {
	if id, ok := st.nsIndex[name]; ok {
		return id
	}
	id := int32(len(st.nss))
	st.nsIndex[name] = id
	st.nss = append(st.nss, nsState{name: name, labels: st.nsLset(name, nil)})
	st.nsSels.grow(id, func(s *csel) bool { return s.matches(st.nss[id].labels) })
	return id
}

// nsLset is a namespace's labels plus the immutable name label:
// "The Kubernetes control plane sets an immutable label
// kubernetes.io/metadata.name on all namespaces".
func (st *state) nsLset(name string, l map[string]string) lset {
	m := make(map[string]string, len(l)+1)
	for k, v := range l {
		m[k] = v
	}
	m[model.NamespaceNameLabel] = name
	return st.sym.makeLset(m)
}

// setNamespaceLabels sets a namespace's labels and re-evaluates every
// namespace selector on it; it returns the selectors whose answer changed.
func (st *state) setNamespaceLabels(name string, l map[string]string) []int32 {
	id := st.namespace(name)
	ns := &st.nss[id]
	ns.labels = st.nsLset(name, l)
	if st.tiers != nil {
		st.tiers.stale = true
	}
	var changed []int32
	for s := range st.nsSels.sels {
		m := st.nsSels.sels[s].matches(ns.labels)
		if m != st.nsSels.bits[s].has(id) {
			changed = append(changed, int32(s))
			st.nsSels.bits[s].put(id, m)
		}
	}
	return changed
}

// evaluateAll fills every bitset, selection and profile from scratch.
func (st *state) evaluateAll() {
	n := len(st.classes)
	for s := range st.podSels.bits {
		st.podSels.bits[s] = newBitset(n)
	}
	x := st.newLabelIndex()
	for s := range st.podSels.sels {
		x.evaluate(&st.podSels.sels[s], st.podSels.bits[s])
	}
	st.sizeBlockBits()
	for c := range st.classes {
		for _, b := range st.classes[c].blocks {
			st.blocks.bits[b].set(int32(c))
		}
		st.selectClass(int32(c))
	}
}

// sizeBlockBits gives every block's bitset the words its last class needs
// (filling them one word at a time would copy them over and over).
func (st *state) sizeBlockBits() {
	last := make([]int32, len(st.blocks.bits))
	for c := range st.classes {
		for _, b := range st.classes[c].blocks {
			last[b] = int32(c) + 1
		}
	}
	for b, n := range last {
		if words := int(n+63) / 64; len(st.blocks.bits[b]) < words {
			st.blocks.bits[b] = append(make(bitset, 0, words), st.blocks.bits[b]...)[:words]
		}
	}
}

// evaluateClass sets class c's bit in every pod selector and its
// selections and profiles.
func (st *state) evaluateClass(c int32) {
	cl := &st.classes[c]
	for s := range st.podSels.sels {
		st.podSels.bits[s].put(c, cl.selectable && st.podSels.sels[s].matches(cl.labels))
	}
	for _, b := range cl.blocks {
		st.blocks.bits[b].set(c)
	}
	st.selectClass(c)
}

// selectClass recomputes which policies select class c, and its profiles.
func (st *state) selectClass(c int32) {
	cl := &st.classes[c]
	cl.sel = [2][]int32{}
	if cl.selectable {
		for _, pi := range st.nss[cl.ns].pols {
			p := st.pols[pi]
			if p == nil || !st.podSels.bits[p.podSel].has(c) {
				continue
			}
			if p.c.Isolates[netpol.IngressSide] {
				cl.sel[Ingress-1] = append(cl.sel[Ingress-1], pi)
			}
			if p.c.Isolates[netpol.EgressSide] {
				cl.sel[Egress-1] = append(cl.sel[Egress-1], pi)
			}
		}
	}
	st.profileClass(c)
}

// removeMember returns members without ep, in a new slice.
func removeMember(members []int32, ep int32) []int32 {
	i := slices.Index(members, ep)
	if i < 0 {
		return members
	}
	out := make([]int32, 0, len(members)-1)
	return append(append(out, members[:i]...), members[i+1:]...)
}
