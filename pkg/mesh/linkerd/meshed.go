package linkerd

import (
	"github.com/podreach/podreach/pkg/model"
)

// Meshed reports whether w's pods carry the Linkerd proxy: the pod template
// already has a linkerd-proxy container (manual injection, the control
// plane, or a cluster read back after injection), or the proxy injector
// would inject it when the pods are created.
func (in *Install) Meshed(c *model.Cluster, w *model.Workload) bool {
	return hasProxy(&w.Template) || in.wouldInject(c, w)
}

// hasProxy reports whether a pod spec has the proxy, as a regular or an
// init container (native sidecar, linkerd.md §1.2 2.15/2.20).
func hasProxy(spec *model.PodSpec) bool { return spec.HasContainer(containerProxy) }

// wouldInject applies the proxy injector's rules to w (pkg/inject in
// linkerd2; linkerd.md §1.3 webhook table).
func (in *Install) wouldInject(c *model.Cluster, w *model.Workload) bool {
	return in.wouldInjectIn(namespaceOf(c, w.Namespace), w)
}

// wouldInjectIn is wouldInject for w in namespace ns. The rules, in order,
// are quoted above the branches that implement them.
func (in *Install) wouldInjectIn(ns model.Namespace, w *model.Workload) bool {
	if !in.injectorRuns() {
		return false
	}
	// The injector skips pods on the host network: iptables redirection
	// would capture the node's traffic.
	if w.Template.HostNetwork {
		return false
	}
	// Webhook namespaceSelector: NOT config.linkerd.io/admission-webhooks=disabled
	// (§1.3; the control-plane namespace carries that label from 2.6, §1.2).
	if ns.Labels[labelWebhooks] == "disabled" {
		return false
	}
	// Webhook namespaceSelector from 2.12: kubernetes.io/metadata.name
	// NotIn (kube-system, cert-manager) (§1.2, §1.3).
	if in.Release.AtLeast(12) && (ns.Name == "kube-system" || ns.Name == "cert-manager") {
		return false
	}
	// linkerd.io/inject on the pod (template) overrides the namespace's;
	// "enabled" and "ingress" inject, "disabled" (or anything else) does not.
	mode := w.Template.Annotations[annotationInject]
	if mode == "" {
		mode = ns.Annotations[annotationInject]
	}
	return mode == "enabled" || mode == "ingress"
}

// MeshedWorkloads reports Meshed for every workload of c, in order: one
// pass over the cluster instead of one namespace lookup per workload.
func (in *Install) MeshedWorkloads(c *model.Cluster) []bool {
	out := make([]bool, len(c.Workloads))
	nss := namespaceIndex(c)
	for i := range c.Workloads {
		w := &c.Workloads[i]
		out[i] = hasProxy(&w.Template) || in.wouldInjectIn(nss.of(w.Namespace), w)
	}
	return out
}

// injectorRuns reports whether the proxy injector webhook is installed: always
// from 2.4; before, only with --proxy-auto-inject, i.e. when its pods are in
// the input (§1.1, §1.2 row 2.4).
func (in *Install) injectorRuns() bool {
	return in.Release.AtLeast(4) || in.HasComponent("proxy-injector")
}

// namespaceOf returns the namespace called name, or one with just its name
// when the cluster does not declare it.
func namespaceOf(c *model.Cluster, name string) model.Namespace {
	for _, ns := range c.Namespaces {
		if ns.Name == name {
			return ns
		}
	}
	return model.Namespace{Name: name, Implicit: true}
}

// nsIndex finds a cluster's namespaces by name as namespaceOf does (the
// first one of a name wins).
type nsIndex struct {
	c     *model.Cluster
	index map[string]int
}

func namespaceIndex(c *model.Cluster) nsIndex {
	x := nsIndex{c: c, index: make(map[string]int, len(c.Namespaces))}
	for i := range c.Namespaces {
		if _, dup := x.index[c.Namespaces[i].Name]; !dup {
			x.index[c.Namespaces[i].Name] = i
		}
	}
	return x
}

// of is namespaceOf(c, name).
func (x nsIndex) of(name string) model.Namespace {
	if i, ok := x.index[name]; ok {
		return x.c.Namespaces[i]
	}
	return model.Namespace{Name: name, Implicit: true}
}
