package fix_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// An independent statement of what the mesh needs, to judge proposals by:
// the reach matrix of the injected cluster before and after a fix, and the
// connections the profile's flows require between which endpoints.

// edge is an ordered pair of endpoint IDs.
type edge struct{ from, to string }

// matrix is what each ordered pair of workloads (and externals) may open.
type matrix map[edge]ports.Set

func matrixOf(t testing.TB, c *model.Cluster) matrix {
	t.Helper()
	a, err := reach.Analyze(c, reach.WithLevel(reach.LevelWorkload))
	if err != nil {
		t.Fatal(err)
	}
	m := matrix{}
	err = a.Matrix(func(conn reach.Connection) error {
		m[edge{conn.From, conn.To}] = conn.Allowed
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// needs is what the flows require: the wire ports per pair of endpoints,
// every pair of namespaces (or external names) some flow connects, and
// every endpoint some flow connects.
type needs struct {
	ports      matrix
	namespaces map[edge]bool
	ends       map[string]bool
}

// required resolves every flow of in on the injected cluster c by its own
// reading of the flow table: peers by kind, namespace and selectors, flow
// ports mapped through TransportPort for meshed transport, and for the
// data-plane flow every Service port of a meshed server.
func required(c *model.Cluster, in *linkerd.Install) needs {
	n := needs{ports: matrix{}, namespaces: map[edge]bool{}, ends: map[string]bool{}}
	add := func(s, d endpoint, proto model.Protocol, port int32) {
		e := edge{s.id, d.id}
		n.namespaces[namespaces(e)] = true
		n.ends[s.id], n.ends[d.id] = true, true
		n.ports[e] = n.ports[e].Union(ports.Of(proto, int(port), int(port)))
	}
	for _, f := range in.Flows() {
		for _, s := range resolve(c, in, f.From) {
			for _, d := range resolve(c, in, f.To) {
				if s.id == d.id {
					continue
				}
				if len(f.Ports) == 0 {
					for _, port := range servicePorts(c, d.w) {
						add(s, d, model.TCP, wire(in, f, s, d, mesh.Port{Port: port, Protocol: model.TCP}))
					}
					continue
				}
				for _, p := range f.Ports {
					if f.DeclaredOnly && !declares(d.w, p) {
						continue
					}
					add(s, d, p.Protocol, wire(in, f, s, d, p))
				}
			}
		}
	}
	return n
}

// namespaces maps a pair of endpoints to the pair of their namespaces
// (externals stand for themselves).
func namespaces(e edge) edge {
	ns := func(id string) string {
		if before, _, ok := strings.Cut(id, "/"); ok {
			return before
		}
		return id
	}
	return edge{ns(e.from), ns(e.to)}
}

type endpoint struct {
	id string
	w  *model.Workload // nil for externals
}

func resolve(c *model.Cluster, in *linkerd.Install, p mesh.Peer) []endpoint {
	switch p.Kind {
	case mesh.PeerAPIServer, mesh.PeerExternal, mesh.PeerAny:
		name := p.Name
		if p.Kind == mesh.PeerAPIServer {
			name = mesh.APIServerExternal
		}
		if p.Kind == mesh.PeerAny {
			name = "anywhere"
		}
		if slices.ContainsFunc(c.Externals, func(x model.External) bool { return x.Name == name }) {
			return []endpoint{{id: name}}
		}
		return nil
	}
	var out []endpoint
	for i := range c.Workloads {
		w := &c.Workloads[i]
		switch {
		case p.Namespace != "" && w.Namespace != p.Namespace:
		case p.NamespaceSelector != nil && !matches(p.NamespaceSelector, nsLabels(c, w.Namespace)):
		case p.Kind == mesh.PeerMeshedPods && !in.Meshed(c, w):
		case p.Kind == mesh.PeerPods && p.PodSelector != nil && !matches(p.PodSelector, w.Template.Labels):
		default:
			out = append(out, endpoint{w.ID(), w})
		}
	}
	return out
}

// wire is the port a flow port arrives on at d.
func wire(in *linkerd.Install, f mesh.Flow, s, d endpoint, p mesh.Port) int32 {
	if f.Transport != mesh.TransportMesh || s.w == nil || d.w == nil {
		return p.Port
	}
	port, _ := in.TransportPort(&s.w.Template, &d.w.Template, p.Port, p.Protocol)
	return port
}

// servicePorts are the TCP container ports Services expose on w.
func servicePorts(c *model.Cluster, w *model.Workload) []int32 {
	if w == nil {
		return nil
	}
	var out []int32
	for _, svc := range c.Services {
		if svc.Namespace != w.Namespace || len(svc.Selector) == 0 || !labels.SelectorFromSet(svc.Selector).Matches(labels.Set(w.Template.Labels)) {
			continue
		}
		for _, sp := range svc.Ports {
			switch {
			case sp.Protocol != model.TCP:
			case sp.TargetPort.Type == intstr.String:
				for _, cp := range w.Template.Ports() {
					if cp.Name == sp.TargetPort.StrVal {
						out = append(out, cp.Port)
					}
				}
			case sp.TargetPort.IntValue() != 0:
				out = append(out, int32(sp.TargetPort.IntValue()))
			default:
				out = append(out, sp.Port)
			}
		}
	}
	return out
}

func declares(w *model.Workload, p mesh.Port) bool {
	return w != nil && slices.ContainsFunc(w.Template.Ports(), func(cp model.ContainerPort) bool {
		return cp.Port == p.Port && cp.Protocol == p.Protocol
	})
}

func matches(s *metav1.LabelSelector, l map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(s)
	return err == nil && sel.Matches(labels.Set(l))
}

func nsLabels(c *model.Cluster, name string) map[string]string {
	for _, ns := range c.Namespaces {
		if ns.Name == name {
			out := map[string]string{model.NamespaceNameLabel: name}
			for k, v := range ns.Labels {
				out[k] = v
			}
			return out
		}
	}
	return map[string]string{model.NamespaceNameLabel: name}
}

// compare reports every connection the fix took away and every connection
// it added that the flows do not justify: beyond the required wire ports
// (style minimal); for style broad, whose rules admit every port and whole
// namespaces by design, between namespaces no flow connects or from or to
// an endpoint no flow involves.
func compare(before, after matrix, n needs, style fix.Style) []string {
	var problems []string
	keys := map[edge]bool{}
	for e := range before {
		keys[e] = true
	}
	for e := range after {
		keys[e] = true
	}
	for e := range keys {
		if lost := before[e].Subtract(after[e]); !lost.IsEmpty() {
			problems = append(problems, fmt.Sprintf("lost %s → %s %s", e.from, e.to, lost))
		}
		gained := after[e].Subtract(before[e])
		switch {
		case gained.IsEmpty():
		case style == fix.StyleBroad && !n.namespaces[namespaces(e)]:
			problems = append(problems, fmt.Sprintf("gained %s → %s %s, between namespaces no flow connects", e.from, e.to, gained))
		case style == fix.StyleBroad && !(n.ends[e.from] && n.ends[e.to]):
			problems = append(problems, fmt.Sprintf("gained %s → %s %s, for an endpoint no flow involves", e.from, e.to, gained))
		case style != fix.StyleBroad && !gained.Subtract(n.ports[e]).IsEmpty():
			problems = append(problems, fmt.Sprintf("gained %s → %s %s, beyond the required %s", e.from, e.to, gained.Subtract(n.ports[e]), n.ports[e]))
		}
	}
	slices.Sort(problems)
	return problems
}

// load reads manifests and adds the externals ("apiserver=172.16.0.2/32").
func load(t testing.TB, paths []string, externals ...string) *model.Cluster {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range externals {
		ext, err := reach.ParseExternal(x)
		if err != nil {
			t.Fatal(err)
		}
		c.Externals = append(c.Externals, ext)
	}
	return c
}

// withProposal returns c plus the proposed policies.
func withProposal(c *model.Cluster, prop *fix.Proposal) *model.Cluster {
	out := *c
	out.Policies = slices.Clone(c.Policies)
	for _, p := range prop.Policies {
		out.Policies = append(out.Policies, model.Policy{NetworkPolicy: p.NetworkPolicy})
	}
	return &out
}
