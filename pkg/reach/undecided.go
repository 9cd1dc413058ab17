package reach

import (
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// This file keeps "cannot know" for what the engine evaluates but the
// manifests cannot decide: a cluster policy rule matching by domainNames
// (the addresses a name resolves to are not in the manifests). Such a
// policy joins the unevaluated ones (unevaluated.go) for the pairs the
// engine leaves undecided (policy.Engine.Undecided), so every verb that
// says "could change" says it of them too.

// whyDomainNames is what CouldChange.Why says of such a policy.
const whyDomainNames = "matches by domainNames, which the manifests cannot resolve"

// domainNamePolicies are the cluster policies of c with an Accept rule
// matching by domainNames (the only rules the manifests cannot decide:
// in a Deny or Pass rule domainNames fails closed), as unevaluated
// entries limited to undecided pairs. Policies that do not compile are
// the engine's error, not listed here.
func domainNamePolicies(c *model.Cluster) []unevaluated {
	var out []unevaluated
	for i := range c.ClusterPolicies {
		cp := &c.ClusterPolicies[i]
		p, err := tier.Compile(cp)
		if err != nil || !hasDomainNames(p) {
			continue
		}
		kind, version := clusterPolicyType(cp)
		obj := &model.Object{APIVersion: version, Kind: kind, Name: cp.Name(), Source: cp.Source}
		sub := p.Subject
		out = append(out, unevaluated{obj: obj, selects: "pods of its subject; " + whyDomainNames, undecidedOnly: true,
			match: func(ep *policy.Endpoint, ns labels.Set) bool {
				return sub.Selects(&tier.Endpoint{Pod: !ep.IsExternal() && !ep.HostNetwork, Namespace: ep.Namespace,
					Labels: labels.Set(ep.Labels), NamespaceLabels: ns})
			}})
	}
	return out
}

func hasDomainNames(p *tier.Policy) bool {
	for _, rs := range p.Rules {
		for _, r := range rs {
			for _, pe := range r.Peers {
				if pe.Kind == tier.PeerDomainNames && r.Action == tier.Accept && r.Invalid == "" {
					return true
				}
			}
		}
	}
	return false
}

// clusterPolicyType is the kind and apiVersion of a cluster policy.
func clusterPolicyType(cp *model.ClusterPolicy) (kind, apiVersion string) {
	switch {
	case cp.CNP != nil:
		return "ClusterNetworkPolicy", "policy.networking.k8s.io/v1alpha2"
	case cp.ANP != nil:
		return "AdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"
	}
	return "BaselineAdminNetworkPolicy", "policy.networking.k8s.io/v1alpha1"
}
