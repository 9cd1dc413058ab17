package reach

import (
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// Option configures Analyze.
type Option func(*options)

type options struct {
	level       Level
	expand      bool
	ipBlockPods bool
	mesh        mesh.Profile
	ranges      bool             // WithExternalRanges
	rangesOf    []*model.Cluster // WithRangesOf
	layer       Layer            // WithLayer
}

func makeOptions(opts []Option) options {
	o := options{level: LevelWorkload, ipBlockPods: true}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// same reports whether o and p are the same options, but for the clusters
// of WithRangesOf (which only decide the external nodes).
func (o options) same(p options) bool {
	return o.level == p.level && o.expand == p.expand && o.ipBlockPods == p.ipBlockPods && o.mesh == p.mesh && o.ranges == p.ranges && o.layer == p.layer
}

// WithLevel sets the endpoint granularity of the matrix (default workload).
func WithLevel(l Level) Option { return func(o *options) { o.level = l } }

// WithExpandReplicas lists one pod per declared replica at pod level for
// workloads whose pods are not known.
func WithExpandReplicas(expand bool) Option { return func(o *options) { o.expand = expand } }

// WithMesh makes the analysis one of the cluster as it runs under mesh p:
// Analyze applies p.Inject (what the mesh's admission webhook adds to the
// pods it meshes), and every answer about a connection between two meshed
// pods is about the port the mesh really sends it on
// (p.TransportPort). nil (the default) means no mesh.
func WithMesh(p mesh.Profile) Option { return func(o *options) { o.mesh = p } }

// WithIPBlockPods sets whether ipBlocks match pod IPs (see policy.WithIPBlockPods).
func WithIPBlockPods(match bool) Option { return func(o *options) { o.ipBlockPods = match } }

// WithExternalRanges makes the ranges the policies' blocks cut the address
// space into matrix nodes when the cluster names no external
// (docs/externals.md): the matrix then shows what every pod may reach
// outside the pod network, and what may reach it. Off by default.
func WithExternalRanges(on bool) Option { return func(o *options) { o.ranges = on } }

// WithRangesOf cuts the external ranges also at the boundaries of the
// blocks of cs's policies: two analyses given each other's cluster (the
// two states of a diff) have the same external nodes.
func WithRangesOf(cs ...*model.Cluster) Option {
	return func(o *options) { o.rangesOf = append(o.rangesOf, cs...) }
}

// Analysis is a compiled cluster, ready for questions.
type Analysis struct {
	cluster *model.Cluster // the effective cluster (see WithMesh)
	input   *model.Cluster // as given
	opts    options
	engine  *policy.Engine
	// specs and inSpecs are, per endpoint, its pod spec in the effective
	// and in the input cluster (nil for externals; inSpecs only with a mesh).
	specs, inSpecs []*model.PodSpec
	uneval         *selections    // unevaluated policies and whom they select; nil for none
	nodes          []int          // endpoints that are matrix nodes, sorted by ID
	byID           map[string]int // endpoint index by ID
	arr            *arrivals      // the matrix's sets when the mesh rewrites ports; nil without
	ext            *externals     // the endpoints outside the pod network
	dp             *dataplane     // answers that depend on ipBlocks matching pod IPs; nil for none
	authz          *authzLayer    // Linkerd authorization (authz.go); nil when the mesh is not Linkerd
	lkd            *authzSets     // the matrix's Linkerd layer (authz_matrix.go); nil without
	view           *view          // what a focused analysis shows (see Focus); nil: everything
}

// Analyze compiles c. The endpoints include every workload and every known
// pod instance, so that names of both resolve; the matrix lists those of the
// chosen level.
//
// With WithMesh, c is first made the effective cluster (the mesh's
// injection applied); Cluster returns that, Input returns c.
func Analyze(c *model.Cluster, opts ...Option) (*Analysis, error) {
	o := makeOptions(opts)
	in, c := c, layered(effective(c, o), o.layer)
	n := endpointCount(c)
	a := &Analysis{cluster: c, input: in, opts: o, byID: make(map[string]int, n)}
	pod := a.opts.level == LevelPod
	if pod && a.opts.expand {
		if err := CheckExpansion(c); err != nil {
			return nil, err
		}
	}
	eps := make([]policy.Endpoint, 0, n)
	a.specs = make([]*model.PodSpec, 0, n)
	// add adds ep, of pod k of workload i (k -1: the template; i -1: an
	// external).
	add := func(ep policy.Endpoint, i, k int, node bool) {
		if _, dup := a.byID[ep.ID]; dup {
			return
		}
		a.byID[ep.ID] = len(eps)
		if node {
			a.nodes = append(a.nodes, len(eps))
		}
		eps = append(eps, ep)
		a.specs = append(a.specs, podSpec(c, i, k))
		if o.mesh != nil {
			a.inSpecs = append(a.inSpecs, podSpec(in, i, k))
		}
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if pod {
			for k, ep := range podEndpoints(w, a.opts.expand) {
				add(ep, i, k, true)
			}
		}
		add(workloadEndpoint(w), i, -1, !pod)
		for j := range w.Pods {
			add(podEndpoint(w, &w.Pods[j]), i, j, false)
		}
	}
	a.addExternals(c, add)
	eng, err := policy.New(c, eps, policy.WithIPBlockPods(a.opts.ipBlockPods))
	if err != nil {
		return nil, err
	}
	a.engine = eng
	a.dp = newDataplane(c, eps)
	a.selectUnevaluated()
	a.authz = newAuthzLayer(c, o.mesh)
	a.lkd = newAuthzSets(a)
	a.arr = newArrivals(a)
	slices.SortFunc(a.nodes, func(x, y int) int { return strings.Compare(eps[x].ID, eps[y].ID) })
	a.ext.markNodes(eps, a.nodes)
	return a, nil
}

// effective is c as it runs: with the mesh's injection applied.
func effective(c *model.Cluster, o options) *model.Cluster {
	if o.mesh == nil {
		return c
	}
	return o.mesh.Inject(c)
}

// endpointCount bounds the endpoints of c at any level (to allocate once).
func endpointCount(c *model.Cluster) int {
	n := len(c.Externals) + 2
	for i := range c.Workloads {
		n += 1 + 2*len(c.Workloads[i].Pods)
	}
	return n
}

// Engine returns the compiled engine.
func (a *Analysis) Engine() *policy.Engine { return a.engine }

// Cluster returns the analysed cluster: the effective one, with the mesh's
// injection applied (see WithMesh).
func (a *Analysis) Cluster() *model.Cluster { return a.cluster }

// Input returns the cluster as given to Analyze.
func (a *Analysis) Input() *model.Cluster { return a.input }

// Mesh returns the mesh profile of WithMesh, nil without one.
func (a *Analysis) Mesh() mesh.Profile { return a.opts.mesh }

// Level returns the matrix level.
func (a *Analysis) Level() Level { return a.opts.level }

// Node is one matrix source/destination.
type Node struct {
	ID          string
	Namespace   string
	Name        string
	Kind        model.Kind
	IPs         []string
	HostNetwork bool
}

// Nodes lists the matrix nodes sorted by ID.
func (a *Analysis) Nodes() []Node {
	eps := a.engine.Endpoints()
	out := make([]Node, len(a.nodes))
	for i, n := range a.nodes {
		ep := &eps[n]
		nd := Node{ID: ep.ID, Namespace: ep.Namespace, Name: ep.Name, Kind: ep.Kind, HostNetwork: ep.HostNetwork}
		for _, ip := range ep.IPs {
			nd.IPs = append(nd.IPs, ip.String())
		}
		if ep.IsExternal() {
			nd.IPs = []string{a.ext.of[n].String()}
		}
		out[i] = nd
	}
	return out
}

// Connection is an ordered pair of distinct nodes with what is allowed.
type Connection struct {
	From, To  string
	Allowed   ports.Set
	Contested bool // implementations differ: a host-network pod is involved, or Dataplane
	// Dataplane is set when the answer depends on whether ipBlocks match
	// pod IPs (see Analysis.Dataplane).
	Dataplane bool
	// FromNode and ToNode are the positions of From and To in Nodes().
	FromNode, ToNode int
	// SetID is equal for the connections of one Matrix call that allow
	// the same ports (the engine interns its answers; under a mesh that
	// rewrites ports, Allowed is the application ports that really work,
	// see Arrived, interned apart): writers may cache per SetID what they
	// make of Allowed.
	SetID int
	// Layers is the ID of the pair's answer per layer (see Run.Layers).
	Layers int32
}

// Matrix calls fn, in order of (From, To), for every ordered pair of
// distinct nodes that allows at least one port. Denied pairs are skipped.
// Under a mesh that sends meshed traffic to another port (Linkerd ≥ 2.18:
// the server proxy's 4143), a pair's ports are those Arrived gives, the
// answer Explain gives port by port.
// It stops at fn's first error and returns it.
func (a *Analysis) Matrix(fn func(Connection) error) error {
	v := a.shownView()
	b := Block{a: a, v: v, scs: a.scanners(v), hi: len(v.rows)}
	return b.Each(fn)
}

// endpoint returns the index of the endpoint with id.
func (a *Analysis) endpoint(id string) (int, bool) {
	i, ok := a.byID[id]
	return i, ok
}

// EndpointIndex returns the index (into Engine().Endpoints()) of the
// endpoint with id: "ns/name" of a workload or pod, or an external's name.
func (a *Analysis) EndpointIndex(id string) (int, bool) { return a.endpoint(id) }
