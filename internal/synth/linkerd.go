package synth

import (
	"github.com/podreach/podreach/pkg/model"
)

// linkerdRelease is the release of the generated control plane (the one
// examples/emojivoto-linkerd renders).
const linkerdRelease = "edge-26.8.3"

// cpComponent is one control-plane Deployment: its component label and the
// containers beside the proxy (name, then named TCP ports).
type cpComponent struct {
	name       string
	containers []cpContainer
}

type cpContainer struct {
	name  string
	ports []model.ContainerPort
}

func tcp(name string, port int32) model.ContainerPort {
	return model.ContainerPort{Name: name, Port: port, Protocol: model.TCP}
}

// cpComponents mirror `linkerd install` edge-26.8.3 (see
// examples/emojivoto-linkerd/linkerd-control-plane.yaml).
var cpComponents = []cpComponent{
	{"identity", []cpContainer{{"identity", []model.ContainerPort{tcp("ident-grpc", 8080), tcp("ident-admin", 9990)}}}},
	{"destination", []cpContainer{
		{"destination", []model.ContainerPort{tcp("dest-grpc", 8086), tcp("dest-admin", 9996)}},
		{"sp-validator", []model.ContainerPort{tcp("sp-validator", 8443), tcp("spval-admin", 9997)}},
		{"policy", []model.ContainerPort{tcp("policy-grpc", 8090), tcp("policy-admin", 9990), tcp("policy-https", 9443)}},
	}},
	{"proxy-injector", []cpContainer{{"proxy-injector", []model.ContainerPort{tcp("proxy-injector", 8443), tcp("injector-admin", 9995)}}}},
}

// linkerd adds the control plane in namespace linkerd (no policies select
// it) and marks the namespaces labelled linkerd.io/inject=enabled for
// injection with the annotation the proxy injector reads.
func (g *gen) linkerd() {
	const ns = "linkerd"
	g.byName[ns] = &nsInfo{idx: len(g.ns), name: ns} // for pod IPs; not a policy target
	g.c.Namespaces = append(g.c.Namespaces, model.Namespace{Name: ns,
		Labels: map[string]string{model.NamespaceNameLabel: ns, "linkerd.io/is-control-plane": "true",
			"config.linkerd.io/admission-webhooks": "disabled", "linkerd.io/control-plane-ns": ns},
		Annotations: map[string]string{"linkerd.io/inject": "disabled"}})
	for i := range g.c.Namespaces {
		n := &g.c.Namespaces[i]
		if n.Labels["linkerd.io/inject"] == "enabled" {
			n.Annotations = map[string]string{"linkerd.io/inject": "enabled"}
		}
	}
	for _, comp := range cpComponents {
		w := controlPlaneWorkload(comp)
		if g.cfg.PodIPs {
			g.instances(w)
		}
		g.c.Workloads = append(g.c.Workloads, *w)
	}
	g.c.Objects = append(g.c.Objects, model.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: "linkerd-config",
		Labels: map[string]string{"linkerd.io/control-plane-component": "controller", "linkerd.io/control-plane-ns": ns},
		Data: map[string]string{"values": "linkerdVersion: " + linkerdRelease + "\n" +
			"cniEnabled: false\nproxy:\n  nativeSidecar: true\n  outboundTransportMode: transport-header\n"}})
}

// controlPlaneWorkload is one component's Deployment, with the proxy as a
// native sidecar (an init container), as 2.20 injects it.
func controlPlaneWorkload(comp cpComponent) *model.Workload {
	l := map[string]string{"linkerd.io/control-plane-component": comp.name, "linkerd.io/control-plane-ns": "linkerd"}
	w := &model.Workload{Kind: model.KindDeployment, Namespace: "linkerd", Name: "linkerd-" + comp.name,
		Labels: clone(l), Replicas: 1}
	w.Template = model.PodSpec{Labels: clone(l), Annotations: map[string]string{"linkerd.io/proxy-version": linkerdRelease}}
	w.Template.Labels["linkerd.io/workload-ns"] = "linkerd"
	w.Template.Labels["linkerd.io/proxy-deployment"] = w.Name
	w.Template.Containers = append(w.Template.Containers, model.Container{Name: "linkerd-proxy", Init: true,
		Image: "cr.l5d.io/linkerd/proxy:" + linkerdRelease,
		Ports: []model.ContainerPort{tcp("linkerd-proxy", 4143), tcp("linkerd-admin", 4191)}})
	for _, c := range comp.containers {
		ct := model.Container{Name: c.name, Image: "cr.l5d.io/linkerd/controller:" + linkerdRelease}
		ct.Ports = append(ct.Ports, c.ports...)
		w.Template.Containers = append(w.Template.Containers, ct)
	}
	for i := range w.Template.Containers {
		ct := &w.Template.Containers[i]
		for j := range ct.Ports {
			ct.Ports[j].Container = ct.Name
		}
	}
	return w
}
