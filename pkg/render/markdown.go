package render

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
)

// maxMarkdownGraph is the most edges the Markdown check report draws as a
// Mermaid graph; larger graphs are left out of a pull-request comment.
const maxMarkdownGraph = 60

// CheckMarkdown writes a report as a pull-request comment: a heading with
// the counts, a table of what did not pass (failures first, each status in
// words next to its mark), the details of each in a collapsed section, a
// Mermaid graph of the blocked connections when it is small, and the
// passed checks collapsed.
func CheckMarkdown(w io.Writer, rep *check.Report, o CheckOptions) error {
	var b strings.Builder
	fmt.Fprintf(&b, "### podreach check: %s\n\nMesh: %s %s.\n", checkCounts(rep), escape.Markdown(rep.Mesh), escape.Markdown(rep.Version))
	var bad, passed []check.Result
	for _, st := range []check.Status{check.StatusError, check.StatusUnknown, check.StatusWarning} {
		for _, res := range rep.Results {
			if res.Status == st {
				bad = append(bad, res)
			}
		}
	}
	for _, res := range rep.Results {
		if res.Status == check.StatusOK {
			passed = append(passed, res)
		}
	}
	if len(bad) > 0 {
		b.WriteString("\n| Status | Check | Blocked by |\n|---|---|---|\n")
		for _, res := range bad {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", statusMark(res.Status), escape.Markdown(res.Description), mdList(res.Policies))
		}
		for _, res := range bad {
			mdDetails(&b, res, o)
		}
		if g := checkGraph(rep); len(g.edges) > 0 && len(g.edges) <= maxMarkdownGraph {
			b.WriteString("\n<details><summary>Graph of the connections that did not pass</summary>\n\n```mermaid\n")
			if err := writeMermaid(&b, g); err != nil {
				return err
			}
			b.WriteString("```\n\n</details>\n")
		}
	}
	if len(passed) > 0 {
		fmt.Fprintf(&b, "\n<details><summary>✔ %d %s passed</summary>\n\n", len(passed), plural(len(passed), "check", "checks"))
		for _, res := range passed {
			fmt.Fprintf(&b, "- ✔ %s\n", escape.Markdown(res.Description))
		}
		b.WriteString("\n</details>\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdDetails writes one check's causes, example, commands and hint.
func mdDetails(b *strings.Builder, res check.Result, o CheckOptions) {
	fmt.Fprintf(b, "\n<details><summary>%s %s</summary>\n\n", res.Status.Symbol(), escape.HTML(res.Description))
	for _, d := range append(slices.Clip(res.Details), res.Notes...) {
		fmt.Fprintf(b, "- %s\n", escape.Markdown(d))
	}
	if len(res.Blocked) > 0 {
		p := res.Blocked[0]
		fmt.Fprintf(b, "- e.g. %s\n", escape.MarkdownCode(pairText(p)))
		if o.ExplainCommand != "" {
			fmt.Fprintf(b, "- see: %s\n", escape.MarkdownCode(explainCommand(o.ExplainCommand, p)))
		}
	}
	if res.Hint != "" {
		fmt.Fprintf(b, "- hint: %s\n", escape.Markdown(res.Hint))
	}
	if res.Fixable && o.FixCommand != "" {
		fmt.Fprintf(b, "- fix: %s\n", escape.MarkdownCode(o.FixCommand))
	}
	if res.Anchor != "" {
		fmt.Fprintf(b, "- [docs](%s%s)\n", DocsBase, res.Anchor)
	}
	b.WriteString("\n</details>\n")
}
