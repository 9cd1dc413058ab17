package effective

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// eras are Linkerd releases on both sides of every change the flow table
// models (seed era, identity 2.3, injector 2.4, tap APIService 2.5,
// destination 2.6, headless 2.9, extensions and opaque transport 2.10,
// policy 2.11, 2.12, 2.14, 2.17, all meshed traffic on 4143 from
// edge-25.3.2, port renames 2.19, native sidecars 2.20, the newest edge).
var eras = []string{"edge-19.1.2", "2.3", "2.4", "2.5", "2.6", "2.9", "2.10", "2.11", "2.12", "2.14", "2.17",
	"edge-25.3.1", "edge-25.3.2", "2.18", "2.19", "2.20", "edge-26.8.3"}

// shipped are the example inputs (paths from this package), and one of
// this package's own whose policies restrict ports between meshed pods.
var shipped = map[string][]string{
	"emojivoto":                          {"../../examples/emojivoto-linkerd/"},
	"emojivoto+seed-fix":                 {"../../examples/emojivoto-linkerd/", "../../examples/seed-fix/seed-fix.yaml"},
	"seed-era":                           {"../../examples/emojivoto-linkerd-seed-era/"},
	"seed-era+seed-fix+label":            {"../../examples/emojivoto-linkerd-seed-era/", "../../examples/seed-fix/seed-fix.yaml", "../../examples/seed-fix/seed-era-namespace-label.yaml"},
	"app-repo (no control plane)":        {"../../examples/app-repo/"},
	"port-restricted (no control plane)": {"testdata/port-restricted.yaml"},
	// The Linkerd authorization layer: Servers and AuthorizationPolicies,
	// and a deny default with the seed's NetworkPolicy on top.
	"emojivoto+authz": {"../../examples/emojivoto-linkerd/namespaces.yaml", "../../examples/emojivoto-linkerd/linkerd-control-plane.yaml",
		"../../examples/emojivoto-linkerd/linkerd-viz.yaml", "../../examples/emojivoto-linkerd/emojivoto.yaml", "../../examples/emojivoto-authz/"},
	"emojivoto+deny-default": {"../../examples/emojivoto-linkerd/", "../../pkg/check/testdata/deny-default.yaml"},
}

func load(t *testing.T, paths ...string) *model.Cluster {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), paths)
	if err != nil {
		t.Fatalf("loading %v: %v", paths, err)
	}
	return c
}

// TestCheckExplainAgree: for every flow check judges (those with listed
// ports between pods), explain on every source × destination pair gives
// the verdict check gave — the pairs explain denies are exactly the pairs
// check lists as blocked — on every shipped example, every era, and
// generated meshed clusters.
func TestCheckExplainAgree(t *testing.T) {
	t.Parallel()
	clusters := map[string]*model.Cluster{}
	for name, paths := range shipped {
		clusters[name] = load(t, paths...)
	}
	for seed := int64(1); seed <= 3; seed++ {
		cfg := synth.SizeS.Config(seed)
		cfg.Workloads, cfg.Policies = 40, 25
		clusters[fmt.Sprintf("synth S seed %d", seed)] = withServices(synth.Generate(cfg))
	}
	flows, pairs := 0, 0
	for _, name := range slices.Sorted(maps.Keys(clusters)) {
		for _, era := range eras {
			f, p, bad := agreeCheck(t, clusters[name], era)
			flows, pairs = flows+f, pairs+p
			for _, b := range bad {
				t.Errorf("%s, Linkerd %s: %s", name, era, b)
			}
		}
	}
	t.Logf("check vs explain: %d clusters × %d eras: %d flows judged, %d (pair, port) answers compared", len(clusters), len(eras), flows, pairs)
}

// agreeCheck checks c under Linkerd era and explains every pair of every
// pod-to-pod flow with ports: it returns the flows and answers compared
// and the disagreements.
func agreeCheck(t *testing.T, c *model.Cluster, era string) (flows, answers int, bad []string) {
	t.Helper()
	rep, a, _, err := Check(c, []Option{WithMesh(MeshLinkerd), WithLinkerdVersion(era)})
	if err != nil {
		t.Fatalf("Linkerd %s: %v", era, err)
	}
	results := map[string]check.Result{}
	for _, r := range rep.Results {
		results[r.ID] = r
	}
	for _, f := range a.Mesh().Flows() {
		if len(f.Ports) == 0 {
			n, b := agreeDataPlane(t, a, f, results)
			flows, answers, bad = flows+1, answers+n, append(bad, b...)
			continue
		}
		if !podPeer(f.From) || !podPeer(f.To) {
			continue
		}
		src, dst := peerWorkloads(a.Cluster(), f.From), peerWorkloads(a.Cluster(), f.To)
		if len(src) == 0 || len(dst) == 0 {
			continue
		}
		flows++
		want := map[string]bool{} // check's blocked pairs
		for _, p := range results[f.ID].Blocked {
			want[pairKey(p.From, p.To, cmp0(p.AppPort, p.Port), p.Protocol)] = true
		}
		got := map[string]bool{}
		for _, s := range src {
			for _, d := range dst {
				if s == d {
					continue
				}
				n, denied := explainPair(t, a, f, s, d)
				answers += n
				for _, k := range denied {
					got[k] = true
				}
			}
		}
		for k := range got {
			if !want[k] {
				bad = append(bad, fmt.Sprintf("flow %s: explain denies %s, check does not list it as blocked", f.ID, k))
			}
		}
		for k := range want {
			if !got[k] {
				bad = append(bad, fmt.Sprintf("flow %s: check lists %s as blocked, explain allows it", f.ID, k))
			}
		}
	}
	return flows, answers, bad
}

// explainPair explains every port of f from s to d and returns how many it
// asked and the keys of those denied (none when a OneOf flow has one allowed).
func explainPair(t *testing.T, a *reach.Analysis, f mesh.Flow, s, d *model.Workload) (int, []string) {
	t.Helper()
	var denied []string
	n, ok := 0, false
	for _, p := range f.Ports {
		if f.DeclaredOnly && !slices.ContainsFunc(d.Template.Ports(), func(cp model.ContainerPort) bool {
			return cp.Port == p.Port && cp.Protocol == p.Protocol
		}) {
			continue
		}
		x, err := a.Explain(s.ID(), d.ID(), reach.PortSpec{Number: int(p.Port), Protocol: p.Protocol}, "")
		if err != nil {
			t.Fatalf("explain %s → %s %d: %v", s.ID(), d.ID(), p.Port, err)
		}
		n++
		x.Layer = reach.LayerNetpol // Blocked is the NetworkPolicy layer; Linkerd's refusals are the -authorized results
		if x.Allowed() {
			ok = true
			continue
		}
		denied = append(denied, pairKey(s.ID(), d.ID(), p.Port, p.Protocol))
	}
	if f.OneOf && ok {
		return n, nil
	}
	return n, denied
}

func cmp0(a, b int32) int32 {
	if a != 0 {
		return a
	}
	return b
}

func pairKey(from, to string, port int32, proto model.Protocol) string {
	return fmt.Sprintf("%s → %s %d/%s", from, to, port, proto)
}

func podPeer(p mesh.Peer) bool { return p.Kind == mesh.PeerPods || p.Kind == mesh.PeerMeshedPods }

// peerWorkloads resolves a flow peer on the effective cluster, written
// apart from check's resolution: meshed pods are those with the proxy
// container (injection has been applied).
func peerWorkloads(c *model.Cluster, p mesh.Peer) []*model.Workload {
	nsLabels := map[string]labels.Set{}
	for _, ns := range c.Namespaces {
		if _, dup := nsLabels[ns.Name]; !dup {
			nsLabels[ns.Name] = ns.Labels
		}
	}
	var out []*model.Workload
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if p.Namespace != "" && w.Namespace != p.Namespace || !selects(p.NamespaceSelector, nsLabelsOf(nsLabels, w.Namespace)) {
			continue
		}
		if p.Kind == mesh.PeerMeshedPods && !w.Template.HasContainer("linkerd-proxy") ||
			p.Kind == mesh.PeerPods && !selects(p.PodSelector, w.Template.Labels) {
			continue
		}
		out = append(out, w)
	}
	return out
}

func nsLabelsOf(m map[string]labels.Set, ns string) labels.Set {
	if l, ok := m[ns]; ok {
		return l
	}
	return labels.Set{model.NamespaceNameLabel: ns}
}

func selects(s *metav1.LabelSelector, l map[string]string) bool {
	if s == nil {
		return true
	}
	sel, err := metav1.LabelSelectorAsSelector(s)
	return err == nil && sel.Matches(labels.Set(l))
}

// agreeDataPlane compares check's data-plane results (flow f, no listed
// ports: every meshed client to every Service port of a meshed backend)
// with explain on the application port: explain answers for the port the
// connection arrives on, so check's "blocked" pairs (the policies admit
// the application port, not the proxy's) are those explain denies though
// the application port is admitted, and its "bypass" pairs those explain
// allows though the application port is not.
func agreeDataPlane(t *testing.T, a *reach.Analysis, f mesh.Flow, results map[string]check.Result) (int, []string) {
	t.Helper()
	c := a.Cluster()
	direct := directPorts(a)
	want := map[string]bool{}
	for _, id := range []string{f.ID, f.ID + "-port-bypass"} {
		for _, p := range results[id].Blocked {
			want[id+": "+pairKey(p.From, p.To, p.AppPort, p.Protocol)] = true
		}
	}
	got := map[string]bool{}
	n := 0
	for _, svc := range c.Services {
		for _, be := range peerWorkloads(c, mesh.Peer{Kind: mesh.PeerMeshedPods, Namespace: svc.Namespace}) {
			if len(svc.Selector) == 0 || !labels.SelectorFromSet(svc.Selector).Matches(labels.Set(be.Template.Labels)) {
				continue
			}
			for _, sp := range svc.Ports {
				port, ok := target(sp, be)
				if !ok || sp.Protocol != model.TCP || direct[be.ID()+fmt.Sprint(port)] {
					continue
				}
				for _, cl := range peerWorkloads(c, mesh.Peer{Kind: mesh.PeerMeshedPods}) {
					if cl == be {
						continue
					}
					x, err := a.Explain(cl.ID(), be.ID(), reach.PortSpec{Number: int(port), Protocol: model.TCP}, "")
					if err != nil {
						t.Fatal(err)
					}
					if x.Arrivals[0].Port == 0 {
						continue // not rewritten: not data-plane transport
					}
					x.Layer = reach.LayerNetpol // the transport is NetworkPolicy's business; Linkerd's refusals are other results
					n++
					si, _ := a.EndpointIndex(cl.ID())
					di, _ := a.EndpointIndex(be.ID())
					raw := a.Engine().Allowed(si, di).Contains(model.TCP, int(port))
					key := pairKey(cl.ID(), be.ID(), port, model.TCP)
					switch {
					case raw && !x.Allowed():
						got[f.ID+": "+key] = true
					case !raw && x.Allowed():
						got[f.ID+"-port-bypass: "+key] = true
					}
				}
			}
		}
	}
	var bad []string
	for k := range got {
		if !want[k] {
			bad = append(bad, "explain says "+k+", check does not")
		}
	}
	for k := range want {
		if !got[k] {
			bad = append(bad, "check says "+k+", explain does not")
		}
	}
	return n, bad
}

// directPorts marks "workload port" pairs the mesh's direct flows target
// on pods (control-plane gRPC, webhooks): not application traffic.
func directPorts(a *reach.Analysis) map[string]bool {
	out := map[string]bool{}
	for _, f := range a.Mesh().Flows() {
		if f.Transport != mesh.TransportDirect || f.To.Kind != mesh.PeerPods || f.From.Kind == mesh.PeerPods {
			continue
		}
		for _, w := range peerWorkloads(a.Cluster(), f.To) {
			for _, p := range f.Ports {
				out[w.ID()+fmt.Sprint(p.Port)] = true
			}
		}
	}
	return out
}

// target resolves a Service port on a backend (named targetPorts by name).
func target(sp model.ServicePort, w *model.Workload) (int32, bool) {
	if name := sp.TargetPort.StrVal; name != "" {
		for _, cp := range w.Template.Ports() {
			if cp.Name == name && cp.Protocol == sp.Protocol {
				return cp.Port, true
			}
		}
		return 0, false
	}
	if v := sp.TargetPort.IntValue(); v != 0 {
		return int32(v), true
	}
	return sp.Port, true
}

// withServices gives every workload of c a Service exposing its TCP
// container ports (synth generates none): the data-plane flow judges
// Service ports.
func withServices(c *model.Cluster) *model.Cluster {
	for _, w := range c.Workloads {
		if len(w.Template.Labels) == 0 {
			continue
		}
		svc := model.Service{Namespace: w.Namespace, Name: w.Name, Selector: w.Template.Labels}
		for _, cp := range w.Template.Ports() {
			if cp.Protocol == model.TCP {
				svc.Ports = append(svc.Ports, model.ServicePort{Name: cp.Name, Port: cp.Port, Protocol: model.TCP})
			}
		}
		c.Services = append(c.Services, svc)
	}
	return c
}
