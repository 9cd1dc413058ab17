package render

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// MatrixFormat is an output format of the matrix.
type MatrixFormat string

// Matrix formats.
const (
	MatrixText MatrixFormat = "text"
	MatrixWide MatrixFormat = "wide"
	MatrixJSON MatrixFormat = "json"
	MatrixCSV  MatrixFormat = "csv"
	// MatrixCompact is JSON with each source's row run-length encoded.
	MatrixCompact MatrixFormat = "json-compact"
)

// MatrixFormats lists the accepted formats.
var MatrixFormats = []MatrixFormat{MatrixText, MatrixWide, MatrixJSON, MatrixCompact, MatrixCSV}

// Matrix streams a's matrix to w in format f.
func Matrix(w io.Writer, a *reach.Analysis, f MatrixFormat) error {
	bw := bufio.NewWriterSize(w, 1<<20) // a large matrix is gigabytes: fewer, larger writes
	var err error
	switch f {
	case MatrixText, MatrixWide:
		err = matrixText(bw, a, f == MatrixWide)
	case MatrixJSON:
		err = matrixJSON(bw, w, a)
	case MatrixCompact:
		err = matrixCompact(bw, a)
	case MatrixCSV:
		err = matrixCSV(bw, a)
	default:
		return fmt.Errorf("unknown output format %q", f)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

type nodeJSON struct {
	ID          string   `json:"id"`
	Namespace   string   `json:"namespace,omitempty"`
	Name        string   `json:"name"`
	Kind        string   `json:"kind"`
	IP          string   `json:"ip,omitempty"`
	IPs         []string `json:"ips,omitempty"`
	CIDR        string   `json:"cidr,omitempty"`
	Range       string   `json:"range,omitempty"` // FIRST-LAST, an external range that is not one CIDR
	HostNetwork bool     `json:"hostNetwork,omitempty"`
}

type connectionJSON struct {
	From      string          `json:"from"`
	To        string          `json:"to"`
	Allowed   []PortsJSON     `json:"allowed"`
	Contested bool            `json:"contested,omitempty"`
	Dataplane bool            `json:"dataplane,omitempty"` // depends on whether ipBlocks match pod IPs
	Layers    *pairLayersJSON `json:"layers,omitempty"`    // each layer's answer (appendLayersJSON)
}

// pairLayersJSON is a pair's answer per layer (reach.LayerAnswer).
type pairLayersJSON struct {
	NetworkPolicy []PortsJSON `json:"networkPolicy"`
	Linkerd       struct {
		Refused []PortsJSON `json:"refused,omitempty"`
		Audited []PortsJSON `json:"audited,omitempty"`
		Unknown []PortsJSON `json:"unknown,omitempty"`
	} `json:"linkerd"`
}

func matrixJSON(w *bufio.Writer, unbuffered io.Writer, a *reach.Analysis) error {
	fmt.Fprintf(w, `{"level":%q,`+"\n"+` "nodes":[`, a.Level().String())
	nodes := a.Nodes()
	writeNodesJSON(w, nodes)
	w.WriteString("],\n \"connections\":[")
	if err := matrixJSONConnections(w, unbuffered, a, nodes, a.Workers()); err != nil {
		return err
	}
	w.WriteString("]")
	writeIncompleteJSON(w, a)
	_, err := w.WriteString("}\n")
	return err
}

// writeNodesJSON writes the nodes of a matrix, comma separated.
func writeNodesJSON(w *bufio.Writer, nodes []reach.Node) {
	for i, n := range nodes {
		nj := nodeJSON{ID: n.ID, Namespace: n.Namespace, Name: n.Name, Kind: n.Kind.String(), HostNetwork: n.HostNetwork}
		switch {
		case n.Kind == model.KindExternal && strings.Contains(n.IPs[0], "-"):
			nj.Range = n.IPs[0] // a range that is not one CIDR
		case n.Kind == model.KindExternal:
			nj.CIDR = n.IPs[0]
		case len(n.IPs) > 0:
			nj.IP = n.IPs[0]
			if len(n.IPs) > 1 {
				nj.IPs = n.IPs
			}
		}
		if i > 0 {
			w.WriteString(",")
		}
		w.WriteString("\n  ")
		w.Write(marshal(nj))
	}
}

// writeIncompleteJSON writes the "incomplete" member when the cluster was
// read only in part, and "couldChange" when policies podreach does not
// evaluate select its endpoints (only then, so that other output is
// unchanged).
func writeIncompleteJSON(w *bufio.Writer, a *reach.Analysis) {
	if gaps := a.Cluster().Gaps; len(gaps) > 0 {
		w.WriteString(",\n \"incomplete\":")
		w.Write(marshal(gapsJSON(gaps)))
	}
	if u := a.Unevaluated(); len(u) > 0 {
		w.WriteString(",\n \"couldChange\":")
		w.Write(marshal(u))
	}
}

func matrixCSV(w *bufio.Writer, a *reach.Analysis) error {
	cw := csv.NewWriter(w)
	cw.Write([]string{"from", "to", "protocol", "ports", "contested"})
	err := a.Matrix(func(c reach.Connection) error {
		for _, pj := range PortSetJSON(c.Allowed) {
			rs := make([]string, len(pj.Ports))
			for i, r := range pj.Ports {
				rs[i] = rangeString(r)
			}
			cw.Write([]string{escape.CSVField(c.From), escape.CSVField(c.To), pj.Protocol, strings.Join(rs, ";"), fmt.Sprint(c.Contested)})
		}
		return cw.Error()
	})
	cw.Flush()
	if err != nil {
		return err
	}
	return cw.Error()
}

func rangeString(r [2]uint16) string {
	if r[0] == r[1] {
		return fmt.Sprint(r[0])
	}
	return fmt.Sprintf("%d-%d", r[0], r[1])
}

// matrixText prints one table per source namespace; denied pairs are not
// listed (a summary line counts them).
func matrixText(w *bufio.Writer, a *reach.Analysis, wide bool) error {
	nodes := a.Nodes()
	kinds := make(map[string]string, len(nodes))
	for _, n := range nodes {
		kinds[n.ID] = n.Kind.String()
	}
	text := escapedIDs(nodes)
	var tw *tabwriter.Writer
	group, allowed := "\x00", 0
	err := a.Matrix(func(c reach.Connection) error {
		if ns := namespaceOf(c.From, kinds); ns != group {
			if tw != nil {
				tw.Flush()
				w.WriteString("\n")
			}
			group = ns
			tw = tabwriter.NewWriter(w, 0, 8, 2, ' ', 0)
			if wide {
				fmt.Fprintln(tw, "FROM\tFROM KIND\tTO\tTO KIND\tALLOWED\tNOTE")
			} else {
				fmt.Fprintln(tw, "FROM\tTO\tALLOWED")
			}
		}
		allowed++
		set := c.Allowed.String()
		if c.Allowed.IsAll() {
			set = "all"
		}
		if wide {
			note := ""
			switch {
			case c.Dataplane:
				note = "dataplane-dependent (an ipBlock holds a pod IP)"
			case c.Contested:
				note = "contested (host network)"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", text(c.From), kinds[c.From], text(c.To), kinds[c.To], set, note)
		} else {
			fmt.Fprintf(tw, "%s\t%s\t%s\n", text(c.From), text(c.To), set)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if tw != nil {
		tw.Flush()
		w.WriteString("\n")
	}
	pairs := a.Pairs()
	_, err = fmt.Fprintf(w, "%d %ss, %d of %d ordered pairs allow something; the other %d allow nothing.\n",
		len(nodes), a.Level(), allowed, pairs, pairs-allowed)
	for _, g := range a.Cluster().Gaps {
		_, err = fmt.Fprintf(w, "INCOMPLETE: %s; connections involving it are not known.\n", escape.Text(g.String()))
	}
	for _, u := range a.Unevaluated() {
		if u.Why != "" {
			_, err = fmt.Fprintf(w, "CANNOT KNOW: %s %s; the ports it leaves undecided between %s and their peers are not listed as allowed.\n",
				escape.Text(u.String()), escape.Text(u.Why), escape.Text(endpointList(u.Endpoints)))
			continue
		}
		_, err = fmt.Fprintf(w, "CANNOT KNOW: %s is not evaluated and selects %s; connections from or to them are listed as the NetworkPolicies decide, and it could change them.\n",
			escape.Text(u.String()), escape.Text(endpointList(u.Endpoints)))
	}
	return err
}

// endpointList names a few endpoints and counts the rest.
func endpointList(ids []string) string {
	const shown = 5
	if len(ids) <= shown {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:shown], ", "), len(ids)-shown)
}

// escapedIDs returns a function that gives a node ID as escape.Text writes
// it; the IDs that need escaping (rare) are escaped once.
func escapedIDs(nodes []reach.Node) func(string) string {
	escaped := map[string]string{}
	for _, n := range nodes {
		if e := escape.Text(n.ID); e != n.ID {
			escaped[n.ID] = e
		}
	}
	return func(id string) string {
		if e, ok := escaped[id]; ok {
			return e
		}
		return id
	}
}

func namespaceOf(id string, kinds map[string]string) string {
	ns, _, ok := strings.Cut(id, "/")
	if !ok || kinds[id] == model.KindExternal.String() { // an external's name may hold a CIDR
		return "" // external peers
	}
	return ns
}
