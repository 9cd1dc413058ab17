package report

import (
	"strings"

	"github.com/podreach/podreach/pkg/lint"
)

// lintData is one lint finding about a policy, shown on its page.
type lintData struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Field    string `json:"field,omitempty"`
	Message  string `json:"message"`
	Hint     string `json:"hint"`
}

// exposureData is who may connect to one workload, in the words of the
// rules (lint.Exposures): the page's Exposure view.
type exposureData struct {
	Node        int              `json:"node"` // index into nodes
	Unprotected bool             `json:"unprotected,omitempty"`
	Isolating   []int            `json:"isolating,omitempty"` // indexes into policies
	Admits      []lint.Admission `json:"admits,omitempty"`
}

// exposure describes, for every workload the matrix shows, who may
// connect to it (data.Exposure).
func (ix *index) exposure() error {
	xs, err := lint.Exposures(ix.a)
	if err != nil {
		return err
	}
	for _, x := range xs {
		n, ok := ix.node[x.Workload]
		if !ok {
			continue
		}
		e := exposureData{Node: n, Unprotected: x.Unprotected, Admits: x.Admits}
		for _, id := range x.Isolating {
			if i, ok := ix.policy[id]; ok {
				e.Isolating = append(e.Isolating, i)
			}
		}
		ix.d.Exposure = append(ix.d.Exposure, e)
	}
	return nil
}

// lint runs podreach lint on the analysis and puts each finding about a
// NetworkPolicy beside it (policyData.Lint).
func (ix *index) lint() error {
	rep, err := lint.Run(ix.a)
	if err != nil {
		return err
	}
	byID := map[string]int{}
	for i := range ix.d.Policies {
		byID[ix.d.Policies[i].NS+"/"+ix.d.Policies[i].Name] = i
	}
	for _, f := range rep.Findings {
		id, ok := strings.CutPrefix(f.Object, "NetworkPolicy ")
		if !ok {
			continue
		}
		if i, ok := byID[id]; ok {
			ix.d.Policies[i].Lint = append(ix.d.Policies[i].Lint, lintData{Rule: f.Rule, Severity: f.Severity.String(),
				Field: f.Field, Message: f.Message, Hint: f.Hint})
		}
	}
	return nil
}
