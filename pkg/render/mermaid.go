package render

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/reach"
)

// Mermaid flowcharts render in GitHub and GitLab Markdown (```mermaid).
// Node IDs are n0, n1… in ID order; subgraphs are namespaces.

// MatrixMermaid streams a's matrix as a Mermaid flowchart.
func MatrixMermaid(w io.Writer, a *reach.Analysis) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	var ids []string
	for _, n := range a.Nodes() {
		ids = append(ids, n.ID)
	}
	index := mermaidHeader(bw, fmt.Sprintf("podreach matrix (%s level)", a.Level()), ids)
	err := a.Matrix(func(c reach.Connection) error {
		mermaidEdge(bw, index, graphEdge{from: c.From, to: c.To, kind: edgeAllowed, label: portsText(c.Allowed)})
		return nil
	})
	if err != nil {
		return err
	}
	return bw.Flush()
}

// CheckMermaid writes the connections a check did not pass as a Mermaid
// flowchart (see checkGraph).
func CheckMermaid(w io.Writer, rep *check.Report) error { return writeMermaid(w, checkGraph(rep)) }

// DiffMermaid writes the pairs a diff gains and loses as a Mermaid flowchart.
func DiffMermaid(w io.Writer, r *DiffReport) error { return writeMermaid(w, diffGraph(r)) }

func writeMermaid(w io.Writer, g *graphSpec) error {
	bw := bufio.NewWriter(w)
	index := mermaidHeader(bw, g.title, g.nodes)
	styles := map[edgeKind][]string{}
	for i, e := range g.edges {
		mermaidEdge(bw, index, e)
		styles[e.kind] = append(styles[e.kind], strconv.Itoa(i))
	}
	for _, k := range []edgeKind{edgeBlocked, edgeWarning, edgeGained, edgeLost} {
		if len(styles[k]) > 0 {
			fmt.Fprintf(bw, "  linkStyle %s stroke:%s,color:%s,stroke-width:2px\n", strings.Join(styles[k], ","), edgeColors[k], edgeColors[k])
		}
	}
	if len(g.edges) == 0 {
		bw.WriteString("  none[\"nothing to draw\"]\n")
	}
	return bw.Flush()
}

// mermaidHeader writes the title and the nodes (sorted IDs), one subgraph
// per namespace, and returns the Mermaid ID of each node ID.
func mermaidHeader(w *bufio.Writer, title string, ids []string) map[string]string {
	fmt.Fprintf(w, "---\ntitle: %s\n---\nflowchart LR\n", escape.YAMLString(title))
	index := make(map[string]string, len(ids))
	group, sub := "\x00", 0
	for i, id := range ids {
		index[id] = "n" + strconv.Itoa(i)
		ns, name := splitID(id)
		if ns != group {
			if group != "\x00" && group != "" {
				w.WriteString("  end\n")
			}
			group = ns
			if ns != "" {
				fmt.Fprintf(w, "  subgraph ns%d[\"%s\"]\n", sub, escape.MermaidLabel(ns))
				sub++
			}
		}
		if ns == "" {
			fmt.Fprintf(w, "  %s{{\"%s\"}}\n", index[id], escape.MermaidLabel(name))
			continue
		}
		fmt.Fprintf(w, "    %s[\"%s\"]\n", index[id], escape.MermaidLabel(name))
	}
	if group != "\x00" && group != "" {
		w.WriteString("  end\n")
	}
	return index
}

func mermaidEdge(w *bufio.Writer, index map[string]string, e graphEdge) {
	arrow := "-->"
	if e.kind.dashed() {
		arrow = "-.->"
	}
	fmt.Fprintf(w, "  %s %s|\"%s\"| %s\n", index[e.from], arrow, escape.MermaidLabel(e.label), index[e.to])
}
