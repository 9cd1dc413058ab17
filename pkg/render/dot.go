package render

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/reach"
)

// The graph formats (dot, mermaid) draw workloads grouped by namespace and
// one edge per ordered pair, styled by kind. Colour is never the only
// signal: labels start with ×, ‼, + or −, and blocked and lost edges are
// dashed.

// edgeKind is what an edge of a graph format stands for.
type edgeKind uint8

const (
	edgeUnknown edgeKind = iota
	edgeAllowed          // the policies allow something
	edgeBlocked          // a required connection is blocked (×)
	edgeWarning          // a required connection cannot be proven (‼)
	edgeGained           // a diff gains ports
	edgeLost             // a diff loses ports
)

var edgeKindNames = [...]string{edgeUnknown: "unknown", edgeAllowed: "allowed", edgeBlocked: "blocked", edgeWarning: "warning", edgeGained: "gained", edgeLost: "lost"}

func (k edgeKind) String() string {
	if int(k) < len(edgeKindNames) {
		return edgeKindNames[k]
	}
	return "unknown"
}

var edgeColors = [...]string{edgeAllowed: "#667085", edgeBlocked: "#d92d20", edgeWarning: "#dc6803", edgeGained: "#0284c7", edgeLost: "#c026d3"}

func (k edgeKind) dashed() bool { return k == edgeBlocked || k == edgeLost || k == edgeWarning }

// graphEdge is one drawn edge; its ends are node IDs ("ns/name" or an
// external's name).
type graphEdge struct {
	from, to string
	kind     edgeKind
	label    string
	tooltip  string
}

// graphSpec is a graph held in memory (check and diff graphs are small).
type graphSpec struct {
	title string
	nodes []string // IDs, sorted
	edges []graphEdge
}

// addEdge merges edges of the same pair and kind, joining their labels.
func (g *graphSpec) addEdge(e graphEdge) {
	for i := range g.edges {
		x := &g.edges[i]
		if x.from == e.from && x.to == e.to && x.kind == e.kind {
			if !slices.Contains(strings.Split(x.label, ", "), e.label) {
				x.label += ", " + e.label
			}
			if e.tooltip != "" && !slices.Contains(strings.Split(x.tooltip, "; "), e.tooltip) {
				x.tooltip = strings.TrimPrefix(x.tooltip+"; "+e.tooltip, "; ")
			}
			return
		}
	}
	g.edges = append(g.edges, e)
	for _, id := range []string{e.from, e.to} {
		if i, found := slices.BinarySearch(g.nodes, id); !found {
			g.nodes = slices.Insert(g.nodes, i, id)
		}
	}
}

// checkGraph draws the connections a check did not pass: × blocked (red)
// and ‼ unproven (amber), labelled with the port and the blocking policies.
func checkGraph(rep *check.Report) *graphSpec {
	g := &graphSpec{title: fmt.Sprintf("podreach check: %s %s — %s", rep.Mesh, rep.Version, checkCounts(rep))}
	for _, res := range rep.Results {
		if res.Status == check.StatusOK {
			continue
		}
		kind := edgeWarning
		if res.Status == check.StatusError {
			kind = edgeBlocked
		}
		for _, p := range res.Blocked {
			g.addEdge(graphEdge{from: p.From, to: p.To, kind: kind,
				label:   res.Status.Symbol() + " " + fmt.Sprintf("%d/%s", p.Port, p.Protocol),
				tooltip: strings.Join(p.Policies, ", ")})
		}
	}
	return g
}

// diffGraph draws what a diff gains (+) and loses (−).
func diffGraph(r *DiffReport) *graphSpec {
	lost, gained := r.Delta.Counts()
	g := &graphSpec{title: fmt.Sprintf("podreach diff: %d lost, %d gained", lost, gained)}
	for _, c := range r.Delta.Changes {
		if !c.Lost.IsEmpty() {
			g.addEdge(graphEdge{from: c.From, to: c.To, kind: edgeLost, label: "− " + portsText(c.Lost)})
		}
		if !c.Gained.IsEmpty() {
			g.addEdge(graphEdge{from: c.From, to: c.To, kind: edgeGained, label: "+ " + portsText(c.Gained)})
		}
	}
	return g
}

func checkCounts(rep *check.Report) string {
	var n [4]int
	for _, res := range rep.Results {
		n[res.Status]++
	}
	return fmt.Sprintf("× %d failed, ‼ %d warnings, ✔ %d passed", n[check.StatusError]+n[check.StatusUnknown], n[check.StatusWarning], n[check.StatusOK])
}

// MatrixDOT streams a's matrix as a Graphviz digraph: one cluster per
// namespace, one edge per pair that allows something, labelled with the
// ports.
func MatrixDOT(w io.Writer, a *reach.Analysis) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	ids := make([]string, 0)
	for _, n := range a.Nodes() {
		ids = append(ids, n.ID)
	}
	dotHeader(bw, fmt.Sprintf("podreach matrix (%s level)", a.Level()), ids)
	err := a.Matrix(func(c reach.Connection) error {
		dotEdge(bw, graphEdge{from: c.From, to: c.To, kind: edgeAllowed, label: portsText(c.Allowed)})
		return nil
	})
	if err != nil {
		return err
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// CheckDOT writes the connections a check did not pass as a Graphviz
// digraph (see checkGraph).
func CheckDOT(w io.Writer, rep *check.Report) error { return writeDOT(w, checkGraph(rep)) }

// DiffDOT writes the pairs a diff gains and loses as a Graphviz digraph.
func DiffDOT(w io.Writer, r *DiffReport) error { return writeDOT(w, diffGraph(r)) }

func writeDOT(w io.Writer, g *graphSpec) error {
	bw := bufio.NewWriter(w)
	dotHeader(bw, g.title, g.nodes)
	for _, e := range g.edges {
		dotEdge(bw, e)
	}
	bw.WriteString("}\n")
	return bw.Flush()
}

// dotHeader opens the digraph and writes the nodes (sorted IDs), one
// cluster per namespace.
func dotHeader(w *bufio.Writer, title string, ids []string) {
	fmt.Fprintf(w, "digraph podreach {\n  label=%s;\n  labelloc=t;\n  rankdir=LR;\n  fontname=\"Helvetica\";\n", escape.DOTString(title))
	w.WriteString("  node [shape=box, style=\"rounded,filled\", fillcolor=\"#eef4ff\", color=\"#8098f9\", fontname=\"Helvetica\", fontsize=11];\n")
	w.WriteString("  edge [fontname=\"Helvetica\", fontsize=9, color=\"#98a2b3\", fontcolor=\"#475467\"];\n")
	group := "\x00"
	for _, id := range ids {
		ns, name := splitID(id)
		if ns != group {
			if group != "\x00" && group != "" {
				w.WriteString("  }\n")
			}
			group = ns
			if ns != "" {
				fmt.Fprintf(w, "  subgraph %s {\n    label=%s;\n    style=\"rounded\";\n    color=\"#a4bcfd\";\n", escape.DOTString("cluster_"+ns), escape.DOTString(ns))
			}
		}
		indent, attrs := "    ", ""
		if ns == "" {
			indent, attrs = "  ", ", shape=diamond, fillcolor=\"#fef0c7\", color=\"#f79009\""
		}
		fmt.Fprintf(w, "%s%s [label=%s%s];\n", indent, escape.DOTString(id), escape.DOTString(name), attrs)
	}
	if group != "\x00" && group != "" {
		w.WriteString("  }\n")
	}
}

func dotEdge(w *bufio.Writer, e graphEdge) {
	attrs := "label=" + escape.DOTString(e.label)
	if e.kind != edgeAllowed {
		attrs += fmt.Sprintf(", color=%q, fontcolor=%q, penwidth=2", edgeColors[e.kind], edgeColors[e.kind])
	}
	if e.kind.dashed() {
		attrs += ", style=dashed"
	}
	if e.kind == edgeBlocked {
		attrs += ", arrowhead=tee"
	}
	if e.tooltip != "" {
		attrs += ", tooltip=" + escape.DOTString("blocked by "+e.tooltip)
	}
	fmt.Fprintf(w, "  %s -> %s [%s];\n", escape.DOTString(e.from), escape.DOTString(e.to), attrs)
}

// splitID splits "ns/name"; an external's ID has no namespace.
func splitID(id string) (ns, name string) {
	if ns, name, ok := strings.Cut(id, "/"); ok {
		return ns, name
	}
	return "", id
}
