package linkerd

import (
	"maps"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// Inject returns a copy of c in which every workload the injector would
// mesh (Meshed, but without a proxy yet) and every one of its pods carry
// what injection adds for this release. It models the cluster once all
// such pods have been (re)created. c is not modified. When the control
// plane is Modelled, its workloads follow c's (same indexes for c's).
//
// The copy is copy-on-write: the workloads injection changes get their own
// template and pods (with their own label and annotation maps and
// container lists); everything else — other workloads, namespaces,
// policies, the pods of an injected workload that already had a proxy,
// containers' port lists — is shared with c, and neither may be modified.
// Its slices are clipped, so appending to them never writes into c.
func (in *Install) Inject(c *model.Cluster) *model.Cluster {
	out := *c
	out.Namespaces, out.Services, out.Policies = slices.Clip(c.Namespaces), slices.Clip(c.Services), slices.Clip(c.Policies)
	out.Objects, out.Externals, out.Gaps = slices.Clip(c.Objects), slices.Clip(c.Externals), slices.Clip(c.Gaps)
	out.Unevaluated, out.ClusterPolicies, out.Nodes = slices.Clip(c.Unevaluated), slices.Clip(c.ClusterPolicies), slices.Clip(c.Nodes)
	out.MeshPolicies = slices.Clip(c.MeshPolicies)
	out.Workloads = slices.Clip(c.Workloads)
	if in.Modelled {
		defer in.addModelled(&out, c)
	}
	if !in.injectorRuns() {
		return &out
	}
	nss := namespaceIndex(c)
	copied := false
	for i := range c.Workloads {
		w := &c.Workloads[i]
		ns := nss.of(w.Namespace)
		if hasProxy(&w.Template) || !in.wouldInjectIn(ns, w) {
			continue
		}
		if !copied {
			out.Workloads, copied = slices.Clone(c.Workloads), true
		}
		in.injectWorkload(&out.Workloads[i], ns)
	}
	return &out
}

// injectWorkload gives w (a shallow copy) its injected template and pods;
// pods that already have the proxy stay shared.
func (in *Install) injectWorkload(w *model.Workload, ns model.Namespace) {
	labels := in.injectedLabels(w)
	w.Template = in.injectedSpec(w.Template, ns, labels)
	if len(w.Pods) == 0 {
		return
	}
	w.Pods = slices.Clone(w.Pods)
	for j := range w.Pods {
		if p := &w.Pods[j]; !hasProxy(&p.Spec) {
			p.Spec = in.injectedSpec(p.Spec, ns, labels)
		}
	}
}

// injectedSpec returns spec with the labels, inherited annotations and
// containers of an injected pod, in maps and a container list of its own
// (spec's are not modified).
func (in *Install) injectedSpec(spec model.PodSpec, ns model.Namespace, labels map[string]string) model.PodSpec {
	l := make(map[string]string, len(spec.Labels)+len(labels))
	maps.Copy(l, spec.Labels)
	maps.Copy(l, labels)
	spec.Labels = l
	spec.Annotations = inheritAnnotations(maps.Clone(spec.Annotations), ns.Annotations)
	spec.Containers = append(in.injectedContainers(), spec.Containers...)
	return spec
}

// injectedLabels are the labels the injector puts on a pod (linkerd.md §1.8,
// pkg/inject/inject.go populateMeta):
//   - linkerd.io/control-plane-ns=<control-plane namespace>, every release;
//   - linkerd.io/workload-ns=<pod namespace>, from 2.9 (§1.2);
//   - linkerd.io/proxy-<kind>=<name> for the pod's owner: deployment,
//     replicaset, replicationcontroller, statefulset, daemonset, job,
//     cronjob; bare pods get none (§1.8).
func (in *Install) injectedLabels(w *model.Workload) map[string]string {
	l := map[string]string{labelControlPlaneNS: in.Namespace}
	if in.Release.AtLeast(9) {
		l[labelWorkloadNS] = w.Namespace
	}
	if kind := ownerLabelKind(w.Kind); kind != "" {
		l[labelProxyPrefix+kind] = w.Name
	}
	return l
}

// ownerLabelKind is the <kind> in linkerd.io/proxy-<kind> for pods of a
// workload of kind k.
//
// CronJob: §1.8 lists linkerd.io/proxy-cronjob for injected CronJobs. A
// CronJob's pods are created by Jobs; the current injector resolves a Job's
// owner as it does a ReplicaSet's (controller/k8s/api.go
// GetOwnerKindAndName), so they are labelled proxy-cronjob=<cronjob>. Older
// injectors labelled them proxy-job=<generated job name>, which a snapshot
// cannot know; podreach uses the current behaviour for every release.
func ownerLabelKind(k model.Kind) string {
	switch k {
	case model.KindDeployment, model.KindStatefulSet, model.KindDaemonSet,
		model.KindReplicaSet, model.KindReplicationController, model.KindJob,
		model.KindCronJob:
		return strings.ToLower(k.String())
	}
	return "" // bare pods (and unknown kinds)
}

// inheritAnnotations copies the namespace's config.linkerd.io/* (and
// config.alpha.linkerd.io/*) annotations the pod does not set itself: the
// injector does so at pod creation (linkerd.md §6.2 item 2,
// AppendNamespaceAnnotations). This is how a namespace-level opaque-ports
// or skip-inbound-ports setting reaches TransportPort.
func inheritAnnotations(pod, ns map[string]string) map[string]string {
	for k, v := range ns {
		if !strings.HasPrefix(k, "config.linkerd.io/") && !strings.HasPrefix(k, "config.alpha.linkerd.io/") {
			continue
		}
		if _, set := pod[k]; set {
			continue
		}
		if pod == nil {
			pod = map[string]string{}
		}
		pod[k] = v
	}
	return pod
}

// injectedContainers are the containers injection adds, ahead of the pod's
// own (only names, init flags and ports matter to podreach):
//   - linkerd-init, the iptables init container, unless linkerd-cni does its
//     job; with CNI, 2.13+ adds linkerd-network-validator instead (§1.7);
//   - linkerd-proxy with ports 4143 "linkerd-proxy" and 4191 "linkerd-admin"
//     ("linkerd-metrics" before 2.3, §1.1); an init container (native
//     sidecar) when NativeSidecar is on, the default from 2.20 (§1.2; the
//     identity pod keeps a regular sidecar, but control-plane pods are never
//     injected here). Port 4190 (tap) is not declared (§2).
func (in *Install) injectedContainers() []model.Container {
	var out []model.Container
	switch {
	case !in.CNI:
		out = append(out, model.Container{Name: containerInit, Init: true})
	case in.Release.AtLeast(13):
		out = append(out, model.Container{Name: "linkerd-network-validator", Init: true})
	}
	admin := "linkerd-admin"
	if !in.Release.AtLeast(3) {
		admin = "linkerd-metrics"
	}
	return append(out, model.Container{
		Name:  containerProxy,
		Image: in.image("proxy"),
		Init:  in.NativeSidecar,
		Ports: []model.ContainerPort{
			{Container: containerProxy, Name: "linkerd-proxy", Port: portInbound, Protocol: model.TCP},
			{Container: containerProxy, Name: admin, Port: portAdmin, Protocol: model.TCP},
		},
	})
}

// image is the proxy image reference, for display only (images do not
// affect flows). The registry moved from gcr.io/linkerd-io to cr.l5d.io in
// 2.10.
func (in *Install) image(name string) string {
	registry := "cr.l5d.io/linkerd/"
	if !in.Release.AtLeast(10) {
		registry = "gcr.io/linkerd-io/"
	}
	return registry + name + ":" + in.Release.String()
}
