package reach

import (
	"slices"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// view is the part of the matrix an analysis shows (see Focus): its
// sources and, per source, one of a few destination lists. Positions are
// in the analysis's nodes. A nil view is the whole matrix.
type view struct {
	rows   []int32 // the sources, ascending
	colsOf []uint8 // per rows entry: its destination list
	cols   [][]int32
	eps    [][]int     // per destination list, its endpoints (for the scanners)
	port   *portFilter // nil: every port
}

// fullView is the whole matrix of nodes: every source, every column.
func fullView(nodes []int) *view {
	all := make([]int32, len(nodes))
	for i := range all {
		all[i] = int32(i)
	}
	return &view{rows: all, colsOf: make([]uint8, len(nodes)), cols: [][]int32{all}, eps: [][]int{nodes}}
}

// shown returns the view and its nodes. A source in scope sees every
// destination (list 0), one out of scope only those in scope (list 1);
// a node is kept when it is an end of at least one shown pair (a pair of
// a node with itself is none, nor one of two externals).
func (m *members) view(nodes []int) (*view, []int) {
	var to, toScoped []int32
	for i := range nodes {
		if m.to[i] {
			to = append(to, int32(i))
			if m.scope[i] {
				toScoped = append(toScoped, int32(i))
			}
		}
	}
	list := func(i int) int { // the destination list of source i
		if !m.scoped || m.scope[i] {
			return 0
		}
		return 1
	}
	lists := [][]int32{to, toScoped}
	keep := make([]bool, len(nodes))
	var rows []int32
	var colsOf []uint8
	for i := range nodes {
		k := list(i)
		if !m.from[i] || !m.hasOther(lists[k], i) {
			continue
		}
		keep[i], rows, colsOf = true, append(rows, int32(i)), append(colsOf, uint8(k))
	}
	m.keepDestinations(keep, rows, colsOf)
	return remap(nodes, keep, rows, colsOf, lists)
}

// keepDestinations marks the destinations a source other than themselves
// sees: any source when they are in scope (they are in both lists), else
// a source with list 0; for an external, such a source that is not
// external. (A source is marked already.)
func (m *members) keepDestinations(keep []bool, rows []int32, colsOf []uint8) {
	var srcAll, inner, innerAll int // sources with list 0; not external; both
	for i, k := range colsOf {
		if !m.ext[rows[i]] {
			inner++
		}
		if k == 0 {
			srcAll++
			if !m.ext[rows[i]] {
				innerAll++
			}
		}
	}
	for i := range keep {
		all, some := srcAll, len(rows)
		if m.ext[i] {
			all, some = innerAll, inner
		}
		switch {
		case !m.to[i] || keep[i]:
		case !m.scoped || m.scope[i]:
			keep[i] = some > 0
		default:
			keep[i] = all > 0
		}
	}
}

// hasOther reports whether list holds a destination that source i has a
// pair with: one other than i, and not external when i is.
func (m *members) hasOther(list []int32, i int) bool {
	if !m.ext[i] {
		return len(list) > 1 || len(list) == 1 && list[0] != int32(i)
	}
	return slices.ContainsFunc(list, func(d int32) bool { return !m.ext[d] })
}

// remap renumbers the view to the kept nodes.
func remap(nodes []int, keep []bool, rows []int32, colsOf []uint8, lists [][]int32) (*view, []int) {
	newPos := make([]int32, len(nodes))
	var kept []int
	for i, n := range nodes {
		newPos[i] = -1
		if keep[i] {
			newPos[i] = int32(len(kept))
			kept = append(kept, n)
		}
	}
	v := &view{colsOf: colsOf}
	for _, r := range rows {
		v.rows = append(v.rows, newPos[r])
	}
	for _, l := range lists {
		var c []int32
		for _, p := range l {
			if newPos[p] >= 0 {
				c = append(c, newPos[p])
			}
		}
		v.cols = append(v.cols, c)
		eps := make([]int, len(c))
		for i, p := range c {
			eps[i] = kept[p]
		}
		v.eps = append(v.eps, eps)
	}
	return v, kept
}

// shownView is a's view; the whole matrix when a is not focused.
func (a *Analysis) shownView() *view {
	if a.view != nil {
		return a.view
	}
	return fullView(a.nodes)
}

// Pairs returns the number of ordered pairs of distinct nodes the matrix
// shows and answers for: every one but those between two externals
// (traffic between two addresses outside the pod network is no
// NetworkPolicy's business); unfocused, n·(n-1) - e·(e-1) for e externals.
func (a *Analysis) Pairs() int {
	if a.view == nil {
		n, e := len(a.nodes), len(a.ext.nodes)
		return n*(n-1) - e*(e-1)
	}
	v, eps := a.view, a.engine.Endpoints()
	externals := make([]int, len(v.cols)) // per destination list
	for k, list := range v.eps {
		for _, e := range list {
			if eps[e].IsExternal() {
				externals[k]++
			}
		}
	}
	n := 0
	for i, r := range v.rows {
		k := v.colsOf[i]
		n += len(v.cols[k])
		if eps[a.nodes[r]].IsExternal() {
			n -= externals[k]
		} else if _, self := slices.BinarySearch(v.cols[k], r); self {
			n--
		}
	}
	return n
}

// scanners returns one scanner per destination list of v.
func (a *Analysis) scanners(v *view) []*policy.Scanner {
	out := make([]*policy.Scanner, len(v.cols))
	for k := range v.cols {
		if slices.Contains(v.colsOf, uint8(k)) {
			out[k] = a.engine.NewScanner(v.eps[k])
		}
	}
	return out
}

// at is the ID and set a shown pair allows, from the engine's answer id
// for source node position s and destination position d: under a mesh
// that rewrites ports, the application ports; with a port focus, only
// that port. 0 is nothing. layer is the ID of its LayerAnswer (0: none).
func (b *Block) at(s, d int, set ports.Set, id int32) (ports.Set, int32, int32) {
	a := b.a
	var layer int32
	if a.arr != nil {
		set, id, layer = a.arr.at(a, a.nodes[s], a.nodes[d], set, id)
	}
	if a.view != nil && a.view.port != nil && id != 0 {
		set, id = a.view.port.at(a, a.nodes[d], set, id)
		if layer != 0 {
			num := a.view.port.number(a, a.nodes[d])
			layer = a.arr.narrowLayer(layer, ports.Of(a.view.port.spec.Protocol, num, num))
		}
	}
	return set, id, layer
}
