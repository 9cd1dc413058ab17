package check

import (
	"slices"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/policy"
)

// blockedAnyway reports whether the policies isolating endpoint ep for dir
// admit none of ports from any peer at all: then the flow is blocked
// whatever the unknown other side is (its address, or pods not in the
// input), and it is × rather than ‼. For OneOf flows every port must be
// refused. Named ports count as possibly admitted (they resolve on a
// destination podreach cannot see).
func (r *runner) blockedAnyway(ep int, dir policy.Direction, f mesh.Flow) bool {
	isolating := r.engine().Isolating(ep, dir)
	if len(isolating) == 0 {
		return false
	}
	refused := 0
	for _, p := range f.Ports {
		if !slices.ContainsFunc(isolating, func(id string) bool { return r.ruleCouldAdmit(id, dir, p) }) {
			refused++
		}
	}
	if f.OneOf {
		return refused == len(f.Ports)
	}
	return refused > 0
}

// ruleCouldAdmit reports whether some dir rule of policy id admits port p
// from some peer: "If this field is empty or missing, this rule matches
// all ports" (NetworkPolicyIngressRule.ports), and a rule with no peers
// matches all sources or destinations.
// https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
func (r *runner) ruleCouldAdmit(id string, dir policy.Direction, p mesh.Port) bool {
	for i := range r.c.Policies {
		np := r.c.Policies[i].NetworkPolicy
		if np.Namespace+"/"+np.Name != id {
			continue
		}
		if dir == policy.Ingress {
			return slices.ContainsFunc(np.Spec.Ingress, func(rule networkingv1.NetworkPolicyIngressRule) bool { return portsAdmit(rule.Ports, p) })
		}
		return slices.ContainsFunc(np.Spec.Egress, func(rule networkingv1.NetworkPolicyEgressRule) bool { return portsAdmit(rule.Ports, p) })
	}
	return true // not found: do not claim it blocks
}

// portsAdmit reports whether a rule's ports list could match p.
func portsAdmit(ps []networkingv1.NetworkPolicyPort, p mesh.Port) bool {
	if len(ps) == 0 {
		return true
	}
	for _, np := range ps {
		proto := corev1.ProtocolTCP
		if np.Protocol != nil {
			proto = *np.Protocol
		}
		if string(proto) != p.Protocol.String() {
			continue
		}
		switch {
		case np.Port == nil:
			return true
		case np.Port.StrVal != "":
			return true // a named port: may resolve to p on the destination
		case np.EndPort != nil:
			if np.Port.IntVal <= p.Port && p.Port <= *np.EndPort {
				return true
			}
		case np.Port.IntVal == p.Port:
			return true
		}
	}
	return false
}
