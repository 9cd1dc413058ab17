package reach

import (
	"maps"
	"reflect"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// maxReplayedEdits bounds the object edits diffIncremental replays; past
// it, scanning both matrices is as cheap and simpler.
const maxReplayedEdits = 256

// diffIncremental computes Diff's changes by replaying the edits that
// turn before into after — NetworkPolicies and cluster policies added,
// replaced or deleted, namespaces relabelled, nodes relabelled, added or
// removed — on an
// incremental engine compiled from before (policy.Incremental), so that
// only the pairs an edit can affect are evaluated. It returns false when
// the states differ in more than maxReplayedEdits objects or in options;
// Diff then scans both matrices.
//
// The first edit that changes a pair reports what the pair allowed
// before any edit (edits before it left the pair alone); what it allows
// at the end is asked of the engine once every edit is applied.
func diffIncremental(before, after *Analysis, merged []mergedNode) ([]Change, bool, error) {
	if !before.opts.same(after.opts) {
		return nil, false, nil
	}
	beps, aeps := before.engine.Endpoints(), after.engine.Endpoints()
	var relabel, remove, add []int // merged positions
	for k, m := range merged {
		switch {
		case m.a < 0:
			remove = append(remove, k)
		case m.b < 0:
			add = append(add, k)
		default:
			b, a := &beps[before.nodes[m.b]], &aeps[after.nodes[m.a]]
			if !sameEndpoint(b, a) {
				remove, add = append(remove, k), append(add, k)
			} else if !maps.Equal(b.Labels, a.Labels) {
				relabel = append(relabel, k)
			}
		}
	}
	pols := policyEdits(before.cluster, after.cluster)
	nss := namespaceEdits(before.cluster, after.cluster)
	cps := clusterPolicyEdits(before.cluster, after.cluster)
	if len(relabel)+len(remove)+len(add)+len(pols)+len(nss)+len(cps) > maxReplayedEdits ||
		len(cps) > 0 && !reflect.DeepEqual(before.cluster.Nodes, after.cluster.Nodes) {
		return nil, false, nil // the engine's tiers read the Nodes' addresses as compiled
	}

	// The engine's endpoints are before's nodes, then after's added ones;
	// cur is the engine endpoint at each merged position (-1: none).
	eps := make([]policy.Endpoint, len(before.nodes))
	for i, n := range before.nodes {
		eps[i] = beps[n]
	}
	x, err := policy.NewIncremental(before.cluster, eps, policy.WithIPBlockPods(before.opts.ipBlockPods))
	if err != nil {
		return nil, false, err
	}
	pos := make([]int, len(eps)) // merged position of each engine endpoint
	cur := make([]int, len(merged))
	for k, m := range merged {
		cur[k] = -1
		if m.b >= 0 {
			cur[k], pos[m.b] = m.b, k
		}
	}
	r := replay{pos: pos, first: map[uint64]ports.Set{}}

	// Removals first, while every pair still answers as before.
	for _, k := range remove {
		i := cur[k]
		for o := range cur {
			if j := cur[o]; j >= 0 && j != i {
				r.note(k, o, x.Allowed(i, j))
				r.note(o, k, x.Allowed(j, i))
			}
		}
		x.RemoveEndpoint(i)
		cur[k] = -1
	}
	for _, k := range relabel {
		r.record(x.SetLabels(cur[k], aeps[after.nodes[merged[k].a]].Labels))
	}
	for _, ns := range nss {
		r.record(x.SetNamespaceLabels(ns.Name, ns.Labels))
	}
	for _, e := range pols {
		if e.after == nil {
			r.record(x.DeletePolicy(e.before.NetworkPolicy.Namespace, e.before.NetworkPolicy.Name))
			continue
		}
		d, err := x.SetPolicy(*e.after)
		if err != nil {
			return nil, false, err
		}
		r.record(d)
	}
	for _, e := range cps {
		var d policy.Delta
		if e.after == nil {
			d, err = x.DeleteClusterPolicy(e.before.ID())
		} else {
			d, err = x.SetClusterPolicy(*e.after)
		}
		if err != nil {
			return nil, false, err
		}
		r.record(d)
	}
	// Additions last: each pair of theirs allowed nothing before.
	for _, k := range add {
		i, _ := x.AddEndpoint(aeps[after.nodes[merged[k].a]])
		cur[k] = i
		for o := range cur {
			if cur[o] >= 0 && o != k {
				r.note(k, o, ports.Set{})
				r.note(o, k, ports.Set{})
			}
		}
	}

	// Pairs of two externals are not connections (Analysis.Pairs).
	external := func(m mergedNode) bool {
		if m.b >= 0 {
			return beps[before.nodes[m.b]].IsExternal()
		}
		return aeps[after.nodes[m.a]].IsExternal()
	}
	out := make([]Change, 0, len(r.first))
	for _, key := range slices.Sorted(maps.Keys(r.first)) {
		from, to := int(key>>32), int(uint32(key))
		if from == to || external(merged[from]) && external(merged[to]) {
			continue
		}
		was := r.first[key]
		var now ports.Set
		if i, j := cur[from], cur[to]; i >= 0 && j >= 0 {
			now = x.Allowed(i, j)
		}
		if !was.Equal(now) {
			out = append(out, Change{From: merged[from].id, To: merged[to].id, Before: was, After: now,
				Lost: was.Subtract(now), Gained: now.Subtract(was)})
		}
	}
	return out, true, nil
}

// replay collects, per pair of merged positions, what the first edit
// that touched it says the pair allowed before.
type replay struct {
	pos   []int // merged position of each of before's endpoints
	first map[uint64]ports.Set
}

func (r *replay) note(from, to int, before ports.Set) {
	k := uint64(from)<<32 | uint64(to)
	if _, seen := r.first[k]; !seen {
		r.first[k] = before
	}
}

// record notes the pairs of an edit's delta (an edit of labels or
// policies: it adds or removes no endpoint, and comes before additions).
func (r *replay) record(d policy.Delta) {
	pos := r.pos
	for _, c := range d.Changes {
		for _, a := range c.From {
			for _, b := range c.To {
				if a != b {
					r.note(pos[a], pos[b], c.Before)
				}
			}
		}
	}
}

// sameEndpoint reports whether two endpoints of one ID differ at most in
// their labels.
func sameEndpoint(b, a *policy.Endpoint) bool {
	return b.Namespace == a.Namespace && b.Name == a.Name && b.Kind == a.Kind &&
		b.HostNetwork == a.HostNetwork && b.Single == a.Single && b.Prefix == a.Prefix &&
		slices.Equal(b.Ports, a.Ports) && slices.Equal(b.IPs, a.IPs)
}

// objectEdit is an object only in before (after nil), only in after
// (before nil), or in both and different.
type objectEdit[T any] struct {
	before, after *T
}

// objectEdits lists the objects of after that are new or differ (same
// says whether two of one ID are alike), in after's order, then those
// only in before, by ID.
func objectEdits[T any](before, after []T, id func(*T) string, same func(b, a *T) bool) []objectEdit[T] {
	old := make(map[string]*T, len(before))
	for i := range before {
		old[id(&before[i])] = &before[i]
	}
	var out []objectEdit[T]
	for i := range after {
		p := &after[i]
		o, ok := old[id(p)]
		delete(old, id(p))
		if !ok || !same(o, p) {
			out = append(out, objectEdit[T]{o, p})
		}
	}
	for _, k := range slices.Sorted(maps.Keys(old)) {
		out = append(out, objectEdit[T]{before: old[k]})
	}
	return out
}

// policyEdits lists the NetworkPolicies added, deleted, or whose spec
// changed.
func policyEdits(before, after *model.Cluster) []objectEdit[model.Policy] {
	return objectEdits(before.Policies, after.Policies, (*model.Policy).ID, func(b, a *model.Policy) bool {
		return reflect.DeepEqual(b.NetworkPolicy.Spec, a.NetworkPolicy.Spec)
	})
}

// clusterPolicyEdits lists the cluster policies added, deleted, or whose
// object changed (its source aside).
func clusterPolicyEdits(before, after *model.Cluster) []objectEdit[model.ClusterPolicy] {
	return objectEdits(before.ClusterPolicies, after.ClusterPolicies, (*model.ClusterPolicy).ID, func(b, a *model.ClusterPolicy) bool {
		return reflect.DeepEqual(b.CNP, a.CNP) && reflect.DeepEqual(b.ANP, a.ANP) && reflect.DeepEqual(b.BANP, a.BANP)
	})
}

// namespaceEdits lists the namespaces of after that are new or have other
// labels (a namespace only in before has no node left).
func namespaceEdits(before, after *model.Cluster) []model.Namespace {
	old := make(map[string]map[string]string, len(before.Namespaces))
	for _, ns := range before.Namespaces {
		old[ns.Name] = ns.Labels
	}
	var out []model.Namespace
	for _, ns := range after.Namespaces {
		if l, ok := old[ns.Name]; !ok || !maps.Equal(l, ns.Labels) {
			out = append(out, ns)
		}
	}
	return out
}
