package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
)

// worldNamespaces are the namespaces every semantics row runs in.
func worldNamespaces() []model.Namespace {
	return []model.Namespace{
		namespace("a", "team", "alpha", "env", "prod"),
		namespace("b", "team", "beta", "env", "dev"),
		namespace("c", "team", "gamma"),
		namespace("kube-system"),
		namespace("emojivoto"),
		namespace("linkerd", "linkerd.io/control-plane-ns", "linkerd"),
	}
}

// world is the default set of endpoints of a semantics row.
func world() []policy.Endpoint {
	return []policy.Endpoint{
		withIPs(pod("a", "web", lbl("app", "web", "tier", "frontend", "version", "v1"), cport("http", 80, model.TCP)), "10.1.0.1"),
		withIPs(pod("a", "api", lbl("app", "api", "tier", "backend"), cport("http", 8080, model.TCP), cport("grpc", 9000, model.TCP)), "10.1.0.2"),
		withIPs(pod("a", "db", lbl("app", "db", "tier", "data", "version", "v2"), cport("db", 5432, model.TCP)), "10.1.0.3"),
		pod("a", "noip", lbl("app", "noip")),
		withIPs(pod("b", "web", lbl("app", "web", "tier", "frontend"), cport("http", 8080, model.TCP)), "10.2.0.1"),
		withIPs(pod("b", "client", lbl("app", "client")), "10.2.0.2"),
		withIPs(pod("c", "client", lbl("app", "client")), "10.3.0.1", "fd00::3:1"),
		withIPs(pod("kube-system", "coredns", lbl("k8s-app", "kube-dns"), cport("dns", 53, model.UDP), cport("dns-tcp", 53, model.TCP)), "10.0.0.10"),
		hostNet(withIPs(pod("kube-system", "node-agent", lbl("app", "node-agent"), cport("metrics", 9100, model.TCP)), "192.168.0.10")),
		withIPs(pod("emojivoto", "web", lbl("app", "web"), cport("http", 8080, model.TCP)), "10.4.0.1"),
		withIPs(pod("linkerd", "destination", lbl("app", "destination"), cport("grpc", 8086, model.TCP)), "10.5.0.1"),
		ext("internet", "8.8.8.8/32"),
		ext("partner", "203.0.113.0/24"),
		ext("v6net", "2001:db8::/64"),
	}
}

// row is one semantic rule: policies, the endpoints they act on (the world
// when nil) and the verdicts the API text requires.
type row struct {
	name          string
	pols          []model.Policy
	eps           []policy.Endpoint
	noPodIPBlocks bool // WithIPBlockPods(false)
	want          []conn
}

// conn is one expected verdict.
type conn struct {
	from, to string
	proto    model.Protocol
	port     int
	allow    bool
}

func allow(from, to string, proto model.Protocol, port int) conn {
	return conn{from, to, proto, port, true}
}

func deny(from, to string, proto model.Protocol, port int) conn {
	return conn{from, to, proto, port, false}
}

func (c conn) String() string {
	return fmt.Sprintf("%s -> %s %s/%d", c.from, c.to, c.proto, c.port)
}

// built is an engine with its reference twin.
type built struct {
	eng *policy.Engine
	ref *reference.Evaluator
	eps []policy.Endpoint
	idx map[string]int
}

func build(t *testing.T, nss []model.Namespace, pols []model.Policy, eps []policy.Endpoint, ipBlockPods bool) built {
	t.Helper()
	c := &model.Cluster{Namespaces: nss, Policies: pols}
	eng, err := policy.New(c, eps, policy.WithIPBlockPods(ipBlockPods))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ref, err := reference.New(c, ipBlockPods)
	if err != nil {
		t.Fatal(err)
	}
	b := built{eng: eng, ref: ref, eps: eps, idx: map[string]int{}}
	for i, ep := range eps {
		b.idx[ep.ID] = i
	}
	return b
}

func (b built) index(t *testing.T, id string) int {
	t.Helper()
	i, ok := b.idx[id]
	if !ok {
		t.Fatalf("no endpoint %q", id)
	}
	return i
}

// runRows checks every expected verdict against Allowed, Explain and the
// reference evaluator.
func runRows(t *testing.T, rows []row) {
	t.Helper()
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			t.Parallel()
			eps := r.eps
			if eps == nil {
				eps = world()
			}
			b := build(t, worldNamespaces(), r.pols, eps, !r.noPodIPBlocks)
			for _, w := range r.want {
				b.check(t, w)
			}
		})
	}
}

func (b built) check(t *testing.T, w conn) {
	t.Helper()
	s, d := b.index(t, w.from), b.index(t, w.to)
	got := b.eng.Allowed(s, d).Contains(w.proto, w.port)
	dec := b.eng.Explain(s, d, w.proto, w.port)
	ref := b.ref.Allowed(b.eps, s, d, w.proto, w.port)
	if got != w.allow || (dec.Verdict == policy.Allow) != w.allow || dec.Allowed.Contains(w.proto, w.port) != w.allow || ref != w.allow {
		t.Errorf("%s: want allowed=%v; Allowed()=%v Explain=%v reference=%v\n%s", w, w.allow, got, dec.Verdict, ref, dump(dec))
	}
}

// dump renders a Decision for failure messages.
func dump(d policy.Decision) string {
	var b strings.Builder
	fmt.Fprintf(&b, "  %s -> %s %s/%d: %s (%s) allowed %s", d.From, d.To, d.Protocol, d.Port, d.Verdict, d.Code, d.Allowed)
	if d.Contested != "" {
		fmt.Fprintf(&b, " [contested]")
	}
	for _, s := range []policy.Side{d.Egress, d.Ingress} {
		fmt.Fprintf(&b, "\n  %s: %s (%s) isolating %v allowed %s", s.Direction, s.Verdict, s.Code, s.Isolating, s.Allowed)
		for _, a := range s.Admitted {
			fmt.Fprintf(&b, "\n    admitted by %s rule %d peer %d: %s", a.Policy, a.Rule, a.Peer, a.Ports)
		}
		for _, m := range s.Misses {
			fmt.Fprintf(&b, "\n    miss %s rule %d: %s", m.Policy, m.Rule, m.Reason)
		}
	}
	return b.String()
}

// endpointsOf makes one Single endpoint per pod instance (a workload
// without known instances becomes one endpoint standing for its pods; a
// bare Pod stays Single) plus one per external.
func endpointsOf(c *model.Cluster) []policy.Endpoint {
	var out []policy.Endpoint
	for _, w := range c.Workloads {
		if len(w.Pods) == 0 {
			out = append(out, policy.Endpoint{
				ID: w.ID(), Namespace: w.Namespace, Name: w.Name, Kind: w.Kind,
				Labels: w.Template.Labels, Ports: w.Template.Ports(), HostNetwork: w.Template.HostNetwork,
				Single: w.Kind == model.KindPod,
			})
			continue
		}
		for _, p := range w.Pods {
			out = append(out, policy.Endpoint{
				ID: w.Namespace + "/" + p.Name, Namespace: w.Namespace, Name: p.Name, Kind: w.Kind,
				Labels: p.Spec.Labels, Ports: p.Spec.Ports(), IPs: p.IPs, HostNetwork: p.Spec.HostNetwork, Single: true,
			})
		}
	}
	for _, x := range c.Externals {
		out = append(out, policy.Endpoint{ID: x.Name, Name: x.Name, Kind: model.KindExternal, Prefix: x.Prefix})
	}
	return out
}
