package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// DiffMarkdown writes the report as a pull-request comment: a heading with
// the verdict, a table of changed pairs and one of changed mesh checks.
// Each row says "lost" or "gained" in words next to its mark.
func DiffMarkdown(w io.Writer, r *DiffReport) error {
	var b strings.Builder
	d := r.Delta
	lost, gained := d.Counts()
	fmt.Fprintf(&b, "### podreach diff: %d lost, %d gained", lost, gained)
	if r.MeshChecked {
		fmt.Fprintf(&b, ", %d mesh %s changed", len(r.Mesh), plural(len(r.Mesh), "check", "checks"))
	}
	fmt.Fprintf(&b, "\n\n%s (before) → %s (after), %s level.\n", escape.MarkdownCode(r.Before), escape.MarkdownCode(r.After), d.Level)
	if lost+gained > 0 {
		b.WriteString("\n| Change | From | To | Ports |\n|---|---|---|---|\n")
		mdRows(&b, d.Changes, "🔴 lost", func(c reach.Change) string { return mdPorts(c.Lost) })
		mdRows(&b, d.Changes, "🟢 gained", func(c reach.Change) string { return mdPorts(c.Gained) })
	}
	if len(d.Added)+len(d.Removed) > 0 {
		b.WriteString("\n")
		if len(d.Added) > 0 {
			fmt.Fprintf(&b, "Only after: %s.  \n", mdList(d.Added))
		}
		if len(d.Removed) > 0 {
			fmt.Fprintf(&b, "Only before: %s.\n", mdList(d.Removed))
		}
	}
	if len(d.Tiers) > 0 {
		b.WriteString("\nCluster policy changes:\n\n")
		for _, c := range d.Tiers {
			fmt.Fprintf(&b, "- %s\n", escape.Markdown(c.String()))
		}
	}
	if len(r.Mesh) > 0 {
		b.WriteString("\n| Mesh check | Before | After |\n|---|---|---|\n")
		for _, m := range r.Mesh {
			fmt.Fprintf(&b, "| %s | %s | %s |\n", escape.Markdown(m.Description), statusMark(m.Before), statusMark(m.After))
		}
	}
	for _, g := range d.Gaps {
		fmt.Fprintf(&b, "\n> **Incomplete:** %s.\n", escape.Markdown(g.String()))
	}
	if lost+gained == 0 && len(r.Mesh) == 0 && len(d.Tiers) == 0 {
		fmt.Fprintf(&b, "\n%s\n", diffSummary(r))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func mdRows(b *strings.Builder, changes []reach.Change, label string, ports func(reach.Change) string) {
	for _, c := range changes {
		if p := ports(c); p != "" {
			fmt.Fprintf(b, "| %s | %s | %s | %s |\n", label, escape.MarkdownCode(c.From), escape.MarkdownCode(c.To), p)
		}
	}
}

func mdPorts(s ports.Set) string {
	if s.IsEmpty() {
		return ""
	}
	return escape.Markdown(portsText(s))
}

func mdList(ids []string) string {
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = escape.MarkdownCode(id)
	}
	return strings.Join(out, ", ")
}
