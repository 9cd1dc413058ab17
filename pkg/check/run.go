package check

import (
	"fmt"
	"net/netip"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
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
	injected := p.Inject(c)
	if slices.ContainsFunc(flows, func(f mesh.Flow) bool { return f.From.Kind == mesh.PeerAny }) {
		injected.Externals = append(injected.Externals, model.External{Name: anywhere, Prefix: netip.MustParsePrefix("0.0.0.0/0")})
	}
	a, err := reach.Analyze(injected, append(o.reach, reach.WithLevel(reach.LevelWorkload))...)
	if err != nil {
		return nil, nil, fmt.Errorf("analysing the injected cluster: %w", err)
	}
	r := &runner{c: injected, p: p, a: a, flows: flows, judge: o.judge}
	if r.judge == nil {
		r.judge = func(a *reach.Analysis, src, dst int) ports.Set { return a.Engine().Allowed(src, dst) }
	}
	rep := &Report{Mesh: p.Name(), Version: p.Version(), Results: preamble(c, injected, p)}
	for _, f := range flows {
		if len(f.Ports) == 0 {
			rep.Results = append(rep.Results, r.dataPlane(f)...)
			continue
		}
		rep.Results = append(rep.Results, r.flow(f))
	}
	markGaps(rep, c, flows)
	return rep, a, nil
}

type runner struct {
	c     *model.Cluster
	p     mesh.Profile
	a     *reach.Analysis
	flows []mesh.Flow
	judge Judge
}

// peerSet is a resolved flow peer.
type peerSet struct {
	eps        []int // endpoint indexes
	workloads  []*model.Workload
	unresolved string // why the peer could not be resolved (no such external)
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
	for i := range r.c.Workloads {
		w := &r.c.Workloads[i]
		if p.Namespace != "" && w.Namespace != p.Namespace {
			continue
		}
		if nsSel != nil && !nsSel.Matches(labels.Set(r.namespaceLabels(w.Namespace))) {
			continue
		}
		switch {
		case p.Kind == mesh.PeerMeshedPods && !r.p.Meshed(r.c, w):
			continue
		case p.Kind == mesh.PeerPods && podSel != nil && !podSel.Matches(labels.Set(w.Template.Labels)):
			continue
		}
		if idx, ok := r.a.EndpointIndex(w.ID()); ok {
			ps.eps = append(ps.eps, idx)
			ps.workloads = append(ps.workloads, w)
		}
	}
	return ps
}

func (r *runner) external(name, why string) peerSet {
	if idx, ok := r.a.EndpointIndex(name); ok {
		return peerSet{eps: []int{idx}, workloads: []*model.Workload{nil}}
	}
	return peerSet{unresolved: why}
}

func (r *runner) namespaceLabels(ns string) map[string]string {
	for i := range r.c.Namespaces {
		if r.c.Namespaces[i].Name == ns {
			return r.c.Namespaces[i].Labels
		}
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
