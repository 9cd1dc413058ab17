package lint

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// The cluster-wide tiers (ClusterNetworkPolicy, AdminNetworkPolicy,
// BaselineAdminNetworkPolicy) select namespaces and pods as NetworkPolicy
// peers do: "namespaces" selects namespaces by label, "pods" pods by their
// namespace's labels and their own
// (https://network-policy-api.sigs.k8s.io/reference/spec/). Their subjects
// and peers get the same selector-no-match and policy-selects-nothing
// findings, on the same field names in both API versions.

// TierObject is how a finding names cluster policy p (Finding.Object):
// "ClusterNetworkPolicy name", "AdminNetworkPolicy name" or
// "BaselineAdminNetworkPolicy name".
func TierObject(p *model.ClusterPolicy) string {
	switch {
	case p.CNP != nil:
		return "ClusterNetworkPolicy " + p.Name()
	case p.ANP != nil:
		return "AdminNetworkPolicy " + p.Name()
	}
	return "BaselineAdminNetworkPolicy " + p.Name()
}

// tierAnnotations are the annotations of p.
func tierAnnotations(p *model.ClusterPolicy) map[string]string {
	switch {
	case p.CNP != nil:
		return p.CNP.Annotations
	case p.ANP != nil:
		return p.ANP.Annotations
	case p.BANP != nil:
		return p.BANP.Annotations
	}
	return nil
}

// tierMisses returns the findings about the selectors of cluster policy
// i's subject (subject true) or rule peers.
func (s *scope) tierMisses(subject bool) []Finding {
	cps, err := tier.CompileAll(s.c.ClusterPolicies)
	if err != nil {
		return nil // the loader reported it
	}
	var out []Finding
	for i, p := range cps {
		on := func(field, msg string) {
			cp := &s.c.ClusterPolicies[i]
			out = append(out, Finding{Object: TierObject(cp), Field: field, Source: cp.Source, Message: msg,
				Hint: "correct the selector to the labels of the namespaces or pods you mean"})
		}
		if subject {
			s.selectorMiss(p.Subject.Namespaces, p.Subject.Pods, "spec.subject", on)
			continue
		}
		for side, rules := range p.Rules {
			for _, r := range rules {
				for j, pe := range r.Peers {
					field := peerField(side, r.Index, j)
					switch pe.Kind {
					case tier.PeerNamespaces:
						s.selectorMiss(pe.Namespaces, nil, field, on)
					case tier.PeerPods:
						s.selectorMiss(nil, &pe.Pods, field, on)
					}
				}
			}
		}
	}
	return out
}

// selectorMiss reports, through on, a namespaces selector (nss) or a
// namespaced pod selector (pods) at field that matches nothing.
func (s *scope) selectorMiss(nss labels.Selector, pods *tier.NamespacedPod, field string, on func(field, msg string)) {
	if pods != nil {
		field, nss = field+".pods", pods.Namespace
	} else {
		field += ".namespaces"
	}
	if nss == nil {
		return
	}
	var names []string
	for _, ns := range s.c.Namespaces {
		if nss.Matches(s.nsLabels[ns.Name]) {
			names = append(names, ns.Name)
		}
	}
	if len(names) == 0 && !nss.Empty() {
		if pods != nil {
			field += ".namespaceSelector"
		}
		req, sug := newLabelPool(s.namespaceLabels()).miss(nss)
		on(field, fmt.Sprintf("namespace selector %s matches no namespace in the input%s", nss.String(), missText(req, sug)))
		return
	}
	if pods == nil || pods.Pod == nil || pods.Pod.Empty() || onControllerLabel(pods.Pod) {
		return
	}
	var pool []int
	for _, ns := range names {
		if len(s.matching(pods.Pod, s.byNS[ns])) > 0 {
			return
		}
		pool = append(pool, s.byNS[ns]...)
	}
	if len(pool) > 0 {
		req, sug := newLabelPool(s.workloadLabels(pool)).miss(pods.Pod)
		on(field+".podSelector", fmt.Sprintf("podSelector %s matches none of the %d workloads of the namespaces it looks in%s",
			pods.Pod.String(), len(pool), missText(req, sug)))
	}
}
