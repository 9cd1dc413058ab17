package policy

import (
	"fmt"
	"maps"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// This file is what the incremental engine does about cluster policy
// tiers: a pod relabelled or a namespace relabelled where a tier selector
// tells the before and after apart re-evaluates the moved endpoint's (the
// namespace's classes') pairs with every class; a cluster policy added,
// replaced or deleted recompiles the state (its selectors and addresses
// are part of the class keys) and compares, before and after, the pairs
// whose destination (ingress) or source (egress) the policy's subject
// selects, before or after the edit: no other pair can change.

// tierSameProfile reports whether classes a and b have the same tier
// profile in direction d (true without tiers).
func (st *state) tierSameProfile(a, b int32, d Direction) bool {
	t := st.tiers
	if t == nil {
		return true
	}
	st.tierRefresh()
	return t.prof[d.side()][a] == t.prof[d.side()][b]
}

// tierAlike reports whether the tiers treat classes a and b alike: same
// profiles and, on every family, same keys.
func (st *state) tierAlike(a, b int32) bool {
	t := st.tiers
	if t == nil {
		return true
	}
	st.tierRefresh()
	for side := range t.prof {
		if t.prof[side][a] != t.prof[side][b] {
			return false
		}
	}
	for fi := range t.key {
		if t.key[fi][a] != t.key[fi][b] {
			return false
		}
	}
	return true
}

// usesNamespaceSelector reports whether a tier subject or peer uses one
// of the namespace selectors (false without tiers).
func (t *tierState) usesNamespaceSelector(sels []int32) bool {
	if t == nil {
		return false
	}
	for _, s := range t.subj {
		if slices.Contains(sels, s.ns) {
			return true
		}
	}
	for _, a := range t.atoms {
		if a.ns >= 0 && slices.Contains(sels, a.ns) {
			return true
		}
	}
	return false
}

// SetClusterPolicy adds p (a ClusterNetworkPolicy, AdminNetworkPolicy or
// BaselineAdminNetworkPolicy), or replaces the one of the same kind and
// name. On error nothing changed.
func (x *Incremental) SetClusterPolicy(p model.ClusterPolicy) (Delta, error) {
	y, d, err := x.WithClusterPolicy(p)
	if err == nil {
		*x = *y
	}
	return d, err
}

// DeleteClusterPolicy removes the cluster policy of ID "kind/name" (as
// model.ClusterPolicy.ID); deleting an unknown one changes nothing. The
// remaining policies compiled before, so an error is not expected; on
// error nothing changed.
func (x *Incremental) DeleteClusterPolicy(id string) (Delta, error) {
	y, d, err := x.WithoutClusterPolicy(id)
	if err == nil {
		*x = *y
	}
	return d, err
}

// WithClusterPolicy returns a new engine answering as x would after
// SetClusterPolicy(p), and the delta, leaving x as it is: a cluster
// policy edit compiles a new state anyway, so the copy costs nothing
// more, and nothing needs undoing. The two engines share nothing they
// edit.
func (x *Incremental) WithClusterPolicy(p model.ClusterPolicy) (*Incremental, Delta, error) {
	cps := slices.Clone(x.cps)
	if i := slices.IndexFunc(cps, func(q model.ClusterPolicy) bool { return q.ID() == p.ID() }); i >= 0 {
		cps[i] = p
	} else {
		cps = append(cps, p)
	}
	return x.retier(cps, p.ID())
}

// WithoutClusterPolicy is WithClusterPolicy for DeleteClusterPolicy(id):
// x itself when there is no such policy.
func (x *Incremental) WithoutClusterPolicy(id string) (*Incremental, Delta, error) {
	i := slices.IndexFunc(x.cps, func(q model.ClusterPolicy) bool { return q.ID() == id })
	if i < 0 {
		return x, Delta{}, nil
	}
	y, d, err := x.retier(slices.Delete(slices.Clone(x.cps), i, i+1), id)
	if err != nil {
		return nil, Delta{}, fmt.Errorf("removing %s: %w", id, err)
	}
	return y, d, nil
}

// retier returns an engine for x's state rebuilt with the cluster
// policies cps (id the one edited), and what changed.
func (x *Incremental) retier(cps []model.ClusterPolicy, id string) (*Incremental, Delta, error) {
	old := x.st
	c := &model.Cluster{ClusterPolicies: cps, Nodes: x.nodes}
	for _, ns := range old.nss {
		c.Namespaces = append(c.Namespaces, model.Namespace{Name: ns.name, Labels: x.nsLabels[ns.name]})
	}
	var live []*netpol.Policy
	for _, p := range old.pols {
		if p != nil {
			live = append(live, p.c)
		}
	}
	st, err := buildState(old.opts, c, live, slices.Clone(old.eps))
	if err != nil {
		return nil, Delta{}, err
	}
	for ep, cl := range old.classOf {
		if cl < 0 { // removed
			nc := st.classOf[ep]
			st.classes[nc].members = removeMember(st.classes[nc].members, int32(ep))
			st.classOf[ep] = -1
		}
	}
	y := &Incremental{st: st, cps: cps, nodes: x.nodes, nsLabels: maps.Clone(x.nsLabels)}
	return y, Delta{Changes: tierEditChanges(old, st, id)}, nil
}

// tierEditChanges compares the answers of states old and st (the same
// endpoints, one cluster policy id edited) on the pairs the policy can
// decide: endpoints are grouped by their class in both states, and a
// pair of groups is evaluated when the policy is in the tier profile of
// the destination's group for ingress or of the source's for egress,
// before or after.
func tierEditChanges(old, st *state, id string) []Change {
	type cell struct{ o, n int32 }
	index := map[cell]int{}
	var cells []cell
	var members [][]int32
	for ep, n := range st.classOf {
		if n < 0 {
			continue
		}
		k := cell{old.classOf[ep], n}
		i, ok := index[k]
		if !ok {
			i = len(cells)
			index[k] = i
			cells, members = append(cells, k), append(members, nil)
		}
		members[i] = append(members[i], int32(ep))
	}
	var in []bool
	var all, egress []int // every cell; the cells whose egress the policy may decide
	for i, c := range cells {
		in = append(in, old.tierProfileHas(tier.IngressSide, c.o, id) || st.tierProfileHas(tier.IngressSide, c.n, id))
		all = append(all, i)
		if old.tierProfileHas(tier.EgressSide, c.o, id) || st.tierProfileHas(tier.EgressSide, c.n, id) {
			egress = append(egress, i)
		}
	}
	equal := map[[2]portID]bool{}
	var out []Change
	var groups []changeGroup
	for d, dc := range cells {
		groups = groups[:0]
		srcs := egress // the pair can change only when the policy decides one of its sides
		if in[d] {
			srcs = all
		}
		for _, s := range srcs {
			sc := cells[s]
			before, after := old.allowed(sc.o, dc.o), st.allowed(sc.n, dc.n)
			k := [2]portID{before, after}
			same, ok := equal[k]
			if !ok {
				same = old.pool.set(before).Equal(st.pool.set(after))
				equal[k] = same
			}
			if same {
				continue
			}
			j := slices.IndexFunc(groups, func(g changeGroup) bool { return g.before == before && g.after == after })
			if j < 0 {
				j = len(groups)
				groups = append(groups, changeGroup{before: before, after: after})
			}
			groups[j].from = append(groups[j].from, members[s]...)
		}
		for _, g := range groups {
			out = append(out, Change{From: g.from, To: members[d], Before: old.pool.set(g.before), After: st.pool.set(g.after)})
		}
	}
	return out
}

// tierProfileHas reports whether cluster policy id is in class c's tier
// profile on side (it selects c and has rules there).
func (st *state) tierProfileHas(side int, c int32, id string) bool {
	t := st.tiers
	if t == nil {
		return false
	}
	st.tierRefresh()
	p := t.prof[side][c]
	if p < 0 {
		return false
	}
	for _, r := range t.profs[p].rules {
		if t.rules[r].ref.P.ID == id {
			return true
		}
	}
	return false
}
