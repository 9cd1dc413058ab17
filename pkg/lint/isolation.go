package lint

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/model"
)

// systemNamespace reports whether ns is one of the namespaces Kubernetes
// creates for itself, which platform teams rarely isolate with
// NetworkPolicy (kube-system's DNS and add-ons must stay reachable).
func systemNamespace(ns string) bool {
	switch ns {
	case "kube-system", "kube-public", "kube-node-lease":
		return true
	}
	return false
}

// checkUnisolated: namespace-unisolated. "By default, a pod is
// non-isolated for ingress; all inbound connections are allowed": a
// namespace with workloads and no NetworkPolicy is wide open, which is
// rarely meant in a cluster whose other namespaces are isolated.
func checkUnisolated(s *scope) []Finding {
	withPolicy := map[string]bool{}
	isolated := ""
	for i, p := range s.policies {
		withPolicy[p.Namespace] = true
		if isolated == "" && len(s.selected[i]) > 0 {
			isolated = p.Namespace
		}
	}
	if isolated == "" {
		return nil // nothing is isolated: no contrast to draw
	}
	var out []Finding
	for _, ns := range s.c.Namespaces {
		ws := slices.DeleteFunc(slices.Clone(s.byNS[ns.Name]), func(i int) bool { return !s.given[s.c.Workloads[i].ID()] })
		if len(ws) == 0 || withPolicy[ns.Name] || systemNamespace(ns.Name) {
			continue
		}
		src := ns.Source
		if ns.Implicit || src == (model.Source{}) {
			src = s.c.Workloads[ws[0]].Source
		}
		out = append(out, Finding{Object: namespaceObject(ns.Name), Source: src,
			Message: fmt.Sprintf("namespace %s has %d workload(s) (%s) and no NetworkPolicy, while namespaces such as %s are isolated: every pod of the cluster, and every address outside it, can reach them on every port",
				ns.Name, len(ws), s.workloadNames(ws, 3), isolated),
			Hint: fmt.Sprintf("add a default-deny policy to %s (podSelector: {}, policyTypes: [Ingress]) and admit what its workloads need", ns.Name)})
	}
	return out
}
