package policy

import (
	"sync"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/ports"
)

// Option configures an Engine.
type Option func(*options)

type options struct {
	ipBlockPods bool
}

func makeOptions(opts []Option) options {
	o := options{ipBlockPods: true}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithIPBlockPods sets whether ipBlock rules match pod IPs (default true, as
// the upstream e2e suite, Calico and the SIG reference implementation do).
// false models CNIs such as Cilium that apply CIDR rules only to traffic
// leaving the cluster.
func WithIPBlockPods(match bool) Option { return func(o *options) { o.ipBlockPods = match } }

// Engine answers reachability questions for a fixed set of endpoints.
// It is immutable after New (its memo tables aside, which a mutex guards)
// and safe for concurrent use.
type Engine struct {
	opts     options
	nsLabels map[string]labels.Set
	policies []*netpol.Policy
	byNS     map[string][]int // policy indexes per namespace
	eps      []Endpoint
	rank     []int32 // a View's: the order of each policy (nil: input order)

	mu   sync.Mutex // guards st's memo tables and scan
	st   *state
	scan *scanIndex // built by the first NewScanner
}

// New compiles the cluster's policies for the given endpoints.
func New(c *model.Cluster, eps []Endpoint, opts ...Option) (*Engine, error) {
	e := &Engine{opts: makeOptions(opts), nsLabels: map[string]labels.Set{}, byNS: map[string][]int{}, eps: eps}
	for _, ns := range c.Namespaces {
		// "The Kubernetes control plane sets an immutable label
		// kubernetes.io/metadata.name on all namespaces": a namespace
		// declared without it (or with another value) still carries it.
		l := make(labels.Set, len(ns.Labels)+1)
		for k, v := range ns.Labels {
			l[k] = v
		}
		l[model.NamespaceNameLabel] = ns.Name
		e.nsLabels[ns.Name] = l
	}
	cps, err := netpol.CompileAll(c.Policies)
	if err != nil {
		return nil, err
	}
	for _, cp := range cps {
		e.byNS[cp.Namespace] = append(e.byNS[cp.Namespace], len(e.policies))
		e.policies = append(e.policies, cp)
	}
	st, err := buildState(e.opts, c, e.policies, eps)
	if err != nil {
		return nil, err
	}
	e.st = st
	return e, nil
}

// Endpoints returns the endpoints the engine was built for. Do not modify.
func (e *Engine) Endpoints() []Endpoint { return e.eps }

// Classes returns the number of behaviour classes the endpoints fall into.
func (e *Engine) Classes() int { return len(e.st.classes) }

// Class returns the behaviour class of endpoint ep (0 <= class < Classes()):
// endpoints of one class are allowed the same ports toward every endpoint,
// and from every endpoint, except themselves.
func (e *Engine) Class(ep int) int { return int(e.st.classOf[ep]) }

// Allowed returns the ports endpoint src may open to endpoint dst (indexes
// into Endpoints): egress at src ∩ ingress at dst.
func (e *Engine) Allowed(src, dst int) ports.Set {
	if src == dst && e.eps[src].Single {
		return ports.All()
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	st := e.st
	return st.pool.set(st.allowed(st.classOf[src], st.classOf[dst]))
}

// Isolating returns the policies that isolate endpoint ep for direction d
// ("ns/name", in input order); none means the direction is open.
func (e *Engine) Isolating(ep int, d Direction) []string {
	var out []string
	for _, pi := range e.sortByRank(e.st.classes[e.st.classOf[ep]].sel[d-1]) {
		out = append(out, e.policies[pi].ID)
	}
	return out
}

// Undecided returns the ports between endpoint src and dst that the
// manifests cannot decide: a cluster policy rule that may match or not
// would allow them one way and deny them the other (a rule matching by
// domainNames, when a name may resolve to the peer's address; a networks
// or nodes peer holding only some of an endpoint's addresses, such as
// part of an external range the caller did not cut at the policies'
// boundaries). They are never in Allowed.
func (e *Engine) Undecided(src, dst int) ports.Set {
	if e.st.tiers == nil || !e.st.tiers.undecidable || (src == dst && e.eps[src].Single) {
		return ports.Set{}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.undecided(e.st.classOf[src], e.st.classOf[dst])
}

// Undecidable reports whether some pair may have Undecided ports.
func (e *Engine) Undecidable() bool { return e.st.tiers != nil && e.st.tiers.undecidable }
