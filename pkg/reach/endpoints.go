package reach

import (
	"fmt"
	"net/netip"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Level is the granularity of endpoints.
type Level uint8

// Levels.
const (
	LevelUnknown Level = iota
	LevelWorkload
	LevelPod
)

func (l Level) String() string {
	switch l {
	case LevelWorkload:
		return "workload"
	case LevelPod:
		return "pod"
	}
	return "unknown"
}

// ParseLevel parses "workload" or "pod".
func ParseLevel(s string) (Level, error) {
	switch s {
	case "workload", "workloads":
		return LevelWorkload, nil
	case "pod", "pods":
		return LevelPod, nil
	}
	return LevelUnknown, fmt.Errorf("unknown level %q (want workload or pod)", s)
}

// workloadEndpoint stands for every pod of w.
func workloadEndpoint(w *model.Workload) policy.Endpoint {
	ep := templateEndpoint(w, w.Name)
	for _, p := range w.Pods {
		ep.IPs = append(ep.IPs, p.IPs...)
	}
	ep.Single = w.Kind == model.KindPod
	return ep
}

func templateEndpoint(w *model.Workload, name string) policy.Endpoint {
	return policy.Endpoint{
		ID:          w.Namespace + "/" + name,
		Namespace:   w.Namespace,
		Name:        name,
		Kind:        w.Kind,
		Labels:      w.Template.Labels,
		Ports:       w.Template.Ports(),
		HostNetwork: w.Template.HostNetwork,
		Single:      true,
	}
}

func podEndpoint(w *model.Workload, p *model.Pod) policy.Endpoint {
	return policy.Endpoint{
		ID:          w.Namespace + "/" + p.Name,
		Namespace:   w.Namespace,
		Name:        p.Name,
		Kind:        model.KindPod,
		Labels:      p.Spec.Labels,
		Ports:       p.Spec.Ports(),
		IPs:         p.IPs,
		HostNetwork: p.Spec.HostNetwork,
		Single:      true,
	}
}

// podEndpoints lists the pods of w: its known instances; else, with
// expand, one per declared replica (name-0, name-1, …); else one pod
// standing for them all, named after the workload.
func podEndpoints(w *model.Workload, expand bool) []policy.Endpoint {
	if len(w.Pods) > 0 {
		out := make([]policy.Endpoint, len(w.Pods))
		for i := range w.Pods {
			out[i] = podEndpoint(w, &w.Pods[i])
		}
		return out
	}
	if !expand || w.Replicas <= 1 {
		return []policy.Endpoint{templateEndpoint(w, w.Name)}
	}
	out := make([]policy.Endpoint, w.Replicas)
	for i := range out {
		out[i] = templateEndpoint(w, w.Name+"-"+strconv.Itoa(i))
	}
	return out
}

// podSpec is the spec of pod k of workload i of c: a known pod instance,
// else (k -1, or a pod podEndpoints made up) the template; nil for i -1 (an
// external). Inject keeps workloads and pods in place, so the same i, k
// name the same pod in the input and the effective cluster.
func podSpec(c *model.Cluster, i, k int) *model.PodSpec {
	if i < 0 || i >= len(c.Workloads) { // an external; a workload the mesh added (input side)
		return nil
	}
	w := &c.Workloads[i]
	if k >= 0 && k < len(w.Pods) {
		return &w.Pods[k].Spec
	}
	return &w.Template
}

// ParseExternal parses "NAME=CIDR" (a bare address is a /32 or /128).
func ParseExternal(s string) (model.External, error) {
	name, addr, ok := strings.Cut(s, "=")
	if !ok || name == "" || addr == "" {
		return model.External{}, fmt.Errorf("invalid external %q: want NAME=CIDR, e.g. apiserver=172.16.0.2/32", s)
	}
	if p, err := netip.ParsePrefix(addr); err == nil {
		return model.External{Name: name, Prefix: p.Masked()}, nil
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return model.External{}, fmt.Errorf("invalid external %q: %q is neither a CIDR nor an IP address", s, addr)
	}
	return model.External{Name: name, Prefix: netip.PrefixFrom(ip, ip.BitLen())}, nil
}
