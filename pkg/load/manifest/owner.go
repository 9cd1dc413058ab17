package manifest

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// resolveOwners returns the workloads, with every pod attached to the
// declared workload that owns it, so no pod is counted twice:
//   - a ReplicaSet owned by a declared Deployment (by ownerReferences, or
//     named <deployment>-<pod-template-hash>) is dropped: its pods belong to
//     the Deployment; likewise a Job owned by a declared CronJob;
//   - a pod owned by a declared workload is one of its Pods; a pod owned by a
//     dropped ReplicaSet or Job belongs to its Deployment or CronJob, and one
//     owned by an undeclared ReplicaSet <deployment>-<hash> (hash = the pod's
//     pod-template-hash label) to that Deployment;
//   - any other pod is a workload of kind Pod of its own.
func resolveOwners(workloads map[objKey]*workloadRecord, pods []*podRecord) []model.Workload {
	parent := make(map[objKey]objKey) // dropped ReplicaSet or Job -> owner
	for k, w := range workloads {
		switch k.kind {
		case "ReplicaSet":
			if d, ok := rsDeployment(workloads, k, w); ok {
				parent[k] = d
			}
		case "Job":
			if cj, ok := declaredOwner(workloads, k.namespace, w.owners, "CronJob"); ok {
				parent[k] = cj
			}
		}
	}
	out := make([]model.Workload, 0, len(workloads)+len(pods))
	for _, p := range pods {
		if k, ok := podOwner(workloads, parent, p); ok {
			w := &workloads[k].w
			w.Pods = append(w.Pods, p.pod)
			continue
		}
		out = append(out, model.Workload{
			Kind:        model.KindPod,
			Namespace:   p.ns,
			Name:        p.pod.Name,
			Labels:      p.pod.Spec.Labels,
			Annotations: p.pod.Spec.Annotations,
			Template:    p.pod.Spec,
			Replicas:    1,
			Pods:        []model.Pod{p.pod},
			Source:      p.pod.Source,
		})
	}
	for k, w := range workloads {
		if _, dropped := parent[k]; !dropped {
			out = append(out, w.w)
		}
	}
	return out
}

// rsDeployment returns the declared Deployment that owns a ReplicaSet.
func rsDeployment(workloads map[objKey]*workloadRecord, k objKey, rs *workloadRecord) (objKey, bool) {
	if d, ok := declaredOwner(workloads, k.namespace, rs.owners, "Deployment"); ok {
		return d, true
	}
	return deploymentByHash(workloads, k.namespace, k.name, rs.hash)
}

// deploymentByHash finds the declared Deployment a ReplicaSet named
// <deployment>-<hash> belongs to.
func deploymentByHash(workloads map[objKey]*workloadRecord, ns, rsName, hash string) (objKey, bool) {
	if hash == "" {
		return objKey{}, false
	}
	name, ok := strings.CutSuffix(rsName, "-"+hash)
	if !ok || name == "" {
		return objKey{}, false
	}
	d := objKey{"Deployment", ns, name}
	_, ok = workloads[d]
	return d, ok
}

// declaredOwner returns the declared owner of the given kind.
func declaredOwner(workloads map[objKey]*workloadRecord, ns string, refs []metav1.OwnerReference, kind string) (objKey, bool) {
	for _, r := range refs {
		if k := (objKey{r.Kind, ns, r.Name}); r.Kind == kind {
			if _, ok := workloads[k]; ok {
				return k, true
			}
		}
	}
	return objKey{}, false
}

// podOwner returns the workload a pod is an instance of. The controller
// reference is tried first.
func podOwner(workloads map[objKey]*workloadRecord, parent map[objKey]objKey, p *podRecord) (objKey, bool) {
	ns := p.ns
	refs := make([]metav1.OwnerReference, 0, len(p.owners))
	for _, r := range p.owners {
		if r.Controller != nil && *r.Controller {
			refs = append([]metav1.OwnerReference{r}, refs...)
		} else {
			refs = append(refs, r)
		}
	}
	for _, r := range refs {
		k := objKey{r.Kind, ns, r.Name}
		if _, ok := workloads[k]; ok {
			if pk, dropped := parent[k]; dropped {
				return pk, true
			}
			return k, true
		}
		if r.Kind == "ReplicaSet" {
			if d, ok := deploymentByHash(workloads, ns, r.Name, p.pod.Spec.Labels[podTemplateHashLabel]); ok {
				return d, true
			}
		}
	}
	return objKey{}, false
}
