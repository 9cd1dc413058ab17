package report

import (
	"encoding/json"
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/policy"
)

// policyData is one NetworkPolicy page: the policy as stored, what it
// selects, and (within the admit budget) what each rule admits.
type policyData struct {
	Name    string          `json:"name"`
	NS      string          `json:"ns"`
	Source  string          `json:"source,omitempty"`
	Types   []string        `json:"types"`
	Spec    json.RawMessage `json:"spec"`
	Selects [2][]int        `json:"selects"` // nodes it isolates for ingress, for egress
	// Admits is, per direction (ingress, egress) and rule, the nodes the
	// rule admits as peers; nil when over the budget.
	Admits *[2][][]int `json:"admits,omitempty"`
	Blocks []string    `json:"blocks,omitempty"` // IDs of the checks it blocks
	Lint   []lintData  `json:"lint,omitempty"`   // podreach lint's findings about it
}

func (ix *index) policies(budget int) {
	c := ix.a.Cluster()
	eng := ix.a.Engine()
	ix.d.Policies = make([]policyData, len(c.Policies))
	for i := range c.Policies {
		np := c.Policies[i].NetworkPolicy
		spec, err := json.Marshal(np.Spec)
		if err != nil { // a decoded spec always marshals
			spec = []byte("{}")
		}
		pd := policyData{Name: np.Name, NS: np.Namespace, Source: c.Policies[i].Source.String(), Types: []string{}, Spec: spec,
			Selects: [2][]int{{}, {}}}
		for _, t := range np.Spec.PolicyTypes {
			pd.Types = append(pd.Types, string(t))
		}
		ix.d.Policies[i] = pd
	}
	for n, nd := range ix.d.Nodes {
		if nd.CIDR != "" {
			continue
		}
		ep := ix.endpoint(n)
		for k, dir := range []policy.Direction{policy.Ingress, policy.Egress} {
			for _, pi := range ix.policyIndexes(eng.Isolating(ep, dir)) {
				ix.d.Policies[pi].Selects[k] = append(ix.d.Policies[pi].Selects[k], n)
			}
		}
	}
	for _, cd := range ix.d.Checks {
		for _, pi := range cd.Policies {
			ix.d.Policies[pi].Blocks = append(ix.d.Policies[pi].Blocks, cd.ID)
		}
	}
	ix.admits(budget)
}

// admits lists the peers each rule admits by tracing every node against
// one node the policy isolates (peers do not depend on which one, except
// through named ports, which change ports, not peers).
func (ix *index) admits(budget int) {
	cost := 0
	for _, pd := range ix.d.Policies {
		for k := range pd.Selects {
			if len(pd.Selects[k]) > 0 {
				cost += len(ix.d.Nodes)
			}
		}
	}
	if cost > budget {
		ix.d.Notes = append(ix.d.Notes, fmt.Sprintf(
			"The policy pages list rules, not the workloads each rule admits: that takes %d connection traces, over the budget of %d.", cost, budget))
		return
	}
	eng := ix.a.Engine()
	for pi := range ix.d.Policies {
		pd := &ix.d.Policies[pi]
		spec := ix.a.Cluster().Policies[pi].NetworkPolicy.Spec
		admits := [2][][]int{emptyLists(len(spec.Ingress)), emptyLists(len(spec.Egress))}
		id := pd.NS + "/" + pd.Name
		for k := range pd.Selects {
			if len(pd.Selects[k]) == 0 {
				continue
			}
			rep := ix.endpoint(pd.Selects[k][0])
			for n := range ix.d.Nodes {
				var side policy.Side
				if k == 0 {
					side = eng.Explain(ix.endpoint(n), rep, 0, 0).Ingress
				} else {
					side = eng.Explain(rep, ix.endpoint(n), 0, 0).Egress
				}
				for _, ref := range side.Admitted {
					if ref.Policy == id && ref.Rule < len(admits[k]) && !slices.Contains(admits[k][ref.Rule], n) {
						admits[k][ref.Rule] = append(admits[k][ref.Rule], n)
					}
				}
			}
		}
		pd.Admits = &admits
	}
}

// endpoint returns the engine endpoint of node n.
func (ix *index) endpoint(n int) int { return ix.eps[n] }

func emptyLists(n int) [][]int {
	out := make([][]int, n)
	for i := range out {
		out[i] = []int{}
	}
	return out
}
