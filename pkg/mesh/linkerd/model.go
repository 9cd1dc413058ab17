package linkerd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// DefaultVersion is the release podreach models when the input holds
// meshed workloads but neither a control plane nor a version (no
// linkerd.io/proxy-version annotation, no --linkerd-version): the newest
// release its flow data was read at.
const DefaultVersion = "edge-26.8.3"

// modelSource is the Source of the control-plane objects podreach models.
const modelSource = "podreach's model of the Linkerd control plane"

// modelled is the control plane podreach adds to the effective cluster when
// the input has none (an application repository: the platform team owns
// the install): one workload per linkerd.io/control-plane-component that a
// flow of the release selects in the control-plane namespace, labelled as
// the installer labels it (§1.3, §1.8), with the ports the flows reach it
// on and a proxy (control-plane pods are meshed at install), and the
// namespace with the installer's labels (§1.3). The heartbeat CronJob is
// left out: it is not meshed and only sends.
func (in *Install) modelled(flows []mesh.Flow) ([]model.Workload, model.Namespace) {
	ports := map[string][]model.ContainerPort{}
	var comps []string
	for _, f := range flows {
		for i, p := range []mesh.Peer{f.From, f.To} {
			comp := componentOf(p, in.Namespace)
			if comp == "" || comp == "heartbeat" {
				continue
			}
			if _, seen := ports[comp]; !seen {
				comps = append(comps, comp)
				ports[comp] = nil
			}
			if i == 1 && !f.OneOf {
				for _, fp := range f.Ports {
					cp := model.ContainerPort{Container: comp, Port: fp.Port, Protocol: fp.Protocol}
					if !slices.Contains(ports[comp], cp) {
						ports[comp] = append(ports[comp], cp)
					}
				}
			}
		}
	}
	slices.Sort(comps)
	src := model.Source{File: fmt.Sprintf("%s %s", modelSource, in.Release)}
	var ws []model.Workload
	for _, comp := range comps {
		name := "linkerd-" + comp
		labels := map[string]string{labelComponent: comp, labelControlPlaneNS: in.Namespace, labelProxyPrefix + "deployment": name}
		if in.Release.AtLeast(9) {
			labels[labelWorkloadNS] = in.Namespace
		}
		spec := model.PodSpec{Labels: labels, Containers: []model.Container{{Name: comp, Ports: ports[comp]}}}
		spec.Containers = append(in.injectedContainers(), spec.Containers...)
		ws = append(ws, model.Workload{Kind: model.KindDeployment, Namespace: in.Namespace, Name: name,
			Labels: labels, Template: spec, Replicas: 1, Source: src})
	}
	return ws, in.modelledNamespace(src)
}

// modelledNamespace is the control-plane namespace as the installer
// creates it (§1.2, §1.3).
func (in *Install) modelledNamespace(src model.Source) model.Namespace {
	l := map[string]string{model.NamespaceNameLabel: in.Namespace}
	if in.Release.AtLeast(4) {
		l[labelIsControlPlane] = "true"
	}
	if in.Release.AtLeast(6) {
		l[labelWebhooks] = "disabled"
	}
	if in.Release.AtLeast(9) {
		l[labelControlPlaneNS] = in.Namespace
	}
	return model.Namespace{Name: in.Namespace, Labels: l, Annotations: map[string]string{annotationInject: "disabled"}, Source: src}
}

// componentOf is the linkerd.io/control-plane-component value a pods peer
// selects in the control-plane namespace ns ("" for other peers).
func componentOf(p mesh.Peer, ns string) string {
	if p.Kind != mesh.PeerPods || p.Namespace != ns || p.PodSelector == nil {
		return ""
	}
	return p.PodSelector.MatchLabels[labelComponent]
}

// addModelled adds the modelled control plane to out (a copy-on-write copy
// of c, see Inject): its workloads after c's, its namespace unless c
// declares it.
func (in *Install) addModelled(out, c *model.Cluster) {
	ws, ns := in.modelled(in.Flows())
	out.Workloads = append(slices.Clip(out.Workloads), ws...)
	if !slices.ContainsFunc(c.Namespaces, func(n model.Namespace) bool { return n.Name == ns.Name && !n.Implicit }) {
		out.Namespaces = append(slices.DeleteFunc(slices.Clone(out.Namespaces), func(n model.Namespace) bool { return n.Name == ns.Name }), ns)
	}
}

// ModelledComponents lists the components of the modelled control plane
// (none when the input holds the control plane).
func (in *Install) ModelledComponents() []string {
	if !in.Modelled {
		return nil
	}
	ws, _ := in.modelled(in.Flows())
	var out []string
	for _, w := range ws {
		out = append(out, strings.TrimPrefix(w.Name, "linkerd-"))
	}
	return out
}
