package report

import (
	"strconv"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

// TestMatrixRows: decoding the report's run-length encoded rows gives,
// for every ordered pair of nodes, the ports of reach's Matrix (nothing
// for the pairs it does not list), and the namespace cells count them.
func TestMatrixRows(t *testing.T) {
	t.Parallel()
	for _, size := range []synth.Size{synth.SizeS, synth.SizeM} {
		a, err := reach.Analyze(synth.Generate(size.Config(3)))
		if err != nil {
			t.Fatal(err)
		}
		d, err := build(a, options{})
		if err != nil {
			t.Fatal(err)
		}
		m := d.Matrix
		n := len(d.Nodes)
		want := make([]int, n*n) // portSets index per pair
		cellPairs := map[[2]int]int{}
		total := 0
		err = a.Matrix(func(c reach.Connection) error {
			label := portsLabel(c.Allowed)
			idx := -1
			for i, ps := range d.PortSets {
				if ps.Label == label {
					idx = i
				}
			}
			if idx < 0 {
				t.Fatalf("%s: set %s of %s → %s is not in portSets", size, c.Allowed, c.From, c.To)
			}
			want[c.FromNode*n+c.ToNode] = idx
			cellPairs[[2]int{d.Nodes[c.FromNode].NS, d.Nodes[c.ToNode].NS}]++
			total++
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for from := range n {
			col := 0
			for _, run := range strings.Split(m.Rows[m.RowOf[from]], ",") {
				v, k, _ := strings.Cut(run, "*")
				val, _ := strconv.ParseInt(v, 36, 64)
				count := int64(1)
				if k != "" {
					count, _ = strconv.ParseInt(k, 36, 64)
				}
				for range count {
					if got := int(val); got != want[from*n+col] {
						t.Fatalf("%s: %s → %s: row says set %d, Matrix %d", size, d.Nodes[from].Name, d.Nodes[col].Name, got, want[from*n+col])
					}
					col++
				}
			}
			if col != n {
				t.Fatalf("%s: row of node %d covers %d columns, want %d", size, from, col, n)
			}
		}
		if m.Pairs != total || len(m.Cells) != len(cellPairs) {
			t.Fatalf("%s: %d pairs in %d cells, want %d in %d", size, m.Pairs, len(m.Cells), total, len(cellPairs))
		}
		for _, c := range m.Cells {
			if got, w := c[2], cellPairs[[2]int{c[0], c[1]}]; got != w {
				t.Errorf("%s: cell %d→%d counts %d pairs, want %d", size, c[0], c[1], got, w)
			}
		}
	}
}
