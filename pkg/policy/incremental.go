package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/ports"
)

// Incremental is a long-lived engine for a cluster that changes one object
// at a time (the live mode's watch loop, what-if overlays, diff). Each edit
// re-evaluates only what it can affect: the classes a changed policy
// selects against the classes its peers match (only the side of the pair
// the policy decides), the pairs of a relabelled pod's old and new class,
// the rules using a relabelled namespace's selectors.
type Incremental struct {
	st    *state
	memo  egressMemo // scratch of swap
	pairs []uint64   // scratch of policyPairs
	// What rebuilding the state for a cluster policy edit needs
	// (incremental_tiers.go): the cluster policies, the Nodes, the
	// namespaces' labels as set.
	cps      []model.ClusterPolicy
	nodes    []model.Node
	nsLabels map[string]map[string]string
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
	cps, err := netpol.CompileAll(c.Policies)
	if err != nil {
		return nil, err
	}
	st, err := buildState(o, c, cps, slices.Clone(eps))
	if err != nil {
		return nil, err
	}
	x := &Incremental{st: st, cps: slices.Clone(c.ClusterPolicies), nodes: c.Nodes, nsLabels: map[string]map[string]string{}}
	for _, ns := range c.Namespaces {
		x.nsLabels[ns.Name] = ns.Labels
	}
	return x, nil
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
	cp, err := netpol.Compile(&p, nil)
	if err != nil {
		return Delta{}, fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	st := x.st
	np, err := st.stagePolicy(cp)
	if err != nil {
		return Delta{}, fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	var old *cpol
	if id, ok := st.polIndex[cp.ID]; ok {
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
	ev := st.evalBefore(x.policyPairs(old, new), st.editSides(old, new), &x.memo)
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
	return Delta{Changes: st.changes(ev)}
}

// SetNamespaceLabels sets the labels of a namespace (added when unknown).
func (x *Incremental) SetNamespaceLabels(name string, labels map[string]string) Delta {
	st := x.st
	x.nsLabels[name] = maps.Clone(labels)
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
	ev := st.evalBefore(st.namespacePairs(id, flipped), nil, nil)
	st.setNamespaceLabels(name, labels)
	return Delta{Changes: st.changes(ev)}
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
