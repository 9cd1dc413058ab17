package lint

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// isControllerLabel reports whether k is a pod label controllers add when
// they create pods (pod-template-hash, the StatefulSet pod name, Job
// names): present on pods, absent from templates, so a selector on it
// cannot be judged from manifests without the pods.
func isControllerLabel(k string) bool {
	switch k {
	case "pod-template-hash", "controller-revision-hash", "statefulset.kubernetes.io/pod-name",
		"apps.kubernetes.io/pod-index", "job-name", "controller-uid", "batch.kubernetes.io/job-name",
		"batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-completion-index":
		return true
	}
	return false
}

// onControllerLabel reports whether sel reads a label controllers add.
func onControllerLabel(sel labels.Selector) bool {
	reqs, _ := sel.Requirements()
	return slices.ContainsFunc(reqs, func(r labels.Requirement) bool { return isControllerLabel(r.Key()) })
}

// podPool returns the label pool of workloads ws, those of namespaces
// nss (memoized by nss).
func (s *scope) podPool(nss []string, ws []int) *labelPool {
	k := strings.Join(nss, ",")
	if p, ok := s.pools[k]; ok {
		return p
	}
	p := &labelPool{
		has: func(key, value string) bool {
			return slices.ContainsFunc(nss, func(n string) bool { return len(s.byLabel[labelAt{n, key, value}]) > 0 })
		},
		setsOf: func() []labels.Set { return s.workloadLabels(ws) },
		labelsOf: func() []labelKV {
			var out []labelKV
			for _, n := range nss {
				out = append(out, s.nsLabelKVs[n]...)
			}
			return out
		},
	}
	s.pools[k] = p
	return p
}

// workloadLabels returns the label sets of workloads ws: templates and
// known pods.
func (s *scope) workloadLabels(ws []int) []labels.Set {
	var out []labels.Set
	for _, i := range ws {
		w := &s.c.Workloads[i]
		out = append(out, w.Template.Labels)
		for j := range w.Pods {
			out = append(out, w.Pods[j].Spec.Labels)
		}
	}
	return out
}

// checkPeerSelectors: selector-no-match. A namespaceSelector that matches
// no namespace, or a podSelector that matches no pod of the namespaces in
// its scope (when they have workloads in the input), admits nothing.
func checkPeerSelectors(s *scope) []Finding {
	var out []Finding
	s.eachPeer(func(at peerAt) {
		pe, ns := at.peer, s.policies[at.pol].Namespace
		if pe.Kind != netpol.PeerPods {
			return
		}
		if pe.NamespaceSelector != nil && !pe.NamespaceSelector.Empty() && len(s.namespaces(pe.NamespaceSelector)) == 0 {
			req, sug := newLabelPool(s.namespaceLabels()).miss(pe.NamespaceSelector)
			if pinned(pe.NamespaceSelector) && sug == "" {
				return // a namespace named outright, just not in the input
			}
			out = append(out, s.onPolicy(at.pol, at.field+".namespaceSelector",
				fmt.Sprintf("namespaceSelector %s matches no namespace in the input: this peer admits nothing%s",
					pe.NamespaceSelector.Key, missText(req, sug)),
				"correct the selector to the labels of the namespace you mean (kubernetes.io/metadata.name: NAME selects one by name)"))
			return
		}
		if pe.PodSelector == nil || pe.PodSelector.Empty() || onControllerLabel(pe.PodSelector) {
			return
		}
		var pool []int
		nss := s.peerScope(pe, ns)
		for _, n := range nss {
			if len(s.inNamespace(pe.PodSelector, n)) > 0 {
				return // it matches
			}
			pool = append(pool, s.byNS[n]...)
		}
		if len(pool) == 0 {
			return // no workloads to judge by
		}
		text := missText(s.podPool(nss, pool).miss(pe.PodSelector))
		out = append(out, s.onPolicy(at.pol, at.field+".podSelector",
			fmt.Sprintf("podSelector %s matches none of the %d workloads in %s: this peer admits nothing%s",
				pe.PodSelector.Key, len(pool), scopeText(pe, ns), text),
			"correct the selector to the labels of the pods you mean"))
	})
	return append(out, s.tierMisses(false)...)
}

// missText says which requirement fails and the nearest existing label
// (see miss): "; nothing has app=fronted; did you mean `app: frontend`?".
func missText(req, sug string) string {
	if req == "" {
		return "; each requirement is met somewhere, but never all together"
	}
	return fmt.Sprintf("; nothing has %s%s", req, didYouMean(sug))
}

// namespaceLabels returns every namespace's labels.
func (s *scope) namespaceLabels() []labels.Set {
	out := make([]labels.Set, 0, len(s.nsLabels))
	for _, ns := range s.c.Namespaces {
		out = append(out, s.nsLabels[ns.Name])
	}
	return out
}

// scopeText names the namespaces a pod peer looks in.
func scopeText(pe *netpol.Peer, policyNS string) string {
	switch {
	case pe.NamespaceSelector == nil:
		return "namespace " + policyNS
	case pe.NamespaceSelector.Empty():
		return "all namespaces"
	}
	return "the namespaces matching " + pe.NamespaceSelector.Key
}

// checkPolicySelectors: policy-selects-nothing. A policy whose podSelector
// selects no pod does nothing; when its namespace has no workloads at all,
// it is reported only if the name is a near miss of a namespace that has
// some (a typo in metadata.namespace).
func checkPolicySelectors(s *scope) []Finding {
	var withPods []string
	for ns := range s.byNS {
		withPods = append(withPods, ns)
	}
	slices.Sort(withPods)
	var out []Finding
	for i, p := range s.policies {
		if len(s.selected[i]) > 0 || onControllerLabel(p.PodSelector) {
			continue
		}
		if ws := s.byNS[p.Namespace]; len(ws) > 0 {
			out = append(out, s.onPolicy(i, "spec.podSelector",
				fmt.Sprintf("podSelector %s selects none of the %d workloads of namespace %s: the policy isolates and admits nothing%s",
					p.PodSelector.Key, len(ws), p.Namespace, missText(s.podPool([]string{p.Namespace}, ws).miss(p.PodSelector))),
				"correct the selector to the labels of the pods the policy is for"))
			continue
		}
		if near, ok := nearest(p.Namespace, withPods); ok {
			out = append(out, s.onPolicy(i, "metadata.namespace",
				fmt.Sprintf("namespace %s has no workloads in the input; did you mean namespace %s?", p.Namespace, near),
				fmt.Sprintf("set metadata.namespace: %s (a NetworkPolicy selects pods of its own namespace only)", near)))
		}
	}
	return append(out, s.tierMisses(true)...)
}
