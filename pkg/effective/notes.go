package effective

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// LintNotes lints a — the analysis Check returned with rep — and puts
// under each flow that did not pass the findings that may explain it
// (check.Report.AddNotes): those of the rules that say a policy's rule or
// selector admits or selects less than meant (lint.Rule.Narrows), about a
// NetworkPolicy blocking the flow, or, for its podSelector, in the
// namespace where the flow is dropped, or about the cluster policy
// (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)
// whose Deny blocks it, in a rule before that Deny. Lint does not run
// when every flow passed.
func LintNotes(rep *check.Report, a *reach.Analysis, opts ...lint.Option) error {
	if !hasBlocked(rep) {
		return nil
	}
	lr, err := lint.Run(a, opts...)
	if err != nil {
		return fmt.Errorf("linting for check's notes: %w", err)
	}
	narrows := map[string]bool{}
	for _, r := range lint.Rules() {
		narrows[r.ID] = r.Narrows
	}
	policies := map[string]*model.Policy{}
	for i := range a.Cluster().Policies {
		p := &a.Cluster().Policies[i]
		policies[p.ID()] = p
	}
	tiers := map[string]*model.ClusterPolicy{} // by lint's name for it
	for i := range a.Cluster().ClusterPolicies {
		p := &a.Cluster().ClusterPolicies[i]
		tiers[lint.TierObject(p)] = p
	}
	var notes []check.Note
	for _, f := range lr.Findings {
		if !narrows[f.Rule] {
			continue
		}
		if p := tiers[f.Object]; p != nil {
			n, err := tierNote(f, p)
			if err != nil {
				return fmt.Errorf("linting for check's notes: %w", err)
			}
			notes = append(notes, n)
			continue
		}
		id, ok := strings.CutPrefix(f.Object, "NetworkPolicy ")
		if !ok || policies[id] == nil {
			continue
		}
		n := check.Note{Policy: id, Selects: f.Field == "spec.podSelector", Text: noteText(f)}
		if err := narrowToRule(&n, policies[id], f.Field); err != nil {
			return fmt.Errorf("linting for check's notes: %w", err)
		}
		notes = append(notes, n)
	}
	rep.AddNotes(notes)
	return nil
}

func noteText(f lint.Finding) string {
	return fmt.Sprintf("lint: %s (%s, %s) may be why: %s", f.Rule, f.Object, f.Field, f.Message)
}

// tierNote is the note of finding f about cluster policy p, narrowed to
// the rule its field is in (spec.ingress[i]…, spec.egress[i]…): its
// direction, its index, and its ports when it lists only numbered ones.
// A finding about the subject is about the whole policy.
func tierNote(f lint.Finding, p *model.ClusterPolicy) (check.Note, error) {
	n := check.Note{Policy: p.ID(), Tier: true, Text: noteText(f)}
	side, dir, i, err := ruleOf(f.Field)
	if err != nil {
		return n, fmt.Errorf("%s: %w", f.Object, err)
	}
	if i < 0 {
		return n, nil // about the subject
	}
	cp, err := tier.Compile(p)
	if err != nil {
		return n, fmt.Errorf("%s: %w", f.Object, err)
	}
	k := slices.IndexFunc(cp.Rules[side], func(r tier.Rule) bool { return r.Index == i })
	if k < 0 {
		return n, fmt.Errorf("%s: field %q: no such rule", f.Object, f.Field)
	}
	r := &cp.Rules[side][k]
	n.Side, n.TierRule = dir, i+1
	// The peers lint finds missing (namespaces, pods) select pods only.
	n.PodPeer = strings.Contains(f.Field, "].from[") || strings.Contains(f.Field, "].to[")
	if r.AllPorts {
		return n, nil
	}
	for _, pt := range r.Ports {
		if pt.Name != "" {
			return n, nil // a named port resolves per pod: any port
		}
		n.Ports = n.Ports.Union(ports.Of(pt.Protocol, pt.Lo, pt.Hi))
	}
	return n, nil
}

// narrowToRule narrows a note about field of policy p to the rule the
// field is in (spec.ingress[i]…, spec.egress[i]…): its direction, and its
// ports when it lists only numbered ones (a named port resolves per pod:
// any port then).
func narrowToRule(n *check.Note, p *model.Policy, field string) error {
	side, dir, i, err := ruleOf(field)
	if err != nil {
		return fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	if i < 0 {
		return nil // about the whole policy
	}
	cp, err := netpol.Compile(p, nil)
	if err != nil {
		return fmt.Errorf("NetworkPolicy %s: %w", p.ID(), err)
	}
	if i < 0 || i >= len(cp.Rules[side]) {
		return fmt.Errorf("NetworkPolicy %s: field %q: no such rule", p.ID(), field)
	}
	n.Side = dir
	n.PodPeer = (strings.Contains(field, "].from[") || strings.Contains(field, "].to[")) &&
		(strings.HasSuffix(field, ".podSelector") || strings.HasSuffix(field, ".namespaceSelector"))
	if r := &cp.Rules[side][i]; !r.AllPorts && !r.Named {
		n.Ports = r.Static
	}
	return nil
}

// ruleOf reads the rule a field is in: spec.ingress[i]… or
// spec.egress[i]… give the side (netpol's and tier's indexes agree), its
// direction and i; any other field gives i = -1.
func ruleOf(field string) (side int, dir policy.Direction, i int, err error) {
	rest, ok := strings.CutPrefix(field, "spec.ingress[")
	side, dir = netpol.IngressSide, policy.Ingress
	if !ok {
		if rest, ok = strings.CutPrefix(field, "spec.egress["); !ok {
			return 0, policy.DirectionUnknown, -1, nil
		}
		side, dir = netpol.EgressSide, policy.Egress
	}
	num, _, _ := strings.Cut(rest, "]")
	if i, err = strconv.Atoi(num); err != nil {
		return 0, policy.DirectionUnknown, -1, fmt.Errorf("field %q: %w", field, err)
	}
	return side, dir, i, nil
}

func hasBlocked(rep *check.Report) bool {
	for _, res := range rep.Results {
		if res.Status != check.StatusOK && len(res.Blocked) > 0 {
			return true
		}
	}
	return false
}
