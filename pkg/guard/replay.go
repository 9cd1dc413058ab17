package guard

import (
	"errors"
	"fmt"
	"slices"
	"sync"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// replayer counts the connections a NetworkPolicy edit removes on an
// incremental engine kept with the state (policy.Incremental over the
// matrix nodes, as reach.Diff compiles one per call): the edit is applied,
// the pairs its delta names are compared, and the edit is undone. One
// review at a time uses it.
type replayer struct {
	mu    sync.Mutex
	x     *policy.Incremental
	a     *reach.Analysis
	nodes []int // engine endpoint of each of x's endpoints
	ext   []bool
}

// newReplayer compiles the nodes of a (analysed with ipBlocks matching
// pod IPs or not, as ipBlockPods says).
func newReplayer(a *reach.Analysis, ipBlockPods bool) (*replayer, error) {
	all := a.Engine().Endpoints()
	r := &replayer{a: a}
	eps := make([]policy.Endpoint, 0, len(all))
	for _, n := range a.Nodes() {
		i, ok := a.EndpointIndex(n.ID)
		if !ok {
			return nil, fmt.Errorf("node %s has no endpoint", n.ID)
		}
		r.nodes = append(r.nodes, i)
		r.ext = append(r.ext, all[i].IsExternal())
		eps = append(eps, all[i])
	}
	x, err := policy.NewIncremental(a.Cluster(), eps, policy.WithIPBlockPods(ipBlockPods))
	if err != nil {
		return nil, err
	}
	r.x = x
	return r, nil
}

// policyEdit says which NetworkPolicy r replaces in c: the old one (nil
// for a create) and the new one (nil for a delete); ok is false when r is
// not a NetworkPolicy edit.
func policyEdit(before, after *model.Cluster, r Request) (old, new *model.Policy, ok bool) {
	if r.Kind != "NetworkPolicy" {
		return nil, nil, false
	}
	find := func(c *model.Cluster) *model.Policy {
		i := slices.IndexFunc(c.Policies, func(p model.Policy) bool {
			return p.NetworkPolicy.Namespace == r.Namespace && p.NetworkPolicy.Name == r.Name
		})
		if i < 0 {
			return nil
		}
		return &c.Policies[i]
	}
	return find(before), find(after), true
}

// hasIPBlock reports whether p has an ipBlock peer: its boundaries may
// cut the external nodes otherwise than the state's, which only analyses
// of both states can compare.
func hasIPBlock(p *model.Policy) bool {
	if p == nil {
		return false
	}
	for _, r := range p.NetworkPolicy.Spec.Ingress {
		for _, pe := range r.From {
			if pe.IPBlock != nil {
				return true
			}
		}
	}
	for _, r := range p.NetworkPolicy.Spec.Egress {
		for _, pe := range r.To {
			if pe.IPBlock != nil {
				return true
			}
		}
	}
	return false
}

// errLost says the replayer no longer holds its state (an undo failed):
// the guard judges on full analyses instead.
var errLost = errors.New("the incremental engine was lost undoing an edit")

// removed counts the ordered node pairs that lose a port when old becomes
// new (Diff's count: two externals are no pair; ports as the mesh makes
// them arrive). The edit is undone after the count is returned, off the
// answer's path; the next edit waits for it.
func (r *replayer) removed(old, new *model.Policy) (int, error) {
	r.mu.Lock()
	if r.x == nil {
		r.mu.Unlock()
		return 0, errLost
	}
	n, err := r.count(old, new)
	if err != nil {
		r.mu.Unlock()
		return 0, err
	}
	go func() {
		defer r.mu.Unlock()
		r.undo(old, new)
	}()
	return n, nil
}

// count applies the edit and counts the pairs it makes lose a port.
func (r *replayer) count(old, new *model.Policy) (int, error) {
	var d policy.Delta
	if new != nil {
		var err error
		if d, err = r.x.SetPolicy(*new); err != nil {
			return 0, err // compiled before anything changed
		}
	} else {
		d = r.x.DeletePolicy(old.NetworkPolicy.Namespace, old.NetworkPolicy.Name)
	}
	type pair struct{ s, d int32 }
	was := map[pair]ports.Set{}
	for _, c := range d.Changes {
		for _, s := range c.From {
			for _, t := range c.To {
				if _, seen := was[pair{s, t}]; !seen && s != t && !(r.ext[s] && r.ext[t]) {
					was[pair{s, t}] = c.Before
				}
			}
		}
	}
	n := 0
	for p, before := range was {
		now := r.x.Allowed(int(p.s), int(p.d))
		if before.Subtract(now).IsEmpty() {
			continue // Arrived is monotone: nothing can be lost
		}
		s, t := r.nodes[p.s], r.nodes[p.d]
		if !r.a.Arrived(s, t, before).Subtract(r.a.Arrived(s, t, now)).IsEmpty() {
			n++
		}
	}
	return n, nil
}

// undo puts the engine back in the state's answers; if it cannot, the
// engine is dropped (never answer for a state it no longer holds).
func (r *replayer) undo(old, new *model.Policy) {
	if old == nil {
		r.x.DeletePolicy(new.NetworkPolicy.Namespace, new.NetworkPolicy.Name)
		return
	}
	if _, err := r.x.SetPolicy(*old); err != nil {
		r.x = nil
	}
}
