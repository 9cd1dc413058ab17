package report

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// data is what the page reads (JSON). Nodes, namespaces, port sets and
// policies are referred to by index; field names are short because large
// clusters repeat them often.
type data struct {
	Title      string       `json:"title"`
	Source     string       `json:"source,omitempty"`
	Level      string       `json:"level"`
	Mesh       *meshData    `json:"mesh,omitempty"`
	Namespaces []nsData     `json:"namespaces"`
	Nodes      []nodeData   `json:"nodes"`
	PortSets   []portSet    `json:"portSets"` // index 0 is the empty set
	Matrix     matrixData   `json:"matrix"`
	Checks     []checkData  `json:"checks,omitempty"`
	Policies   []policyData `json:"policies"`
	// Exposure: who may connect to each workload (with lint, as the
	// exposure verb says it).
	Exposure   []exposureData `json:"exposure,omitempty"`
	Diff       *diffData      `json:"diff,omitempty"`
	Incomplete []string       `json:"incomplete,omitempty"`
	Notes      []string       `json:"notes,omitempty"`
	// Undecided are the pairs with ports the manifests cannot decide:
	// from node, to node, portSets index (never in the matrix's rows).
	Undecided [][3]int `json:"undecided,omitempty"`
	ExpandAll bool     `json:"expandAll"`
}

type meshData struct {
	Name    string `json:"name"`
	Version string `json:"version"`
	Status  string `json:"status"`
}

// nsData is a namespace; the pseudo-namespace "" groups external peers.
type nsData struct {
	Name      string `json:"name"`
	Workloads int    `json:"workloads"`
	Meshed    int    `json:"meshed,omitempty"`
}

type nodeData struct {
	NS     int    `json:"n"` // index into namespaces
	Name   string `json:"name"`
	Kind   string `json:"k"`
	Meshed bool   `json:"m,omitempty"`
	Host   bool   `json:"h,omitempty"`
	CIDR   string `json:"cidr,omitempty"`
}

// portSet is an interned ports.Set: a label for people and the ranges
// (protocol, first, last) the page filters on.
type portSet struct {
	Label  string   `json:"l"`
	Ranges [][3]int `json:"r"` // protocol (1 TCP, 2 UDP, 3 SCTP), first, last
}

// build collects everything the page shows.
func build(a *reach.Analysis, o options) (*data, error) {
	if a.Level() != reach.LevelWorkload {
		return nil, fmt.Errorf("the report needs a workload-level analysis, got %s level", a.Level())
	}
	d := &data{Title: o.title, Source: o.source, Level: a.Level().String()}
	ix := newIndex(a, d, o)
	if err := ix.matrix(); err != nil {
		return nil, err
	}
	if o.check != nil {
		ix.checks(o.check, o.profile)
	}
	ix.policies(o.budget)
	if o.lint {
		if err := ix.lint(); err != nil {
			return nil, err
		}
		if err := ix.exposure(); err != nil {
			return nil, err
		}
	}
	if o.diff != nil {
		ix.diff(o.diff)
	}
	for _, g := range a.Cluster().Gaps {
		d.Incomplete = append(d.Incomplete, g.String())
	}
	ix.cannotKnow()
	workloads := 0
	for _, ns := range d.Namespaces {
		workloads += ns.Workloads
	}
	d.ExpandAll = workloads <= o.expand
	return d, nil
}

// index maps names to the indexes the page uses.
type index struct {
	a       *reach.Analysis
	d       *data
	node    map[string]int // node ID -> index
	nsOf    []int          // node -> namespace index
	eps     []int          // node -> engine endpoint index
	sets    map[string]int // ports.Set.String() -> portSets index
	setVals []ports.Set    // portSets index -> set
	policy  map[string]int // "ns/name" -> policies index
}

func newIndex(a *reach.Analysis, d *data, o options) *index {
	ix := &index{a: a, d: d, node: map[string]int{}, sets: map[string]int{}, policy: map[string]int{}}
	d.PortSets = []portSet{{Label: "none", Ranges: [][3]int{}}}
	ix.sets["none"] = 0
	ix.setVals = []ports.Set{{}}
	c := a.Cluster()
	names := map[string]bool{}
	for _, ns := range c.Namespaces {
		names[ns.Name] = true
	}
	nodes := a.Nodes()
	for _, n := range nodes {
		if n.Kind != model.KindExternal {
			names[n.Namespace] = true
		}
	}
	nsIdx := map[string]int{}
	for _, name := range sortedKeys(names) {
		nsIdx[name] = len(d.Namespaces)
		d.Namespaces = append(d.Namespaces, nsData{Name: name})
	}
	external := len(d.Namespaces)
	d.Namespaces = append(d.Namespaces, nsData{Name: ""})
	workloads := map[string]*model.Workload{}
	for i := range c.Workloads {
		workloads[c.Workloads[i].ID()] = &c.Workloads[i]
	}
	for i, n := range nodes {
		nd := nodeData{NS: external, Name: n.Name, Kind: n.Kind.String(), Host: n.HostNetwork}
		if n.Kind == model.KindExternal {
			nd.CIDR = n.IPs[0]
		} else {
			nd.NS = nsIdx[n.Namespace]
		}
		if w := workloads[n.ID]; w != nil && o.profile != nil {
			nd.Meshed = o.profile.Meshed(c, w)
		}
		ns := &d.Namespaces[nd.NS]
		ns.Workloads++
		if nd.Meshed {
			ns.Meshed++
		}
		ix.node[n.ID] = i
		ep, _ := a.EndpointIndex(n.ID)
		ix.eps = append(ix.eps, ep)
		ix.nsOf = append(ix.nsOf, nd.NS)
		d.Nodes = append(d.Nodes, nd)
	}
	if d.Namespaces[external].Workloads == 0 {
		d.Namespaces = d.Namespaces[:external]
	}
	for i := range c.Policies {
		ix.policy[c.Policies[i].ID()] = i
	}
	return ix
}

// nodeIndex returns the node of id, or -1.
func (ix *index) nodeIndex(id string) int {
	if i, ok := ix.node[id]; ok {
		return i
	}
	return -1
}

func (ix *index) policyIndexes(ids []string) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if i, ok := ix.policy[id]; ok {
			out = append(out, i)
		}
	}
	return out
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
