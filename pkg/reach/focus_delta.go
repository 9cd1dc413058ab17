package reach

import (
	"slices"

	"github.com/podreach/podreach/pkg/ports"
)

// Focus returns the part of d that f shows: the changes of the pairs f
// shows in before or in after (a pair of nodes of one state only is judged
// in that state), narrowed to f.Port (a change that then vanishes is
// dropped), and the added and removed nodes the focused states show. A
// name of f need only resolve in one state (a workload the change adds
// is not in before). Gaps are kept whole: a state read only in part may
// hide any change.
func (d *Delta) Focus(before, after *Analysis, f Focus) (*Delta, error) {
	fb, errB := before.Focus(f)
	fa, errA := after.Focus(f)
	switch {
	case errB != nil && errA != nil:
		return nil, errA
	case errB != nil:
		fb = nil
	case errA != nil:
		fa = nil
	}
	vb, va := newPairView(fb), newPairView(fa)
	out := &Delta{Level: d.Level, Gaps: d.Gaps, Tiers: d.Tiers}
	for _, c := range d.Changes {
		if !vb.shows(c.From, c.To) && !va.shows(c.From, c.To) {
			continue
		}
		if f.Port != (PortSpec{}) {
			c.Before, c.After = vb.narrow(c.To, c.Before, f.Port), va.narrow(c.To, c.After, f.Port)
			if c.Before.Equal(c.After) {
				continue
			}
			c.Lost, c.Gained = c.Before.Subtract(c.After), c.After.Subtract(c.Before)
		}
		out.Changes = append(out.Changes, c)
	}
	out.Added = slices.DeleteFunc(slices.Clone(d.Added), func(id string) bool { return !va.has(id) })
	out.Removed = slices.DeleteFunc(slices.Clone(d.Removed), func(id string) bool { return !vb.has(id) })
	return out, nil
}

// pairView answers "is this pair shown" by node IDs for a focused
// analysis; a nil analysis shows nothing.
type pairView struct {
	a   *Analysis
	pos map[string]int32 // node ID -> position
	row map[int32]int    // node position -> its index in view.rows
}

func newPairView(a *Analysis) *pairView {
	p := &pairView{a: a}
	if a == nil {
		return p
	}
	eps := a.engine.Endpoints()
	p.pos, p.row = make(map[string]int32, len(a.nodes)), make(map[int32]int, len(a.view.rows))
	for i, n := range a.nodes {
		p.pos[eps[n].ID] = int32(i)
	}
	for i, r := range a.view.rows {
		p.row[r] = i
	}
	return p
}

func (p *pairView) has(id string) bool {
	_, ok := p.pos[id]
	return ok
}

func (p *pairView) shows(from, to string) bool {
	s, ok1 := p.pos[from]
	d, ok2 := p.pos[to]
	if !ok1 || !ok2 || s == d {
		return false
	}
	i, ok := p.row[s]
	if !ok {
		return false
	}
	_, ok = slices.BinarySearch(p.a.view.cols[p.a.view.colsOf[i]], d)
	return ok
}

// narrow is set, allowed toward the node to, on port ps only (nothing
// when to is not in the state or has no port of that name).
func (p *pairView) narrow(to string, set ports.Set, ps PortSpec) ports.Set {
	e, ok := p.a.byIDOf(to)
	if !ok {
		return ports.Set{}
	}
	f := portFilter{spec: ps}
	num := f.number(p.a, e)
	if num == 0 {
		return ports.Set{}
	}
	return f.narrow(set, num)
}

// byIDOf is the endpoint of id in a, false for a nil a.
func (a *Analysis) byIDOf(id string) (int, bool) {
	if a == nil {
		return 0, false
	}
	return a.endpoint(id)
}
