package lab

import (
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

// WriteText writes the agreement table and every disagreement with the
// engine's explanation of it.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	s := r.Summary
	fmt.Fprintf(&b, "lab: %s and %s in %d network namespaces, set up in %s\n",
		plural(r.Pods, "pod"), plural(r.Externals, "external peer"), r.Namespaces, r.Setup.Round(time.Millisecond))
	fmt.Fprintf(&b, "probed %d connections (%d attempts, %d at a time, timeout %s) in %s\n\n",
		s.Connections-s.NotProbed, r.Attempts, r.Parallel, r.Timeout, r.Probing.Round(time.Millisecond))
	judge := r.Judge
	if judge == "" {
		judge = "engine"
	}
	s.writeTable(&b, judge)
	for _, line := range r.notProbed() {
		fmt.Fprintf(&b, "  %s\n", escape.Text(line))
	}
	probed := s.Connections - s.NotProbed
	sym, pct := render.SymbolOK, 100.0
	if probed > 0 {
		pct = 100 * float64(s.Agreed()) / float64(probed)
	}
	if !s.OK() {
		sym = render.SymbolFail
	}
	fmt.Fprintf(&b, "\n%s agreement: %d of %d probed connections (%.1f%%)\n", sym, s.Agreed(), probed, pct)
	dis := r.Disagreements()
	for i, res := range dis {
		if i == maxExplained {
			fmt.Fprintf(&b, "\n… and %d more disagreements (-o json lists every connection)\n", len(dis)-i)
			break
		}
		b.WriteString("\n")
		res.writeText(&b, judge)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// writeTable writes the agreement table, judge's verdicts in columns.
func (s Summary) writeTable(b *strings.Builder, judge string) {
	col := max(14, len(judge)+7) // "engine allows" fits the historical width
	fmt.Fprintf(b, "  %-16s %*s %*s\n", "", col, judge+" allows", col, judge+" denies")
	fmt.Fprintf(b, "  %-16s %*d %*d\n", "kernel: open", col, s.OpenAllowed, col, s.OpenDenied)
	fmt.Fprintf(b, "  %-16s %*d %*d\n", "kernel: blocked", col, s.BlockedAllowed, col, s.BlockedDenied)
	if s.Faults > 0 {
		fmt.Fprintf(b, "  %-16s %*d   (nothing listened, or the wrong pod answered: a lab fault)\n", "kernel: fault", col, s.Faults)
	}
}

// maxExplained caps the disagreements printed with an explanation.
const maxExplained = 20

// notProbed groups the connections that were not compared by reason.
func (r *Report) notProbed() []string {
	count := map[string]int{}
	for _, res := range r.Results {
		if res.Kernel == NotProbed {
			count[res.Detail]++
		}
	}
	var out []string
	for reason, n := range count {
		out = append(out, fmt.Sprintf("%d connections %s", n, reason))
	}
	slices.Sort(out)
	return out
}

func (res *Result) writeText(b *strings.Builder, judge string) {
	engine := "denies"
	if res.Engine == policy.Allow {
		engine = "allows"
	}
	fmt.Fprintf(b, "%s %s → %s %d/%s: the %s %s it, the kernel: %s (%s)\n",
		render.SymbolFail, escape.Text(res.From), escape.Text(res.To), res.Port, res.Protocol, judge, engine, res.Kernel, escape.Text(res.Detail))
	if res.Chain != "" {
		fmt.Fprintf(b, "    %s\n", escape.Text(res.Chain))
	}
	if res.Decision == nil {
		return
	}
	var x strings.Builder
	render.ExplainText(&x, &reach.Explanation{Decisions: []policy.Decision{*res.Decision}})
	for _, line := range strings.Split(strings.TrimRight(x.String(), "\n"), "\n") {
		fmt.Fprintf(b, "    %s\n", line)
	}
}

type reportJSON struct {
	OK         bool         `json:"ok"`
	Judge      string       `json:"judge,omitempty"`
	Pods       int          `json:"pods"`
	Externals  int          `json:"externals"`
	Namespaces int          `json:"namespaces"`
	SetupMS    int64        `json:"setupMs"`
	ProbingMS  int64        `json:"probingMs"`
	Attempts   int          `json:"attempts"`
	Summary    summaryJSON  `json:"summary"`
	Notices    []string     `json:"notices"`
	Results    []resultJSON `json:"results"`
}

type summaryJSON struct {
	Connections    int `json:"connections"`
	OpenAllowed    int `json:"openAllowed"`
	BlockedDenied  int `json:"blockedDenied"`
	OpenDenied     int `json:"openDenied"`
	BlockedAllowed int `json:"blockedAllowed"`
	Faults         int `json:"faults"`
	NotProbed      int `json:"notProbed"`
}

type resultJSON struct {
	From     string `json:"from"`
	To       string `json:"to"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Engine   string `json:"engine"`
	Kernel   string `json:"kernel"`
	Agree    bool   `json:"agree"`
	Detail   string `json:"detail,omitempty"`
	Chain    string `json:"chain,omitempty"`
	TookMS   int64  `json:"tookMs"`
}

// WriteJSON writes the report for machines, every connection included.
func (r *Report) WriteJSON(w io.Writer) error {
	s := r.Summary
	out := reportJSON{OK: s.OK(), Judge: r.Judge, Pods: r.Pods, Externals: r.Externals, Namespaces: r.Namespaces,
		SetupMS: r.Setup.Milliseconds(), ProbingMS: r.Probing.Milliseconds(), Attempts: r.Attempts,
		Summary: summaryJSON(s),
		Notices: append([]string{}, r.Notices...), Results: []resultJSON{}}
	for _, res := range r.Results {
		out.Results = append(out.Results, resultJSON{From: res.From, To: res.To, Port: res.Port, Protocol: res.Protocol.String(),
			Engine: res.Engine.String(), Kernel: res.Kernel.String(), Agree: res.Agree(), Detail: res.Detail, Chain: res.Chain, TookMS: res.Took.Milliseconds()})
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
