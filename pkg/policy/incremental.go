package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// Incremental is a long-lived engine for a cluster that changes one object
// at a time (the live mode's watch loop, what-if overlays). Each edit
// re-evaluates only what it can affect: the classes a changed policy
// selects against the classes its peers match, the rules whose peers tell a
// relabelled pod's old and new classes apart, the namespace selectors a
// relabelled namespace flips. It returns the Delta: which pairs changed.
//
// Its answers are always those of New on the edited cluster. It is not
// safe for concurrent use.
type Incremental struct {
	st *state
}

// Delta is what one edit changed.
type Delta struct {
	// Changes are the pairs of endpoints whose allowed ports changed, by
	// blocks of pairs that changed alike.
	Changes []Change
	// Added and Removed are endpoints added or removed: every pair
	// involving them changed from or to nothing (Allowed answers for the
	// added ones; they are not in Changes).
	Added, Removed []int
}

// Change is a block of ordered pairs (a, b), a in From and b in To, that
// now allow After instead of Before. A pair of an endpoint with itself is
// not in it when the endpoint is Single (a pod always reaches itself).
// From and To are shared: do not modify.
type Change struct {
	From, To      []int32
	Before, After ports.Set
}

// Pairs counts the pairs of the delta's changes.
func (d *Delta) Pairs(eps []Endpoint) int {
	n := 0
	for _, c := range d.Changes {
		n += len(c.From) * len(c.To)
		for _, a := range c.From {
			if eps[a].Single && slices.Contains(c.To, a) {
				n--
			}
		}
	}
	return n
}

// NewIncremental compiles c's policies for eps (which it copies).
func NewIncremental(c *model.Cluster, eps []Endpoint, opts ...Option) (*Incremental, error) {
	o := makeOptions(opts)
	var cps []*compiled
	for i := range c.Policies {
		cp, err := compile(&c.Policies[i])
		if err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: %w", c.Policies[i].ID(), err)
		}
		cps = append(cps, cp)
	}
	st, err := buildState(o, c, cps, slices.Clone(eps))
	if err != nil {
		return nil, err
	}
	return &Incremental{st: st}, nil
}

// Endpoints returns the endpoints, removed ones included. Do not modify.
func (x *Incremental) Endpoints() []Endpoint { return x.st.eps }

// Classes returns the number of classes (some may have no endpoint left).
func (x *Incremental) Classes() int { return len(x.st.classes) }

// Allowed returns the ports endpoint src may open to endpoint dst; nothing
// when either was removed.
func (x *Incremental) Allowed(src, dst int) ports.Set {
	st := x.st
	cs, cd := st.classOf[src], st.classOf[dst]
	switch {
	case cs < 0 || cd < 0:
		return ports.Set{}
	case src == dst && st.eps[src].Single:
		return ports.All()
	}
	return st.pool.set(st.allowed(cs, cd))
}

// SetPolicy adds p, or replaces the policy of the same namespace and name.
func (x *Incremental) SetPolicy(p model.Policy) (Delta, error) {
	cp, err := compile(&p)
	if err != nil {
		return Delta{}, fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	st := x.st
	np, err := st.stagePolicy(cp)
	if err != nil {
		return Delta{}, fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	var old *cpol
	if id, ok := st.polIndex[cp.id]; ok {
		old = st.pols[id]
	}
	return x.swap(old, np), nil
}

// DeletePolicy removes the policy namespace/name; deleting an unknown
// policy changes nothing.
func (x *Incremental) DeletePolicy(namespace, name string) Delta {
	id, ok := x.st.polIndex[namespace+"/"+name]
	if !ok {
		return Delta{}
	}
	return x.swap(x.st.pols[id], nil)
}

// swap replaces policy old by the staged policy new (either may be nil):
// it evaluates the pairs they can affect before and after.
func (x *Incremental) swap(old, new *cpol) Delta {
	st := x.st
	pairs := x.policyPairs(old, new)
	before := st.evalPairs(pairs, nil)
	var touched []int32
	for _, p := range []*cpol{old, new} {
		if p != nil {
			touched = append(touched, st.selectedBy(p)...)
		}
	}
	if old != nil {
		st.deactivate(old)
	}
	if new != nil {
		st.activate(new)
	}
	for _, c := range uniq(touched) {
		st.selectClass(c)
	}
	return Delta{Changes: st.changes(pairs, before)}
}

// policyPairs lists the class pairs policies old and new can decide: for
// ingress, the classes either selects against the classes their ingress
// peers match (every class when the selection of some class for ingress
// begins or ends with them); likewise for egress.
func (x *Incremental) policyPairs(old, new *cpol) []uint64 {
	st := x.st
	var out []uint64
	for d := range 2 {
		var sel []int32
		var peers peerSet
		for _, p := range []*cpol{old, new} {
			if p == nil || !p.has(Direction(d+1)) {
				continue
			}
			sel = append(sel, st.selectedBy(p)...)
			st.rulePeers(p, d, &peers)
		}
		sel = uniq(sel)
		for _, c := range sel {
			if st.togglesIsolation(c, d, old, new) {
				peers.all = true
			}
		}
		others := peers.classes(st)
		for _, c := range sel {
			for _, o := range others {
				if d == int(Ingress-1) {
					out = append(out, pairOf(o, c))
				} else {
					out = append(out, pairOf(c, o))
				}
			}
		}
	}
	return uniqPairs(out)
}

// togglesIsolation reports whether swapping old for new makes class c
// isolated, or no longer isolated, in direction d.
func (st *state) togglesIsolation(c int32, d int, old, new *cpol) bool {
	before := len(st.classes[c].sel[d]) > 0
	after := false
	for _, pi := range st.classes[c].sel[d] {
		if old == nil || pi != old.id {
			after = true
		}
	}
	if new != nil && new.has(Direction(d+1)) && st.selects(new, c) {
		after = true
	}
	return before != after
}

func (p *cpol) has(d Direction) bool {
	if d == Ingress {
		return p.c.ingress
	}
	return p.c.egress
}

// selects reports whether policy p's pod selector picks class c.
func (st *state) selects(p *cpol, c int32) bool {
	cl := &st.classes[c]
	return cl.selectable && cl.ns == p.ns && st.podSels.bits[p.podSel].has(c)
}

// selectedBy lists the live classes p selects (whatever its types).
func (st *state) selectedBy(p *cpol) []int32 {
	var out []int32
	for _, c := range st.nss[p.ns].classes {
		if len(st.classes[c].members) > 0 && st.selects(p, c) {
			out = append(out, c)
		}
	}
	return out
}

// peerSet collects classes, or all of them.
type peerSet struct {
	all  bool
	list []int32
}

// rulePeers adds the classes the rules of p in direction d admit as peers.
func (st *state) rulePeers(p *cpol, d int, ps *peerSet) {
	for i := range p.rules[d] {
		r := &p.rules[d][i]
		if r.r.allPeers {
			ps.all = true
			return
		}
		st.eachPeerClass(p, r, func(c int32, _ uint8) { ps.list = append(ps.list, c) })
	}
}

func (ps *peerSet) classes(st *state) []int32 {
	if !ps.all {
		return uniq(ps.list)
	}
	return st.liveClasses()
}

// liveClasses lists the classes that have endpoints.
func (st *state) liveClasses() []int32 {
	var out []int32
	for c := range st.classes {
		if len(st.classes[c].members) > 0 {
			out = append(out, int32(c))
		}
	}
	return out
}

func pairOf(s, d int32) uint64      { return uint64(uint32(s))<<32 | uint64(uint32(d)) }
func unpair(p uint64) (s, d int32) { return int32(p >> 32), int32(uint32(p)) }

func uniq(xs []int32) []int32 {
	slices.Sort(xs)
	return slices.Compact(xs)
}

func uniqPairs(xs []uint64) []uint64 {
	slices.Sort(xs)
	return slices.Compact(xs)
}

// evalPairs evaluates class pairs into out.
func (st *state) evalPairs(pairs []uint64, out []portID) []portID {
	out = slices.Grow(out[:0], len(pairs))
	for _, p := range pairs {
		s, d := unpair(p)
		out = append(out, st.allowed(s, d))
	}
	return out
}

// changes re-evaluates pairs and returns those that differ from before.
func (st *state) changes(pairs []uint64, before []portID) []Change {
	var out []Change
	for i, p := range pairs {
		s, d := unpair(p)
		if after := st.allowed(s, d); after != before[i] {
			out = append(out, Change{From: st.classes[s].members, To: st.classes[d].members,
				Before: st.pool.set(before[i]), After: st.pool.set(after)})
		}
	}
	return out
}

// SetNamespaceLabels sets the labels of a namespace (added when unknown).
func (x *Incremental) SetNamespaceLabels(name string, labels map[string]string) Delta {
	st := x.st
	id := st.namespace(name)
	next := st.nsLset(name, labels)
	var flipped []int32
	for s := range st.nsSels.sels {
		if st.nsSels.sels[s].matches(next) != st.nsSels.bits[s].has(id) {
			flipped = append(flipped, int32(s))
		}
	}
	if len(flipped) == 0 {
		st.nss[id].labels = next
		return Delta{}
	}
	pairs := st.namespacePairs(id, flipped)
	before := st.evalPairs(pairs, nil)
	st.setNamespaceLabels(name, labels)
	return Delta{Changes: st.changes(pairs, before)}
}

// namespacePairs lists the class pairs a flip of namespace selectors on
// namespace ns can change: the classes of ns as peers of the rules that use
// those selectors, against the classes those rules' policies select.
func (st *state) namespacePairs(ns int32, flipped []int32) []uint64 {
	var out []uint64
	var local []int32
	for _, c := range st.nss[ns].classes {
		if len(st.classes[c].members) > 0 {
			local = append(local, c)
		}
	}
	for _, ref := range st.ruleRefs {
		if ref.pol == nil || st.pols[ref.pol.id] != ref.pol || !ref.r.uses(flipped) {
			continue
		}
		for _, c := range st.selectedBy(ref.pol) {
			if len(st.classes[c].sel[ref.dir-1]) == 0 || !slices.Contains(st.classes[c].sel[ref.dir-1], ref.pol.id) {
				continue
			}
			for _, o := range local {
				if ref.dir == Ingress {
					out = append(out, pairOf(o, c))
				} else {
					out = append(out, pairOf(c, o))
				}
			}
		}
	}
	return uniqPairs(out)
}

// uses reports whether a peer of r uses one of the namespace selectors.
func (r *crule) uses(nsSels []int32) bool {
	for _, pe := range r.peers {
		if pe.block < 0 && pe.nsSel >= 0 && slices.Contains(nsSels, pe.nsSel) {
			return true
		}
	}
	return false
}

// SetLabels sets the labels of endpoint ep (a pod relabelled).
func (x *Incremental) SetLabels(ep int, labels map[string]string) Delta {
	st := x.st
	from := st.classOf[ep]
	st.eps[ep].Labels = maps.Clone(labels)
	if from < 0 {
		return Delta{}
	}
	to := st.place(int32(ep))
	if to == from {
		return Delta{}
	}
	return Delta{Changes: st.moveChanges(int32(ep), from, to)}
}

// AddEndpoint adds an endpoint and returns its index.
func (x *Incremental) AddEndpoint(ep Endpoint) (int, Delta) {
	st := x.st
	i := int32(len(st.eps))
	st.eps = append(st.eps, ep)
	st.classOf = append(st.classOf, -1)
	st.blocksOf = append(st.blocksOf, st.blocks.matching(&st.eps[i], st.opts.ipBlockPods))
	st.place(i)
	return int(i), Delta{Added: []int{int(i)}}
}

// RemoveEndpoint removes endpoint ep (its index stays taken).
func (x *Incremental) RemoveEndpoint(ep int) Delta {
	st := x.st
	c := st.classOf[ep]
	if c < 0 {
		return Delta{}
	}
	st.classes[c].members = removeMember(st.classes[c].members, int32(ep))
	st.classOf[ep] = -1
	return Delta{Removed: []int{ep}}
}

// place moves endpoint i to the class its key names, creating and
// evaluating that class when new, and returns it.
func (st *state) place(i int32) int32 {
	key := st.endpointKey(nil, i)
	_, known := st.classIndex[string(key)]
	to := st.classFor(key, i)
	if !known {
		st.evaluateClass(to)
	}
	if from := st.classOf[i]; from >= 0 {
		st.classes[from].members = removeMember(st.classes[from].members, i)
	}
	st.classes[to].members = append(st.classes[to].members, i)
	st.classOf[i] = to
	return to
}
