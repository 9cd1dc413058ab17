package check

import (
	"fmt"
	"net/netip"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// anywhere is the external peer standing for "any source address" (flows
// from PeerAny, e.g. load balancers in front of a multicluster gateway).
const anywhere = "anywhere"

// Option configures Run.
type Option func(*options)

type options struct {
	reach []reach.Option
	judge Judge
}

// Judge returns the ports endpoint src may open to endpoint dst (indexes
// into a.Engine().Endpoints()). The default is the policy engine's answer,
// a.Engine().Allowed.
type Judge func(a *reach.Analysis, src, dst int) ports.Set

// WithJudge makes Run decide connections with j instead of the policy
// engine: podreach lab passes what the kernel let through, so that the same
// flows are reported from real packets. Explanations of blocked pairs still
// come from the engine.
func WithJudge(j Judge) Option { return func(o *options) { o.judge = j } }

// WithReachOptions passes options to the reachability analysis
// (e.g. reach.WithIPBlockPods).
func WithReachOptions(opts ...reach.Option) Option {
	return func(o *options) { o.reach = append(o.reach, opts...) }
}

// Run checks every flow of profile p against cluster c. The analysis it
// returns is of the injected cluster (what the mesh makes of c).
func Run(c *model.Cluster, p mesh.Profile, opts ...Option) (*Report, *reach.Analysis, error) {
	var o options
	for _, f := range opts {
		f(&o)
	}
	flows := p.Flows()
	in := c
	if slices.ContainsFunc(flows, func(f mesh.Flow) bool { return f.From.Kind == mesh.PeerAny }) {
		cc := *c
		// Never append in place: c is the caller's.
		cc.Externals = append(slices.Clip(c.Externals), model.External{Name: anywhere, Prefix: netip.MustParsePrefix("0.0.0.0/0")})
		in = &cc
	}
	a, err := reach.Analyze(in, append(o.reach, reach.WithLevel(reach.LevelWorkload), reach.WithMesh(p))...)
	if err != nil {
		return nil, nil, fmt.Errorf("analysing the injected cluster: %w", err)
	}
	injected := a.Cluster()
	r := newRunner(p, a, flows, o.judge)
	rep := &Report{Mesh: p.Name(), Version: p.Version(), Results: preamble(c, injected, p, r.meshed)}
	for _, f := range flows {
		if len(f.Ports) == 0 {
			rep.Results = append(rep.Results, r.dataPlane(f)...)
			continue
		}
		rep.Results = append(rep.Results, r.flow(f))
		if ar, ok := r.authorized(f); ok {
			rep.Results = append(rep.Results, ar)
		}
	}
	rep.Results = append(rep.Results, r.probes()...)
	markGaps(rep, c, flows)
	return rep, a, nil
}

type runner struct {
	c     *model.Cluster // the analysed (injected) cluster
	p     mesh.Profile
	a     *reach.Analysis
	flows []mesh.Flow
	judge Judge
	// eng answers instead of a's engine when set (Rechecker.EditOn: the
	// engine of an edited cluster over a's endpoints).
	eng *policy.Engine
	// Per workload of c, answered once: whether it is meshed, and its
	// endpoint (-1: none). Workload indexes by namespace, and namespace
	// labels by name (the first declaration wins).
	meshed   []bool
	ep       []int
	byNS     map[string][]int
	nsLabels map[string]map[string]string
}

// newRunner prepares the checks of flows on analysis a of the injected
// cluster; judge nil means the policy engine's answer.
func newRunner(p mesh.Profile, a *reach.Analysis, flows []mesh.Flow, judge Judge) *runner {
	c := a.Cluster()
	r := &runner{c: c, p: p, a: a, flows: flows, judge: judge, meshed: meshedWorkloads(p, c),
		ep: make([]int, len(c.Workloads)), byNS: map[string][]int{}, nsLabels: make(map[string]map[string]string, len(c.Namespaces))}
	if r.judge == nil {
		r.judge = func(a *reach.Analysis, src, dst int) ports.Set { return a.Engine().Allowed(src, dst) }
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		r.ep[i] = -1
		if idx, ok := a.EndpointIndex(w.ID()); ok {
			r.ep[i] = idx
		}
		r.byNS[w.Namespace] = append(r.byNS[w.Namespace], i)
	}
	for _, ns := range c.Namespaces {
		if _, dup := r.nsLabels[ns.Name]; !dup {
			r.nsLabels[ns.Name] = ns.Labels
		}
	}
	return r
}

// engine is the policy engine the runner explains with.
func (r *runner) engine() *policy.Engine {
	if r.eng != nil {
		return r.eng
	}
	return r.a.Engine()
}

// endpointOf is the endpoint of workload i; 0 when it has none, as the
// data-plane check always took it (Analyze gives every workload one).
func (r *runner) endpointOf(i int) int {
	return max(r.ep[i], 0)
}

// meshedLister is implemented by profiles that answer Meshed for every
// workload of a cluster at once, faster than a call per workload
// (linkerd.Install.MeshedWorkloads). Its answers must equal Meshed's.
type meshedLister interface {
	MeshedWorkloads(c *model.Cluster) []bool
}

func meshedWorkloads(p mesh.Profile, c *model.Cluster) []bool {
	if l, ok := p.(meshedLister); ok {
		return l.MeshedWorkloads(c)
	}
	out := make([]bool, len(c.Workloads))
	for i := range c.Workloads {
		out[i] = p.Meshed(c, &c.Workloads[i])
	}
	return out
}

// peerSet is a resolved flow peer.
type peerSet struct {
	eps        []int  // endpoint indexes
	workloads  []int  // their workloads' indexes in runner.c; -1 for an external
	unresolved string // why the peer could not be resolved (no such external)
}

// workload returns the workload of the i-th endpoint, nil for an external.
func (r *runner) workload(ps *peerSet, i int) *model.Workload {
	if ps.workloads[i] < 0 {
		return nil
	}
	return &r.c.Workloads[ps.workloads[i]]
}

func (r *runner) resolve(p mesh.Peer) peerSet {
	switch p.Kind {
	case mesh.PeerAPIServer:
		return r.external(mesh.APIServerExternal, "the API server's address is unknown")
	case mesh.PeerExternal:
		return r.external(p.Name, fmt.Sprintf("the address of %s is unknown", p.Name))
	case mesh.PeerAny:
		return r.external(anywhere, "")
	}
	var ps peerSet
	nsSel, podSel := selector(p.NamespaceSelector), selector(p.PodSelector)
	nsOK := map[string]bool{} // nsSel's answer per namespace
	for i := range r.c.Workloads {
		w := &r.c.Workloads[i]
		if p.Namespace != "" && w.Namespace != p.Namespace {
			continue
		}
		if nsSel != nil {
			ok, seen := nsOK[w.Namespace]
			if !seen {
				ok = nsSel.Matches(labels.Set(r.namespaceLabels(w.Namespace)))
				nsOK[w.Namespace] = ok
			}
			if !ok {
				continue
			}
		}
		switch {
		case p.Kind == mesh.PeerMeshedPods && !r.meshed[i]:
			continue
		case p.Kind == mesh.PeerPods && podSel != nil && !podSel.Matches(labels.Set(w.Template.Labels)):
			continue
		}
		if idx := r.ep[i]; idx >= 0 {
			ps.eps = append(ps.eps, idx)
			ps.workloads = append(ps.workloads, i)
		}
	}
	return ps
}

func (r *runner) external(name, why string) peerSet {
	if idx, ok := r.a.EndpointIndex(name); ok {
		return peerSet{eps: []int{idx}, workloads: []int{-1}}
	}
	return peerSet{unresolved: why}
}

func (r *runner) namespaceLabels(ns string) map[string]string {
	if l, ok := r.nsLabels[ns]; ok {
		return l
	}
	return map[string]string{model.NamespaceNameLabel: ns}
}

// selector converts a flow's selector; the profile's data is tested, so a
// selector that does not parse selects nothing rather than everything.
func selector(s *metav1.LabelSelector) labels.Selector {
	if s == nil {
		return nil
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return labels.Nothing()
	}
	return sel
}
