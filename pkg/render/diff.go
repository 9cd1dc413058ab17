package render

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// DiffReport is what `podreach diff` prints: the matrix delta and, when a
// mesh was checked, the check lines whose status changed.
type DiffReport struct {
	Before, After string // how each state was given ("-f before/", "live + proposed/")
	Delta         *reach.Delta
	MeshChecked   bool
	Mesh          []check.StatusChange
}

// DiffText writes the report for people: lost pairs, gained pairs, node
// changes, mesh check changes and a summary line.
func DiffText(w io.Writer, r *DiffReport) error {
	var b strings.Builder
	d := r.Delta
	fmt.Fprintf(&b, "Comparing %s (before) with %s (after), %s level\n", escape.Text(r.Before), escape.Text(r.After), d.Level)
	diffSection(&b, "Lost", d.Changes, func(c reach.Change) ports.Set { return c.Lost })
	diffSection(&b, "Gained", d.Changes, func(c reach.Change) ports.Set { return c.Gained })
	if len(d.Added) > 0 {
		fmt.Fprintf(&b, "\nOnly after: %s\n", textList(d.Added))
	}
	if len(d.Removed) > 0 {
		fmt.Fprintf(&b, "\nOnly before: %s\n", textList(d.Removed))
	}
	if len(d.Tiers) > 0 {
		fmt.Fprintf(&b, "\nCluster policy changes (%d):\n", len(d.Tiers))
		for _, c := range d.Tiers {
			fmt.Fprintf(&b, "  %s\n", escape.Text(c.String()))
		}
	}
	if len(r.Mesh) > 0 {
		fmt.Fprintf(&b, "\nMesh checks changed (%d):\n", len(r.Mesh))
		for _, m := range r.Mesh {
			fmt.Fprintf(&b, "  %s → %s  %s\n", statusMark(m.Before), statusMark(m.After), escape.Text(m.Description))
		}
	}
	for _, g := range d.Gaps {
		fmt.Fprintf(&b, "\nincomplete: %s\n", escape.Text(g.String()))
	}
	fmt.Fprintf(&b, "\n%s\n", diffSummary(r))
	_, err := io.WriteString(w, b.String())
	return err
}

func diffSection(b *strings.Builder, title string, changes []reach.Change, part func(reach.Change) ports.Set) {
	n := 0
	for _, c := range changes {
		if !part(c).IsEmpty() {
			n++
		}
	}
	if n == 0 {
		return
	}
	fmt.Fprintf(b, "\n%s (%d %s):\n", title, n, plural(n, "pair", "pairs"))
	tw := tabwriter.NewWriter(b, 0, 8, 2, ' ', 0)
	fmt.Fprintln(tw, "  FROM\tTO\tPORTS")
	for _, c := range changes {
		if s := part(c); !s.IsEmpty() {
			fmt.Fprintf(tw, "  %s\t%s\t%s\n", escape.Text(c.From), escape.Text(c.To), portsText(s))
		}
	}
	tw.Flush()
}

// statusMark is a check status as the symbol users know, plus its name
// (colour is never the only signal); a line absent from a report is "-".
func statusMark(s check.Status) string {
	if s == check.StatusUnknown {
		return "-"
	}
	return s.Symbol() + " " + s.String()
}

func diffSummary(r *DiffReport) string {
	lost, gained := r.Delta.Counts()
	if lost == 0 && gained == 0 && len(r.Mesh) == 0 {
		s := "No change: both states allow the same connections"
		if r.MeshChecked {
			s += " and pass the same mesh checks"
		}
		return s + tierSummary(r.Delta) + "."
	}
	s := fmt.Sprintf("%d %s lose connections, %d %s gain connections",
		lost, plural(lost, "pair", "pairs"), gained, plural(gained, "pair", "pairs"))
	if r.MeshChecked {
		s += fmt.Sprintf("; %d mesh %s changed", len(r.Mesh), plural(len(r.Mesh), "check", "checks"))
	}
	return s + tierSummary(r.Delta) + "."
}

// tierSummary is "; 2 cluster policy changes", or empty.
func tierSummary(d *reach.Delta) string {
	if len(d.Tiers) == 0 {
		return ""
	}
	return fmt.Sprintf("; %d cluster policy %s", len(d.Tiers), plural(len(d.Tiers), "change", "changes"))
}

// textList joins names for a line of text, each escaped.
func textList(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = escape.Text(n)
	}
	return strings.Join(out, ", ")
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// portsText renders a port set as "TCP 80,443 UDP 53" ("all ports").
func portsText(s ports.Set) string {
	if s.IsAll() {
		return "all ports"
	}
	return strings.ReplaceAll(s.String(), ":", " ")
}

type diffJSON struct {
	Before     string             `json:"before"`
	After      string             `json:"after"`
	Level      string             `json:"level"`
	Summary    diffSummaryJSON    `json:"summary"`
	Nodes      diffNodesJSON      `json:"nodes"`
	Changes    []changeJSON       `json:"changes"`
	Mesh       []statusChangeJSON `json:"mesh,omitempty"`
	Incomplete []gapJSON          `json:"incomplete"`
	// TierChanges are the changes of the cluster policy tiers, left out
	// when there are none.
	TierChanges []reach.TierChange `json:"tierChanges,omitempty"`
}

type diffSummaryJSON struct {
	Lost        int  `json:"lost"`
	Gained      int  `json:"gained"`
	MeshChanged int  `json:"meshChanged"`
	MeshChecked bool `json:"meshChecked"`
	Incomplete  bool `json:"incomplete"`
}

type diffNodesJSON struct {
	Added   []string `json:"added"`
	Removed []string `json:"removed"`
}

type changeJSON struct {
	From   string      `json:"from"`
	To     string      `json:"to"`
	Lost   []PortsJSON `json:"lost"`
	Gained []PortsJSON `json:"gained"`
	Before []PortsJSON `json:"before"`
	After  []PortsJSON `json:"after"`
}

type statusChangeJSON struct {
	ID          string `json:"id"`
	Category    string `json:"category"`
	Description string `json:"description"`
	Before      string `json:"before"`
	After       string `json:"after"`
}

type gapJSON struct {
	Namespace string   `json:"namespace,omitempty"`
	Resources []string `json:"resources"`
	Reason    string   `json:"reason"`
}

// DiffJSON writes the report for machines (schema in docs/diff.md).
func DiffJSON(w io.Writer, r *DiffReport) error {
	d := r.Delta
	lost, gained := d.Counts()
	out := diffJSON{Before: r.Before, After: r.After, Level: d.Level.String(),
		Summary:     diffSummaryJSON{Lost: lost, Gained: gained, MeshChanged: len(r.Mesh), MeshChecked: r.MeshChecked, Incomplete: len(d.Gaps) > 0},
		Nodes:       diffNodesJSON{Added: orEmpty(d.Added), Removed: orEmpty(d.Removed)},
		Changes:     []changeJSON{},
		Incomplete:  gapsJSON(d.Gaps),
		TierChanges: d.Tiers,
	}
	for _, c := range d.Changes {
		out.Changes = append(out.Changes, changeJSON{From: c.From, To: c.To, Lost: PortSetJSON(c.Lost), Gained: PortSetJSON(c.Gained),
			Before: PortSetJSON(c.Before), After: PortSetJSON(c.After)})
	}
	if r.MeshChecked {
		out.Mesh = []statusChangeJSON{}
	}
	for _, m := range r.Mesh {
		out.Mesh = append(out.Mesh, statusChangeJSON{ID: m.ID, Category: m.Category, Description: m.Description,
			Before: statusName(m.Before), After: statusName(m.After)})
	}
	return writeDiffJSON(w, &out)
}

// writeDiffJSON writes one change or mesh line per line, like the matrix.
func writeDiffJSON(w io.Writer, out *diffJSON) error {
	var b strings.Builder
	fmt.Fprintf(&b, "{\"before\":%s,\"after\":%s,\"level\":%s,\n \"summary\":%s,\n \"nodes\":%s,\n \"changes\":[",
		marshal(out.Before), marshal(out.After), marshal(out.Level), marshal(out.Summary), marshal(out.Nodes))
	for i, c := range out.Changes {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  %s", marshal(c))
	}
	b.WriteString("]")
	if out.Mesh != nil {
		b.WriteString(",\n \"mesh\":[")
		for i, m := range out.Mesh {
			if i > 0 {
				b.WriteString(",")
			}
			fmt.Fprintf(&b, "\n  %s", marshal(m))
		}
		b.WriteString("]")
	}
	if len(out.TierChanges) > 0 {
		fmt.Fprintf(&b, ",\n \"tierChanges\":%s", marshal(out.TierChanges))
	}
	fmt.Fprintf(&b, ",\n \"incomplete\":%s}\n", marshal(out.Incomplete))
	_, err := io.WriteString(w, b.String())
	return err
}

// statusName is a check status in JSON; "absent" for a line not in that report.
func statusName(s check.Status) string {
	if s == check.StatusUnknown {
		return "absent"
	}
	return s.String()
}

func gapsJSON(gaps []model.Gap) []gapJSON {
	out := []gapJSON{}
	for _, g := range gaps {
		out = append(out, gapJSON{Namespace: g.Namespace, Resources: orEmpty(g.Resources), Reason: g.Reason})
	}
	return out
}

func orEmpty(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
