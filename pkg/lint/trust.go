package lint

import (
	"fmt"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// tenantKeys returns the keys sel reads other than
// kubernetes.io/metadata.name.
func tenantKeys(sel labels.Selector) []string {
	reqs, _ := sel.Requirements()
	var out []string
	for _, r := range reqs {
		if r.Key() != model.NamespaceNameLabel {
			out = append(out, r.Key())
		}
	}
	return out
}

// pinned reports whether sel names its namespaces: a requirement that
// kubernetes.io/metadata.name equals or is in a list of names.
func pinned(sel labels.Selector) bool {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if op := r.Operator(); r.Key() == model.NamespaceNameLabel && (op == selection.Equals || op == selection.DoubleEquals || op == selection.In) {
			return true
		}
	}
	return false
}

// checkNamespaceTrust: namespace-label-trust. Namespace labels other than
// kubernetes.io/metadata.name ("The Kubernetes control plane sets an
// immutable label kubernetes.io/metadata.name on all namespaces") are set
// by whoever may label the namespace: a namespaceSelector on them admits
// any namespace someone labels so.
func checkNamespaceTrust(s *scope) []Finding {
	var out []Finding
	s.eachPeer(func(at peerAt) {
		pe := at.peer
		if pe.Kind != netpol.PeerPods || pe.NamespaceSelector == nil || pinned(pe.NamespaceSelector) {
			return
		}
		ks := tenantKeys(pe.NamespaceSelector)
		if len(ks) == 0 {
			return
		}
		now := s.namespaces(pe.NamespaceSelector)
		out = append(out, s.onPolicy(at.pol, at.field+".namespaceSelector",
			fmt.Sprintf("namespaceSelector %s trusts the label %s, which anyone allowed to label a namespace can set: every namespace so labelled is admitted (today: %s)",
				pe.NamespaceSelector.Key, strings.Join(ks, ", "), listOrNone(now)),
			fmt.Sprintf("select the namespaces by name: matchExpressions [{key: %s, operator: In, values: [%s]}]",
				model.NamespaceNameLabel, strings.Join(now, ", "))))
	})
	return out
}

// checkCrossNamespace: cross-namespace-pod-selector. A podSelector
// together with a namespaceSelector that does not name its namespaces
// admits pods by labels set in namespaces the policy's owner does not
// control: anyone who can create a pod there can carry the labels.
func checkCrossNamespace(s *scope) []Finding {
	var out []Finding
	s.eachPeer(func(at peerAt) {
		pe := at.peer
		if pe.Kind != netpol.PeerPods || pe.NamespaceSelector == nil || pinned(pe.NamespaceSelector) ||
			pe.PodSelector == nil || pe.PodSelector.Empty() {
			return
		}
		out = append(out, s.onPolicy(at.pol, at.field+".podSelector",
			fmt.Sprintf("podSelector %s applies in %s: any pod created there with these labels is admitted, whoever owns its namespace",
				pe.PodSelector.Key, scopeText(pe, s.policies[at.pol].Namespace)),
			"also name the namespaces the pods run in (namespaceSelector on kubernetes.io/metadata.name)"))
	})
	return out
}

// listOrNone is the comma-separated list, or "none".
func listOrNone(xs []string) string {
	if len(xs) == 0 {
		return "none"
	}
	return strings.Join(xs, ", ")
}
