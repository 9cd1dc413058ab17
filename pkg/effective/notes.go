package effective

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/reach"
)

// LintNotes lints a — the analysis Check returned with rep — and puts
// under each flow that did not pass the findings that may explain it
// (check.Report.AddNotes): those of the rules that say a NetworkPolicy's
// rule or selector admits or selects less than meant (lint.Rule.Narrows),
// about a policy blocking the flow, or, for its podSelector, in the
// namespace where the flow is dropped. Lint does not run when every flow
// passed.
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
	var notes []check.Note
	for _, f := range lr.Findings {
		id, ok := strings.CutPrefix(f.Object, "NetworkPolicy ")
		if !ok || !narrows[f.Rule] || policies[id] == nil {
			continue
		}
		n := check.Note{Policy: id, Selects: f.Field == "spec.podSelector",
			Text: fmt.Sprintf("lint: %s (%s, %s) may be why: %s", f.Rule, f.Object, f.Field, f.Message)}
		if err := narrowToRule(&n, policies[id], f.Field); err != nil {
			return fmt.Errorf("linting for check's notes: %w", err)
		}
		notes = append(notes, n)
	}
	rep.AddNotes(notes)
	return nil
}

// narrowToRule narrows a note about field of policy p to the rule the
// field is in (spec.ingress[i]…, spec.egress[i]…): its direction, and its
// ports when it lists only numbered ones (a named port resolves per pod:
// any port then).
func narrowToRule(n *check.Note, p *model.Policy, field string) error {
	rest, ok := strings.CutPrefix(field, "spec.ingress[")
	side, dir := netpol.IngressSide, policy.Ingress
	if !ok {
		if rest, ok = strings.CutPrefix(field, "spec.egress["); !ok {
			return nil // about the whole policy
		}
		side, dir = netpol.EgressSide, policy.Egress
	}
	num, _, _ := strings.Cut(rest, "]")
	i, err := strconv.Atoi(num)
	if err != nil {
		return fmt.Errorf("NetworkPolicy %s: field %q: %w", p.ID(), field, err)
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

func hasBlocked(rep *check.Report) bool {
	for _, res := range rep.Results {
		if res.Status != check.StatusOK && len(res.Blocked) > 0 {
			return true
		}
	}
	return false
}
