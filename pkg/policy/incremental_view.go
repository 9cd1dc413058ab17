package policy

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// View returns an Engine that answers as x does now (Allowed, Explain,
// Isolating, Undecided), over x's endpoints, without compiling anything:
// it shares x's state, so it is valid only until x's next edit, and must
// not be used while x is. order lists x's policies as a cluster holds
// them (model.Cluster.Policies of the state x answers for): explanations
// list isolating policies in that order, as New's do in its input order.
// An error says order is not x's policies.
func (x *Incremental) View(order []model.Policy) (*Engine, error) {
	st := x.st
	e := &Engine{opts: st.opts, nsLabels: make(map[string]labels.Set, len(x.nsLabels)), byNS: map[string][]int{}, eps: st.eps, st: st,
		policies: make([]*netpol.Policy, len(st.pols)), rank: make([]int32, len(st.pols))}
	for name, ls := range x.nsLabels {
		l := make(labels.Set, len(ls)+1)
		for k, v := range ls {
			l[k] = v
		}
		l[model.NamespaceNameLabel] = name
		e.nsLabels[name] = l
	}
	for i := range order {
		id := order[i].ID()
		pi, ok := st.polIndex[id]
		if !ok || e.policies[pi] != nil {
			return nil, fmt.Errorf("NetworkPolicy %s is not the incremental engine's", id)
		}
		p := st.pols[pi].c
		e.policies[pi], e.rank[pi] = p, int32(i)
		e.byNS[p.Namespace] = append(e.byNS[p.Namespace], int(pi))
	}
	if len(order) != len(st.polIndex) {
		return nil, fmt.Errorf("the incremental engine holds %d NetworkPolicies, not %d", len(st.polIndex), len(order))
	}
	return e, nil
}

// sortByRank orders policy ids as a View's order lists them (New's
// engines keep their input order already).
func (e *Engine) sortByRank(ids []int32) []int32 {
	if e.rank == nil {
		return ids
	}
	ids = slices.Clone(ids)
	slices.SortFunc(ids, func(a, b int32) int { return int(e.rank[a] - e.rank[b]) })
	return ids
}
