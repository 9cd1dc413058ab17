package synth

import (
	"fmt"
	"net/netip"
	"strconv"

	"github.com/podreach/podreach/pkg/model"
)

// portDef is a named container port; a workload picks one of nums, so the
// same name maps to different numbers across workloads.
type portDef struct {
	name  string
	proto model.Protocol
	nums  []int32
}

// appDef is an application archetype.
type appDef struct {
	app, tier string
	ports     []portDef
}

var apps = []appDef{
	{"web", "frontend", []portDef{{"http", model.TCP, []int32{80, 8080}}, {"https", model.TCP, []int32{8443}}}},
	{"gateway", "frontend", []portDef{{"http", model.TCP, []int32{8080}}, {"admin", model.TCP, []int32{9901}}}},
	{"api", "backend", []portDef{{"http", model.TCP, []int32{8080, 9090, 3000}}, {"grpc", model.TCP, []int32{9000}}}},
	{"auth", "backend", []portDef{{"http", model.TCP, []int32{8080}}, {"grpc", model.TCP, []int32{50051}}}},
	{"worker", "backend", []portDef{{"statsd", model.UDP, []int32{8125}}}},
	{"search", "backend", []portDef{{"http", model.TCP, []int32{9200}}, {"transport", model.TCP, []int32{9300}}}},
	{"resolver", "backend", []portDef{{"dns", model.TCP, []int32{5353}}}}, // "dns" over TCP, unlike kube-dns
	{"sip", "backend", []portDef{{"sip", model.UDP, []int32{5060}}, {"sigtran", model.SCTP, []int32{2905}}}},
	{"db", "data", []portDef{{"db", model.TCP, []int32{5432, 3306}}, {"repl", model.SCTP, []int32{7000}}}},
	{"cache", "data", []portDef{{"redis", model.TCP, []int32{6379}}, {"memcache", model.UDP, []int32{11211}}}},
	{"queue", "data", []portDef{{"amqp", model.TCP, []int32{5672}}, {"mgmt", model.TCP, []int32{15672}}}},
}

var kindWeights = []struct {
	kind   model.Kind
	weight int
}{
	{model.KindDeployment, 50}, {model.KindStatefulSet, 15}, {model.KindDaemonSet, 8},
	{model.KindPod, 15}, {model.KindJob, 12},
}

// workloads creates the system workloads, then application workloads spread
// over the application namespaces, then (with PodIPs) their pods.
func (g *gen) workloads() {
	var all []*model.Workload
	n := g.cfg.Workloads
	if g.sys != nil && n > 0 {
		all = append(all, g.coreDNS())
		n--
	}
	if g.sys != nil && n > 0 && g.cfg.Workloads >= 4 && g.has(FeatureHostNetwork) {
		all = append(all, g.nodeAgent())
		n--
	}
	appNS := g.appNamespaces()
	for i := range n {
		kind := model.KindUnknown // drawn from kindWeights
		if i < g.cfg.DaemonSets {
			kind = model.KindDaemonSet
		}
		all = append(all, g.appWorkload(pick(g, appNS), kind))
	}
	for _, w := range all {
		if g.cfg.PodIPs {
			g.instances(w)
		}
		g.c.Workloads = append(g.c.Workloads, *w)
	}
}

func (g *gen) coreDNS() *model.Workload {
	l := map[string]string{"k8s-app": "kube-dns"}
	w := &model.Workload{Kind: model.KindDeployment, Namespace: g.sys.name, Name: "coredns", Labels: l, Replicas: 2}
	w.Template = model.PodSpec{Labels: clone(l), Containers: []model.Container{{
		Name: "coredns", Image: "registry.k8s.io/coredns/coredns:v1.12.0",
		Ports: []model.ContainerPort{
			{Container: "coredns", Name: "dns", Port: 53, Protocol: model.UDP},
			{Container: "coredns", Name: "dns-tcp", Port: 53, Protocol: model.TCP},
			{Container: "coredns", Name: "metrics", Port: 9153, Protocol: model.TCP},
		},
	}}}
	g.sys.workloads = append(g.sys.workloads, w)
	return w
}

func (g *gen) nodeAgent() *model.Workload {
	l := map[string]string{"app": "node-agent", "tier": "system"}
	w := &model.Workload{Kind: model.KindDaemonSet, Namespace: g.sys.name, Name: "node-agent", Labels: l}
	w.Template = model.PodSpec{Labels: clone(l), HostNetwork: true, Containers: []model.Container{{
		Name: "agent", Image: "example.com/node-agent:1.0",
		Ports: []model.ContainerPort{{Container: "agent", Name: "metrics", Port: 9100, Protocol: model.TCP}},
	}}}
	g.sys.workloads = append(g.sys.workloads, w)
	return w
}

// appWorkload creates one application workload in ns, of the given kind
// (KindUnknown: a random one).
func (g *gen) appWorkload(ns *nsInfo, kind model.Kind) *model.Workload {
	def := pick(g, apps)
	name, dup := def.app, 1
	for g.nameTaken(ns, name) {
		dup++
		name = def.app + strconv.Itoa(dup) // no hyphen: "web-2" could be a StatefulSet pod of "web"
	}
	l := map[string]string{"app": def.app, "tier": def.tier}
	switch v := g.r.IntN(10); {
	case dup > 1 || v < 2:
		l["version"] = "v2"
	case v < 8:
		l["version"] = "v1"
	}
	if kind == model.KindUnknown {
		kind = g.kind()
	}
	w := &model.Workload{Kind: kind, Namespace: ns.name, Name: name, Labels: l}
	switch w.Kind {
	case model.KindDeployment, model.KindStatefulSet:
		w.Replicas = int32(1 + g.r.IntN(3))
	case model.KindPod, model.KindJob:
		w.Replicas = 1
	}
	w.Template = model.PodSpec{Labels: clone(l), Containers: g.containers(def)}
	w.Template.HostNetwork = g.has(FeatureHostNetwork) && w.Kind == model.KindPod && g.chance(0.08)
	ns.workloads = append(ns.workloads, w)
	return w
}

func (g *gen) nameTaken(ns *nsInfo, name string) bool {
	for _, w := range ns.workloads {
		if w.Name == name {
			return true
		}
	}
	return false
}

// kind draws a workload kind; with Config.DaemonSets set, never a
// DaemonSet.
func (g *gen) kind() model.Kind {
	weight := func(k model.Kind, w int) int {
		if k == model.KindDaemonSet && g.cfg.DaemonSets > 0 {
			return 0
		}
		return w
	}
	total := 0
	for _, k := range kindWeights {
		total += weight(k.kind, k.weight)
	}
	n := g.r.IntN(total)
	for _, k := range kindWeights {
		if w := weight(k.kind, k.weight); n < w {
			return k.kind
		}
		n -= weight(k.kind, k.weight)
	}
	return model.KindDeployment
}

// containers is the main container with the archetype's ports (sometimes
// unnamed), plus sometimes a metrics sidecar and a native-sidecar init
// container that declares a port.
func (g *gen) containers(def appDef) []model.Container {
	main := model.Container{Name: def.app, Image: "example.com/" + def.app + ":1.0"}
	for _, p := range def.ports {
		cp := model.ContainerPort{Container: main.Name, Name: p.name, Port: pick(g, p.nums), Protocol: p.proto}
		if g.chance(0.1) {
			cp.Name = ""
		}
		main.Ports = append(main.Ports, cp)
	}
	out := []model.Container{main}
	if g.chance(0.3) {
		out = append(out, model.Container{Name: "exporter", Image: "example.com/exporter:1.0",
			Ports: []model.ContainerPort{{Container: "exporter", Name: "metrics", Port: pick(g, []int32{9090, 9100}), Protocol: model.TCP}}})
	}
	if g.chance(0.05) {
		out = append(out, model.Container{Name: "proxy", Image: "example.com/proxy:1.0", Init: true,
			Ports: []model.ContainerPort{{Container: "proxy", Name: "proxy-admin", Port: 4191, Protocol: model.TCP}}})
	}
	return out
}

// instances adds the pods a controller of w's kind would run, with the
// labels the controller adds and status IPs.
func (g *gen) instances(w *model.Workload) {
	ns := g.nsByName(w.Namespace)
	add := func(name string, extra map[string]string, node int) {
		p := model.Pod{Name: name, Spec: w.Template, NodeName: fmt.Sprintf("node-%d", node)}
		p.Spec.Labels = clone(w.Template.Labels)
		for k, v := range extra {
			p.Spec.Labels[k] = v
		}
		if w.Template.HostNetwork {
			p.IPs = []netip.Addr{nodeIP(node)}
		} else {
			p.IPs = g.podIPs(ns)
		}
		w.Pods = append(w.Pods, p)
	}
	switch w.Kind {
	case model.KindDeployment:
		hash := g.suffix(10)
		for range w.Replicas {
			add(w.Name+"-"+hash+"-"+g.suffix(5), map[string]string{"pod-template-hash": hash}, g.r.IntN(g.nodes))
		}
	case model.KindStatefulSet:
		for i := range int(w.Replicas) {
			name := w.Name + "-" + strconv.Itoa(i)
			add(name, map[string]string{"statefulset.kubernetes.io/pod-name": name}, g.r.IntN(g.nodes))
		}
	case model.KindDaemonSet:
		for node := range g.nodes {
			add(w.Name+"-"+g.suffix(5), nil, node)
		}
	case model.KindJob:
		add(w.Name+"-"+g.suffix(5), map[string]string{"job-name": w.Name}, g.r.IntN(g.nodes))
	default:
		add(w.Name, nil, g.r.IntN(g.nodes))
	}
}

func (g *gen) nsByName(name string) *nsInfo { return g.byName[name] }

const suffixChars = "bcdfghjklmnpqrstvwxz2456789"

func (g *gen) suffix(n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = suffixChars[g.r.IntN(len(suffixChars))]
	}
	return string(b)
}

func clone(m map[string]string) map[string]string {
	out := make(map[string]string, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
