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
