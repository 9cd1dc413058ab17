package guard

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"sync"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// replayer judges a NetworkPolicy or cluster policy edit on an
// incremental engine kept with the state (policy.Incremental over the
// endpoints of the state's analysis): the edit is applied (a cluster
// policy edit on a new engine), the pairs its delta names are compared,
// the mesh check lines it can change are judged again on the engine's
// view (check.Rechecker), and a NetworkPolicy edit is undone. One review
// at a time uses it.
type replayer struct {
	mu   sync.Mutex
	x    *policy.Incremental
	a    *reach.Analysis
	node []bool // per endpoint: a matrix node (Diff counts node pairs)
	ext  []bool
}

// newReplayer compiles the endpoints of a (analysed with ipBlocks
// matching pod IPs or not, as ipBlockPods says).
func newReplayer(a *reach.Analysis, ipBlockPods bool) (*replayer, error) {
	eps := a.Engine().Endpoints()
	r := &replayer{a: a, node: make([]bool, len(eps)), ext: make([]bool, len(eps))}
	for _, n := range a.Nodes() {
		i, ok := a.EndpointIndex(n.ID)
		if !ok {
			return nil, fmt.Errorf("node %s has no endpoint", n.ID)
		}
		r.node[i], r.ext[i] = true, eps[i].IsExternal()
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
// cut the external nodes otherwise than the state's (reach.SameCuts),
// which only analyses of both states can compare.
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

// clusterPolicyEdit says which cluster policy r replaces in before
// (after is before with r applied); ok is false when r is not a cluster
// policy edit, or changes something else too (an object of a version
// podreach keeps unevaluated).
func clusterPolicyEdit(before, after *model.Cluster, r Request) (e check.ClusterPolicyEdit, ok bool) {
	if !policyKind(r) || !slices.Contains(TierKinds, r.Kind) || !reflect.DeepEqual(before.Unevaluated, after.Unevaluated) ||
		len(before.MeshPolicies) != len(after.MeshPolicies) {
		return e, false
	}
	find := func(c *model.Cluster) *model.ClusterPolicy {
		i := slices.IndexFunc(c.ClusterPolicies, func(p model.ClusterPolicy) bool { return r.sameTier(&p) })
		if i < 0 {
			return nil
		}
		return &c.ClusterPolicies[i]
	}
	e.Old, e.New = find(before), find(after)
	return e, e.Old != nil || e.New != nil
}

// errLost says the replayer no longer holds its state (an undo failed):
// the guard judges on full analyses instead.
var errLost = errors.New("the incremental engine was lost undoing an edit")

// judge applies the edit old → new (after is the cluster with it), counts
// the ordered node pairs that lose a port (Diff's count: two externals
// are no pair; ports as the application can use them) and, when recheck is
// not nil, runs it on the engine's view of after. The edit is undone after
// the answer is returned, off its path; the next edit waits for it.
func (r *replayer) judge(after *model.Cluster, old, new *model.Policy, recheck func(*policy.Engine) (*check.Report, error)) (int, *check.Report, error) {
	r.mu.Lock()
	if r.x == nil {
		r.mu.Unlock()
		return 0, nil, errLost
	}
	n, err := r.count(old, new)
	if err != nil {
		r.mu.Unlock()
		return 0, nil, err // compiled before anything changed
	}
	defer func() {
		go func() {
			defer r.mu.Unlock()
			r.undo(old, new)
		}()
	}()
	if recheck == nil {
		return n, nil, nil
	}
	v, err := r.x.View(after.Policies)
	if err != nil {
		return 0, nil, err
	}
	rep, err := recheck(v)
	return n, rep, err
}

// count applies the edit and counts the pairs it makes lose a port.
func (r *replayer) count(old, new *model.Policy) (int, error) {
	var d policy.Delta
	if new != nil {
		var err error
		if d, err = r.x.SetPolicy(*new); err != nil {
			return 0, err
		}
	} else {
		d = r.x.DeletePolicy(old.NetworkPolicy.Namespace, old.NetworkPolicy.Name)
	}
	return r.lost(d), nil
}

// judgeTier is judge for a cluster policy edit, made on a new engine
// (policy.Incremental.WithClusterPolicy): r's engine is left as it is,
// nothing is undone. An error says the edit could not be made on the
// engine (a policy that does not compile): only a full analysis can say
// what it does.
func (r *replayer) judgeTier(after *model.Cluster, e check.ClusterPolicyEdit, recheck func(*policy.Engine) (*check.Report, error)) (int, *check.Report, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.x == nil {
		return 0, nil, errLost
	}
	var y *policy.Incremental
	var d policy.Delta
	var err error
	if e.New != nil {
		y, d, err = r.x.WithClusterPolicy(*e.New)
	} else {
		y, d, err = r.x.WithoutClusterPolicy(e.Old.ID())
	}
	if err != nil {
		return 0, nil, err
	}
	v, err := y.View(after.Policies)
	if err != nil {
		return 0, nil, err
	}
	rep, err := recheck(v)
	return r.lost(d), rep, err
}

// lost counts the node pairs d makes lose a port.
func (r *replayer) lost(d policy.Delta) int {
	n := 0
	for _, c := range d.Changes {
		// The block's pairs allow After now: they lose lost, and what
		// the application can use of Before and not of After is Usable of
		// lost (reach.Analysis.Usable: the mesh's transport maps the
		// ports outside its range as they are and the range as a whole
		// when its wire port is in the set; Linkerd refuses per port).
		lost := c.Before.Subtract(c.After)
		if lost.IsEmpty() {
			continue
		}
		for _, s := range c.From {
			if !r.node[s] {
				continue
			}
			for _, t := range c.To {
				if s != t && r.node[t] && !(r.ext[s] && r.ext[t]) && !r.a.Usable(int(s), int(t), lost).IsEmpty() {
					n++
				}
			}
		}
	}
	return n
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
