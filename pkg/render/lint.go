package render

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/lint"
)

// LintDocs is where each lint rule is documented (rule ID as anchor).
const LintDocs = DocsBase + "docs/lint.md"

// LintText writes findings as compilers do, one per paragraph:
//
//	file:line: severity: Object: field: why [rule]
//	    fix: hint
//	    see docs/lint.md#rule
//
// then a summary line.
func LintText(w io.Writer, rep *lint.Report) error {
	var b strings.Builder
	for _, f := range rep.Findings {
		if src := f.Source.String(); src != "" {
			b.WriteString(escape.Text(src) + ": ")
		}
		fmt.Fprintf(&b, "%s: %s: ", f.Severity, escape.Text(f.Object))
		if f.Field != "" {
			b.WriteString(escape.Text(f.Field) + ": ")
		}
		fmt.Fprintf(&b, "%s [%s]\n    fix: %s\n    see %s#%s\n", escape.Text(f.Message), f.Rule, escape.Text(f.Hint), LintDocs, f.Rule)
	}
	b.WriteString(lintSummary(rep) + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// lintSummary is "2 errors, 1 warning, 0 info" or "no findings".
func lintSummary(rep *lint.Report) string {
	if len(rep.Findings) == 0 {
		return "no findings"
	}
	e, w := rep.Count(lint.Error), rep.Count(lint.Warning)
	return fmt.Sprintf("%d %s, %d %s, %d info", e, plural(e, "error", "errors"), w, plural(w, "warning", "warnings"), rep.Count(lint.Info))
}

// lintFindingJSON is one finding in JSON.
type lintFindingJSON struct {
	Rule     string `json:"rule"`
	Severity string `json:"severity"`
	Object   string `json:"object"`
	Field    string `json:"field,omitempty"`
	File     string `json:"file,omitempty"`
	Line     int    `json:"line,omitempty"`
	Message  string `json:"message"`
	Hint     string `json:"hint"`
	Docs     string `json:"docs"`
}

// LintJSON writes {"findings": [...], "summary": {"error": n, ...}}.
func LintJSON(w io.Writer, rep *lint.Report) error {
	out := struct {
		Findings []lintFindingJSON `json:"findings"`
		Summary  map[string]int    `json:"summary"`
	}{Findings: []lintFindingJSON{}, Summary: map[string]int{}}
	for _, s := range []lint.Severity{lint.Error, lint.Warning, lint.Info} {
		out.Summary[s.String()] = rep.Count(s)
	}
	for _, f := range rep.Findings {
		out.Findings = append(out.Findings, lintFindingJSON{Rule: f.Rule, Severity: f.Severity.String(), Object: f.Object,
			Field: f.Field, File: f.Source.File, Line: f.Source.Line, Message: f.Message, Hint: f.Hint, Docs: LintDocs + "#" + f.Rule})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
