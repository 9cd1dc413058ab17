package lint

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// sideName is "Ingress" or "Egress", as policyTypes spells it.
func sideName(side int) string {
	if side == netpol.IngressSide {
		return "Ingress"
	}
	return "Egress"
}

// rulesField is "spec.ingress" or "spec.egress".
func rulesField(side int) string { return "spec." + direction(side) }

// defaultDeny reports whether p denies direction side to the pods of its
// namespace: podSelector {}, that direction in policyTypes, and no rule
// for it.
func defaultDeny(p *netpol.Policy, side int) bool {
	return p.PodSelector.Empty() && p.Isolates[side] && len(p.Rules[side]) == 0
}

// checkOneWay: isolated-one-way. "If any policy selects a pod, the pod is
// restricted to what is allowed by the union of those policies'
// ingress/egress rules" — per direction: a pod no policy isolates for
// egress may connect anywhere, whatever its ingress policies say. A policy
// that names one direction only is reported, for the pods it selects that
// no policy isolates in the other direction, when the policy set clearly
// meant both:
//   - dead rules: the policy has rules for the other direction, which its
//     explicit policyTypes make the API ignore;
//   - the namespace's pattern: every other policy of the namespace (at
//     least two) names both directions;
//   - the cluster's pattern: the policy is a default deny (podSelector {},
//     no rule) and another namespace default-denies both directions.
func checkOneWay(s *scope) []Finding {
	isolated := [2][]bool{make([]bool, len(s.c.Workloads)), make([]bool, len(s.c.Workloads))}
	byNS := map[string][]int{}
	for pol, p := range s.policies {
		byNS[p.Namespace] = append(byNS[p.Namespace], pol)
		for side := range isolated {
			if p.Isolates[side] {
				for _, w := range s.selected[pol] {
					isolated[side][w] = true
				}
			}
		}
	}
	twins := s.denyingBoth(byNS)
	var out []Finding
	for pol, p := range s.policies {
		if p.Isolates[netpol.IngressSide] == p.Isolates[netpol.EgressSide] || systemNamespace(p.Namespace) {
			continue
		}
		side := netpol.IngressSide
		if p.Isolates[netpol.EgressSide] {
			side = netpol.EgressSide
		}
		other := 1 - side
		var open []int
		for _, w := range s.selected[pol] {
			if s.given[s.c.Workloads[w].ID()] && !isolated[other][w] {
				open = append(open, w)
			}
		}
		if len(open) == 0 {
			continue
		}
		why := s.meantBoth(pol, side, byNS, twins)
		if why == "" {
			continue
		}
		hint := fmt.Sprintf("add %s to spec.policyTypes (then admit what the pods need %s, DNS included), or, if %s only is deliberate, annotate the policy with %s: isolated-one-way",
			sideName(other), map[int]string{netpol.IngressSide: "from", netpol.EgressSide: "to"}[other], direction(side), DisableAnnotation)
		if len(p.Rules[other]) > 0 {
			hint = fmt.Sprintf("add %s to spec.policyTypes so that %s takes effect, or delete %s", sideName(other), rulesField(other), rulesField(other))
		}
		out = append(out, s.onPolicy(pol, "spec.policyTypes",
			fmt.Sprintf("%s: isolated for %s only, and no policy isolates them for %s, although %s: their %s is not restricted at all",
				s.workloadNames(open, 3), direction(side), direction(other), why, direction(other)), hint))
	}
	return out
}

// meantBoth says why policy pol, which isolates direction side only, was
// clearly meant to isolate both; "" when nothing says so. twins are the
// namespaces that default-deny both directions.
func (s *scope) meantBoth(pol, side int, byNS map[string][]int, twins []string) string {
	p, other := s.policies[pol], 1-side
	if n := len(p.Rules[other]); n > 0 {
		return fmt.Sprintf("the policy has %d %s rule(s) (%s), which its policyTypes [%s] make the API ignore", n, direction(other), rulesField(other), sideName(side))
	}
	var both []string
	for _, q := range byNS[p.Namespace] {
		if q == pol {
			continue
		}
		if qp := s.policies[q]; !qp.Isolates[netpol.IngressSide] || !qp.Isolates[netpol.EgressSide] {
			both = nil
			break
		}
		both = append(both, s.policies[q].ID)
	}
	if len(both) >= 2 {
		return fmt.Sprintf("every other policy of namespace %s (%s) names both Ingress and Egress", p.Namespace, strings.Join(both, ", "))
	}
	if !defaultDeny(p, side) {
		return ""
	}
	for _, twin := range twins {
		if twin != p.Namespace {
			return fmt.Sprintf("it is a default deny for %s, while namespace %s default-denies both directions", direction(side), twin)
		}
	}
	return ""
}

// denyingBoth returns the namespaces (not Kubernetes' own) whose policies
// default-deny both ingress and egress, in policy order.
func (s *scope) denyingBoth(byNS map[string][]int) []string {
	var out []string
	for pol, p := range s.policies {
		if byNS[p.Namespace][0] != pol || systemNamespace(p.Namespace) {
			continue // each namespace once, at its first policy
		}
		var deny [2]bool
		for _, q := range byNS[p.Namespace] {
			for side := range deny {
				deny[side] = deny[side] || defaultDeny(s.policies[q], side)
			}
		}
		if deny[netpol.IngressSide] && deny[netpol.EgressSide] {
			out = append(out, p.Namespace)
		}
	}
	return out
}
