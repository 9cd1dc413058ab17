package report

import (
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// matrixData is the workload matrix. Each node's row (what it may open to
// every node, in node order) is run-length encoded, and identical rows are
// stored once: at 10k pods the rows of ~3k workloads shrink from 9.8M cells
// to ~2M runs, which gzip makes ~400 KB.
type matrixData struct {
	// Rows are the distinct rows: comma-separated runs "v" or "v*n" (base
	// 36), v indexing portSets (0: nothing allowed), n the run length.
	Rows  []string `json:"rows"`
	RowOf []int    `json:"rowOf"` // node -> Rows index
	// Cells are the namespace pairs that allow something: from namespace,
	// to namespace, allowed ordered pairs, portSets index of their union.
	Cells [][4]int `json:"cells"`
	Pairs int      `json:"pairs"` // allowed ordered pairs in all
}

type cell struct {
	pairs int
	sets  []int
}

func (ix *index) matrix() error {
	m := &ix.d.Matrix
	n := len(ix.d.Nodes)
	m.RowOf = make([]int, n)
	rows := map[string]int{}
	row := rowBuilder{n: n}
	// A focused analysis (reach.Analysis.Focus) has nodes that are only
	// destinations: their row is empty.
	for i := range m.RowOf {
		m.RowOf[i] = -1
	}
	defer func() {
		for i, r := range m.RowOf {
			if r < 0 {
				row.reset()
				m.RowOf[i] = internRow(m, rows, row.encode())
			}
		}
	}()
	cells := map[[2]int]*cell{}
	// segEnd[j] is the end of the run of nodes of node j's namespace (the
	// nodes are sorted by ID, so a namespace's nodes are together).
	segEnd := make([]int, n)
	for j := n - 1; j >= 0; j-- {
		segEnd[j] = j + 1
		if j+1 < n && ix.nsOf[j+1] == ix.nsOf[j] {
			segEnd[j] = segEnd[j+1]
		}
	}
	var bySetID []int // reach.Run.SetID -> 1 + portSets index (0: not yet)
	type sourceRow struct {
		from int
		runs []reach.Run
	}
	err := reach.Blocks(ix.a, ix.a.Workers(),
		func(b *reach.Block) ([]sourceRow, error) {
			var out []sourceRow
			err := b.Runs(func(from int, runs []reach.Run) error {
				out = append(out, sourceRow{from, slices.Clone(runs)})
				return nil
			})
			return out, err
		},
		func(block []sourceRow) error {
			for _, r := range block {
				row.reset()
				for _, run := range r.runs {
					for int(run.SetID) >= len(bySetID) {
						bySetID = append(bySetID, 0)
					}
					if bySetID[run.SetID] == 0 {
						bySetID[run.SetID] = 1 + ix.intern(ix.a.PortSet(run.SetID))
					}
					v := bySetID[run.SetID] - 1
					row.putRun(int(run.Lo), int(run.Hi)+1, v)
					m.Pairs += int(run.Hi-run.Lo) + 1
					for lo := int(run.Lo); lo <= int(run.Hi); lo = segEnd[lo] {
						k := [2]int{ix.nsOf[r.from], ix.nsOf[lo]}
						cl := cells[k]
						if cl == nil {
							cl = &cell{}
							cells[k] = cl
						}
						cl.pairs += min(segEnd[lo], int(run.Hi)+1) - lo
						if !slices.Contains(cl.sets, v) {
							cl.sets = append(cl.sets, v)
						}
					}
				}
				m.RowOf[r.from] = internRow(m, rows, row.encode())
			}
			return nil
		})
	if err != nil {
		return err
	}
	ix.cells(cells)
	return nil
}

// internRow returns the index of the distinct row enc, adding it when new.
func internRow(m *matrixData, rows map[string]int, enc string) int {
	id, ok := rows[enc]
	if !ok {
		id = len(m.Rows)
		rows[enc] = id
		m.Rows = append(m.Rows, enc)
	}
	return id
}

// cells lists the namespace cells in order, each with the union of its
// port sets.
func (ix *index) cells(cells map[[2]int]*cell) {
	keys := make([][2]int, 0, len(cells))
	for k := range cells {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y [2]int) int {
		if x[0] != y[0] {
			return x[0] - y[0]
		}
		return x[1] - y[1]
	})
	for _, k := range keys {
		cl := cells[k]
		var union ports.Set
		for _, v := range cl.sets {
			union = union.Union(ix.setVals[v])
		}
		ix.d.Matrix.Cells = append(ix.d.Matrix.Cells, [4]int{k[0], k[1], cl.pairs, ix.intern(union)})
	}
}

// intern returns the portSets index of s, adding it when new.
func (ix *index) intern(s ports.Set) int {
	key := s.String()
	if i, ok := ix.sets[key]; ok {
		return i
	}
	ps := portSet{Label: portsLabel(s), Ranges: [][3]int{}}
	for _, p := range model.Protocols {
		for _, r := range s.Ranges(p) {
			ps.Ranges = append(ps.Ranges, [3]int{int(p), int(r.Lo), int(r.Hi)})
		}
	}
	i := len(ix.d.PortSets)
	ix.sets[key] = i
	ix.setVals = append(ix.setVals, s)
	ix.d.PortSets = append(ix.d.PortSets, ps)
	return i
}

// portsLabel renders a port set for people: "all ports", "TCP 80,443 UDP 53".
func portsLabel(s ports.Set) string {
	if s.IsAll() {
		return "all ports"
	}
	return strings.ReplaceAll(s.String(), ":", " ")
}

// rowBuilder run-length encodes one row as its cells arrive in order.
type rowBuilder struct {
	n    int
	pos  int     // next column
	runs []int32 // value, length, value, length...
}

func (r *rowBuilder) reset() { r.pos, r.runs = 0, r.runs[:0] }

// putRun sets columns lo to hi-1 to v (after the last column set).
func (r *rowBuilder) putRun(lo, hi, v int) {
	if lo > r.pos {
		r.add(0, lo-r.pos)
	}
	r.add(v, hi-lo)
	r.pos = hi
}

func (r *rowBuilder) add(v, k int) {
	if l := len(r.runs); l > 0 && r.runs[l-2] == int32(v) {
		r.runs[l-1] += int32(k)
		return
	}
	r.runs = append(r.runs, int32(v), int32(k))
}

func (r *rowBuilder) encode() string {
	if r.pos < r.n {
		r.add(0, r.n-r.pos)
	}
	var b strings.Builder
	for i := 0; i < len(r.runs); i += 2 {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(int64(r.runs[i]), 36))
		if k := r.runs[i+1]; k > 1 {
			b.WriteByte('*')
			b.WriteString(strconv.FormatInt(int64(k), 36))
		}
	}
	return b.String()
}
