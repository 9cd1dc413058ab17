package synth

import (
	"strings"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// Objects returns c as the Kubernetes objects a cluster would hold, in
// the order kubectl lists kinds: Namespaces, ConfigMaps, workloads, their
// pods (owned as their controllers own them, with status IPs), then
// NetworkPolicies, then Nodes and cluster policies. Loading them back gives c again (externals aside, which
// manifests cannot hold).
func Objects(c *model.Cluster) []any {
	var out []any
	for _, ns := range c.Namespaces {
		labels := clone(ns.Labels)
		delete(labels, model.NamespaceNameLabel) // the API server adds it
		out = append(out, &corev1.Namespace{TypeMeta: typeMeta("v1", "Namespace"),
			ObjectMeta: metav1.ObjectMeta{Name: ns.Name, Labels: nilIfEmptyMap(labels), Annotations: ns.Annotations}})
	}
	for _, o := range c.Objects {
		if o.Kind == "ConfigMap" {
			out = append(out, &corev1.ConfigMap{TypeMeta: typeMeta("v1", "ConfigMap"),
				ObjectMeta: metav1.ObjectMeta{Namespace: o.Namespace, Name: o.Name, Labels: o.Labels, Annotations: o.Annotations},
				Data:       o.Data})
		}
	}
	for i := range c.Workloads {
		if w := workloadObject(&c.Workloads[i]); w != nil {
			out = append(out, w)
		}
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		for j := range w.Pods {
			out = append(out, podObject(w, &w.Pods[j]))
		}
	}
	for _, p := range c.Policies {
		out = append(out, p.NetworkPolicy)
	}
	return append(out, tierObjects(c)...)
}

func typeMeta(apiVersion, kind string) metav1.TypeMeta {
	return metav1.TypeMeta{APIVersion: apiVersion, Kind: kind}
}

func nilIfEmptyMap(m map[string]string) map[string]string {
	if len(m) == 0 {
		return nil
	}
	return m
}

// workloadObject is the controller object of w; nil for a bare Pod, whose
// pod object stands for it (or which podObject writes when it has no
// instance).
func workloadObject(w *model.Workload) any {
	meta := metav1.ObjectMeta{Namespace: w.Namespace, Name: w.Name, Labels: w.Labels, Annotations: w.Annotations}
	tmpl := podTemplate(w.Template)
	sel := &metav1.LabelSelector{MatchLabels: w.Template.Labels}
	replicas := w.Replicas
	switch w.Kind {
	case model.KindDeployment:
		return &appsv1.Deployment{TypeMeta: typeMeta("apps/v1", "Deployment"), ObjectMeta: meta,
			Spec: appsv1.DeploymentSpec{Replicas: &replicas, Selector: sel, Template: tmpl}}
	case model.KindStatefulSet:
		return &appsv1.StatefulSet{TypeMeta: typeMeta("apps/v1", "StatefulSet"), ObjectMeta: meta,
			Spec: appsv1.StatefulSetSpec{Replicas: &replicas, Selector: sel, Template: tmpl, ServiceName: w.Name}}
	case model.KindDaemonSet:
		return &appsv1.DaemonSet{TypeMeta: typeMeta("apps/v1", "DaemonSet"), ObjectMeta: meta,
			Spec: appsv1.DaemonSetSpec{Selector: sel, Template: tmpl}}
	case model.KindJob:
		tmpl.Spec.RestartPolicy = corev1.RestartPolicyNever
		return &batchv1.Job{TypeMeta: typeMeta("batch/v1", "Job"), ObjectMeta: meta,
			Spec: batchv1.JobSpec{Template: tmpl}}
	case model.KindPod:
		if len(w.Pods) == 0 {
			return &corev1.Pod{TypeMeta: typeMeta("v1", "Pod"), ObjectMeta: meta, Spec: podSpec(w.Template)}
		}
	}
	return nil
}

func podTemplate(s model.PodSpec) corev1.PodTemplateSpec {
	return corev1.PodTemplateSpec{ObjectMeta: metav1.ObjectMeta{Labels: s.Labels, Annotations: s.Annotations}, Spec: podSpec(s)}
}

// podSpec writes init containers that declare ports as native sidecars
// (restartPolicy Always), as the generator means them.
func podSpec(s model.PodSpec) corev1.PodSpec {
	out := corev1.PodSpec{HostNetwork: s.HostNetwork}
	always := corev1.ContainerRestartPolicyAlways
	for _, c := range s.Containers {
		ct := corev1.Container{Name: c.Name, Image: c.Image}
		for _, p := range c.Ports {
			ct.Ports = append(ct.Ports, corev1.ContainerPort{Name: p.Name, ContainerPort: p.Port, Protocol: corev1.Protocol(p.Protocol.String())})
		}
		if c.Init {
			ct.RestartPolicy = &always
			out.InitContainers = append(out.InitContainers, ct)
		} else {
			out.Containers = append(out.Containers, ct)
		}
	}
	return out
}

// podObject is one pod instance of w, owned as its controller owns it: a
// Deployment's pods by the ReplicaSet <deployment>-<pod-template-hash>.
func podObject(w *model.Workload, p *model.Pod) *corev1.Pod {
	meta := metav1.ObjectMeta{Namespace: w.Namespace, Name: p.Name, Labels: p.Spec.Labels, Annotations: p.Spec.Annotations}
	owner := metav1.OwnerReference{Name: w.Name, Kind: w.Kind.String(), Controller: new(true)}
	switch w.Kind {
	case model.KindDeployment:
		owner.APIVersion, owner.Kind = "apps/v1", "ReplicaSet"
		owner.Name = w.Name + "-" + p.Spec.Labels["pod-template-hash"]
	case model.KindStatefulSet, model.KindDaemonSet:
		owner.APIVersion = "apps/v1"
	case model.KindJob:
		owner.APIVersion = "batch/v1"
	}
	if w.Kind != model.KindPod {
		meta.OwnerReferences = []metav1.OwnerReference{owner}
	}
	pod := &corev1.Pod{TypeMeta: typeMeta("v1", "Pod"), ObjectMeta: meta, Spec: podSpec(p.Spec)}
	pod.Spec.NodeName = p.NodeName
	for _, ip := range p.IPs {
		pod.Status.PodIPs = append(pod.Status.PodIPs, corev1.PodIP{IP: ip.String()})
	}
	if len(p.IPs) > 0 {
		pod.Status.PodIP = p.IPs[0].String()
		pod.Status.Phase = corev1.PodRunning
	}
	return pod
}

// yamlPlain reports whether s can be written as a plain YAML scalar that
// every YAML 1.1 and 1.2 reader takes for the same string: it starts with a
// letter, holds only letters, digits and ._/- and is no boolean or null
// word.
func yamlPlain(s string) bool {
	if s == "" || !isLetter(s[0]) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !isLetter(c) && (c < '0' || c > '9') && !strings.ContainsRune("._/-", rune(c)) {
			return false
		}
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null":
		return false
	}
	return true
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }
