package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/reach"
)

// DocsBase is where check anchors are documented.
const DocsBase = "https://github.com/podreach/podreach/blob/main/"

// CheckOptions are presentation settings for check output.
type CheckOptions struct {
	// ExplainCommand is the command prefix that reproduces the input, e.g.
	// "podreach explain -f cluster/"; failures print it with --from/--to/--port.
	ExplainCommand string
	// FixCommand is printed as the fix hint of fixable failures.
	FixCommand string
	// Short prints only the checks that did not pass.
	Short bool
	// Examples caps the blocked pairs printed per check (default 1).
	Examples int
}

// CheckText writes a report in the layout of `linkerd check`: categories,
// a dashed underline, one line per check, indented causes, a final status.
func CheckText(w io.Writer, rep *check.Report, o CheckOptions) error {
	var b strings.Builder
	for _, cat := range rep.Categories() {
		var lines strings.Builder
		for _, res := range cat.Results {
			if o.Short && res.Status == check.StatusOK {
				continue
			}
			checkLine(&lines, res, o)
		}
		if lines.Len() == 0 {
			continue
		}
		name := escape.Text(cat.Name)
		fmt.Fprintf(&b, "%s\n%s\n%s\n", name, strings.Repeat("-", len(name)), lines.String())
	}
	fmt.Fprintf(&b, "Status check results are %s\n", rep.Status().Symbol())
	_, err := io.WriteString(w, b.String())
	return err
}

func checkLine(b *strings.Builder, res check.Result, o CheckOptions) {
	fmt.Fprintf(b, "%s %s\n", res.Status.Symbol(), escape.Text(res.Description))
	if res.Status == check.StatusOK {
		return
	}
	for _, d := range res.Details {
		fmt.Fprintf(b, "    %s\n", escape.Text(d))
	}
	for _, note := range res.Notes {
		fmt.Fprintf(b, "    %s\n", escape.Text(note))
	}
	n := max(o.Examples, 1)
	for i, p := range res.Blocked {
		if i == n {
			break
		}
		fmt.Fprintf(b, "    e.g. %s\n", escape.Text(pairText(p)))
		if o.ExplainCommand != "" {
			fmt.Fprintf(b, "    see: %s\n", escape.Text(explainCommand(o.ExplainCommand, p)))
		}
	}
	if res.Hint != "" {
		fmt.Fprintf(b, "    hint: %s\n", escape.Text(res.Hint))
	}
	if res.Fixable && o.FixCommand != "" {
		fmt.Fprintf(b, "    fix: %s\n", escape.Text(o.FixCommand))
	}
	if res.Anchor != "" {
		fmt.Fprintf(b, "    see %s%s for hints\n", DocsBase, escape.Text(res.Anchor))
	}
}

// explainCommand is the explain command that reproduces a blocked pair.
func explainCommand(prefix string, p check.Pair) string {
	port := p.Port // explain asks about the application port (it applies the mesh's transport itself)
	if p.AppPort != 0 {
		port = p.AppPort
	}
	cmd := fmt.Sprintf("%s --from %s --to %s --port %d", prefix, p.From, p.To, port)
	if p.Protocol.String() != "TCP" {
		cmd += "/" + p.Protocol.String()
	}
	return cmd
}

// pairText is a blocked pair in words (not escaped: the caller escapes it
// for its format).
func pairText(p check.Pair) string {
	s := fmt.Sprintf("%s → %s %d/%s", p.From, p.To, p.Port, p.Protocol)
	if p.AppPort != 0 {
		s += fmt.Sprintf(" (application port %d)", p.AppPort)
	}
	return s
}

type checkJSON struct {
	Success    bool           `json:"success"`
	Status     string         `json:"status"`
	Mesh       string         `json:"mesh"`
	Version    string         `json:"version"`
	Categories []categoryJSON `json:"categories"`
}

type categoryJSON struct {
	Name   string       `json:"categoryName"`
	Checks []resultJSON `json:"checks"`
}

type resultJSON struct {
	ID          string     `json:"id"`
	Description string     `json:"description"`
	Result      string     `json:"result"`
	Error       string     `json:"error,omitempty"`
	Details     []string   `json:"details"`
	Hint        string     `json:"hint,omitempty"`
	Anchor      string     `json:"anchor,omitempty"`
	Sources     int        `json:"sources"`
	Policies    []string   `json:"blockingPolicies"`
	Blocked     []pairJSON `json:"blocked"`
	Fixable     bool       `json:"fixable"`
	// CouldChange: policies podreach does not evaluate that select pods of
	// the flow (the explain JSON's "couldChange" shape).
	CouldChange []reach.CouldChange `json:"couldChange"`
	// Notes: lint findings that may be why the flow is blocked.
	Notes []string `json:"notes,omitempty"`
}

type pairJSON struct {
	From     string   `json:"from"`
	To       string   `json:"to"`
	Port     int32    `json:"port"`
	AppPort  int32    `json:"appPort,omitempty"`
	Protocol string   `json:"protocol"`
	Side     string   `json:"side,omitempty"`
	Policies []string `json:"policies"`
	Reason   string   `json:"reason,omitempty"`
}

// CheckJSON writes a report for machines (schema in the README). Like
// `linkerd check -o json`, with podreach's extra fields.
func CheckJSON(w io.Writer, rep *check.Report) error {
	_, err := w.Write(append(marshal(checkToJSON(rep)), '\n'))
	return err
}

// checkToJSON is rep in CheckJSON's schema.
func checkToJSON(rep *check.Report) *checkJSON {
	out := &checkJSON{Success: rep.Status() != check.StatusError, Status: rep.Status().String(), Mesh: rep.Mesh, Version: rep.Version, Categories: []categoryJSON{}}
	for _, cat := range rep.Categories() {
		cj := categoryJSON{Name: cat.Name}
		for _, res := range cat.Results {
			cj.Checks = append(cj.Checks, resultToJSON(res))
		}
		out.Categories = append(out.Categories, cj)
	}
	return out
}

func resultToJSON(res check.Result) resultJSON {
	rj := resultJSON{ID: res.ID, Description: res.Description, Result: res.Status.String(), Details: append([]string{}, res.Details...),
		Hint: res.Hint, Anchor: res.Anchor, Sources: res.Sources, Policies: append([]string{}, res.Policies...), Blocked: []pairJSON{}, Fixable: res.Fixable,
		CouldChange: append([]reach.CouldChange{}, res.CouldChange...), Notes: res.Notes}
	if res.Status != check.StatusOK && len(res.Details) > 0 {
		rj.Error = res.Details[0]
	}
	for _, p := range res.Blocked {
		pj := pairJSON{From: p.From, To: p.To, Port: p.Port, AppPort: p.AppPort, Protocol: p.Protocol.String(), Policies: append([]string{}, p.Policies...), Reason: p.Reason}
		if p.Side != 0 {
			pj.Side = p.Side.String()
		}
		rj.Blocked = append(rj.Blocked, pj)
	}
	return rj
}
