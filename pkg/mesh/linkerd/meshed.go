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
// linkerd2; linkerd.md §1.3 webhook table). The rules, in order, are quoted
// above the branches that implement them.
func (in *Install) wouldInject(c *model.Cluster, w *model.Workload) bool {
	if !in.injectorRuns() {
		return false
	}
	// The injector skips pods on the host network: iptables redirection
	// would capture the node's traffic.
	if w.Template.HostNetwork {
		return false
	}
	ns := namespaceOf(c, w.Namespace)
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
