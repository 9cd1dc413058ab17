package policy

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
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
// It is immutable after New and safe for concurrent use.
type Engine struct {
	opts     options
	nsLabels map[string]labels.Set
	policies []*compiled
	byNS     map[string][]int // policy indexes per namespace
	eps      []Endpoint

	classOf []int32 // endpoint -> class
	classes []class
	peerSet [][]bitset // per policy, flattened peers of both directions -> classes matched
}

type class struct {
	rep     int     // a representative endpoint
	members []int32 // endpoints of the class
	sel     [2][]int32
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
	for i := range c.Policies {
		p := &c.Policies[i]
		cp, err := compile(p)
		if err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
		}
		e.byNS[cp.namespace] = append(e.byNS[cp.namespace], len(e.policies))
		e.policies = append(e.policies, cp)
	}
	e.buildClasses()
	e.buildSelection()
	e.buildPeerSets()
	return e, nil
}

// Endpoints returns the endpoints the engine was built for. Do not modify.
func (e *Engine) Endpoints() []Endpoint { return e.eps }

// Classes returns the number of behaviour classes the endpoints fall into.
func (e *Engine) Classes() int { return len(e.classes) }

// buildClasses groups endpoints that every selector, ipBlock and named port
// treats alike.
func (e *Engine) buildClasses() {
	var blocks []*peer
	for _, c := range e.policies {
		for d := range c.rules {
			for r := range c.rules[d] {
				for p := range c.rules[d][r].peers {
					if pp := &c.rules[d][r].peers[p]; pp.kind == peerIPBlock {
						blocks = append(blocks, pp)
					}
				}
			}
		}
	}
	index := map[string]int32{}
	e.classOf = make([]int32, len(e.eps))
	var b strings.Builder
	for i := range e.eps {
		b.Reset()
		e.classKey(&b, &e.eps[i], blocks)
		k := b.String()
		id, ok := index[k]
		if !ok {
			id = int32(len(e.classes))
			index[k] = id
			e.classes = append(e.classes, class{rep: i})
		}
		e.classOf[i] = id
		e.classes[id].members = append(e.classes[id].members, int32(i))
	}
}

func (e *Engine) classKey(b *strings.Builder, ep *Endpoint, blocks []*peer) {
	if ep.IsExternal() {
		b.WriteString("\x01ext\x00" + ep.ID)
		return
	}
	b.WriteString(ep.Namespace)
	b.WriteByte(0)
	keys := make([]string, 0, len(ep.Labels))
	for k := range ep.Labels {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		b.WriteString(k + "=" + ep.Labels[k] + "\x00")
	}
	b.WriteByte(1)
	named := make([]string, 0, len(ep.Ports))
	for _, p := range ep.Ports {
		if p.Name != "" {
			named = append(named, p.Name+"/"+p.Protocol.String()+"/"+strconv.Itoa(int(p.Port)))
		}
	}
	slices.Sort(named)
	b.WriteString(strings.Join(named, ","))
	if ep.HostNetwork {
		b.WriteString("\x01host")
	}
	b.WriteByte(1)
	for i, p := range blocks {
		if e.blockMatches(p, ep) {
			b.WriteString(strconv.Itoa(i) + ",")
		}
	}
}

func (e *Engine) buildSelection() {
	for ci := range e.classes {
		cl := &e.classes[ci]
		rep := &e.eps[cl.rep]
		for _, pi := range e.byNS[rep.Namespace] {
			for _, d := range []Direction{Ingress, Egress} {
				if e.applies(e.policies[pi], d, rep) {
					cl.sel[d-1] = append(cl.sel[d-1], int32(pi))
				}
			}
		}
	}
}

// buildPeerSets evaluates every peer once per class.
func (e *Engine) buildPeerSets() {
	e.peerSet = make([][]bitset, len(e.policies))
	for pi, c := range e.policies {
		var sets []bitset
		for d := range c.rules {
			for r := range c.rules[d] {
				for p := range c.rules[d][r].peers {
					pp := &c.rules[d][r].peers[p]
					bs := newBitset(len(e.classes))
					for ci := range e.classes {
						if e.peerMatches(c, pp, &e.eps[e.classes[ci].rep]) {
							bs.set(ci)
						}
					}
					sets = append(sets, bs)
				}
			}
		}
		e.peerSet[pi] = sets
	}
}

// Allowed returns the ports endpoint src may open to endpoint dst (indexes
// into Endpoints): egress at src ∩ ingress at dst.
func (e *Engine) Allowed(src, dst int) ports.Set {
	if src == dst && e.eps[src].Single {
		return ports.All()
	}
	return e.classAllowed(int(e.classOf[src]), int(e.classOf[dst]))
}

func (e *Engine) classAllowed(s, d int) ports.Set {
	in := e.sidePorts(Ingress, d, s, d)
	if in.IsEmpty() {
		return in
	}
	return in.Intersect(e.sidePorts(Egress, s, d, d))
}

// sidePorts is what the policies isolating class self in direction dir
// admit from/to class other, with named ports resolved on class dst.
func (e *Engine) sidePorts(dir Direction, self, other, dst int) ports.Set {
	sel := e.classes[self].sel[dir-1]
	if len(sel) == 0 {
		return ports.All()
	}
	dstEp := &e.eps[e.classes[dst].rep]
	var acc ports.Set
	for _, pi := range sel {
		c := e.policies[pi]
		base := 0
		if dir == Egress {
			base = peerCount(c.rules[Ingress-1])
		}
		for r := range c.rules[dir-1] {
			rl := &c.rules[dir-1][r]
			if rl.allPeers || e.anyPeer(int(pi), base, len(rl.peers), other) {
				acc = acc.Union(rulePorts(rl, dstEp))
				if acc.IsAll() {
					return acc
				}
			}
			base += len(rl.peers)
		}
	}
	return acc
}

func (e *Engine) anyPeer(pi, base, n, class int) bool {
	for _, bs := range e.peerSet[pi][base : base+n] {
		if bs.has(class) {
			return true
		}
	}
	return false
}

func peerCount(rs []rule) int {
	n := 0
	for i := range rs {
		n += len(rs[i].peers)
	}
	return n
}

type bitset []uint64

func newBitset(n int) bitset    { return make(bitset, (n+63)/64) }
func (b bitset) set(i int)      { b[i>>6] |= 1 << (i & 63) }
func (b bitset) has(i int) bool { return b[i>>6]&(1<<(i&63)) != 0 }

// Isolating returns the policies that isolate endpoint ep for direction d
// ("ns/name", in input order); none means the direction is open.
func (e *Engine) Isolating(ep int, d Direction) []string {
	var out []string
	for _, pi := range e.classes[e.classOf[ep]].sel[d-1] {
		out = append(out, e.policies[pi].id)
	}
	return out
}
