package reach

import (
	"cmp"
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// Delta is what changed in the matrix between two states of a cluster.
type Delta struct {
	Level   Level
	Changes []Change // sorted by From, then To
	// Added and Removed are the nodes only in the after or only in the
	// before state, sorted. Connections to or from them are in Changes.
	Added, Removed []string
	// Gaps are the gaps of either state (see model.Cluster.Gaps): changes
	// involving their namespaces may be incomplete.
	Gaps []model.Gap
}

// Change is one ordered pair whose allowed ports differ.
type Change struct {
	From, To      string
	Before, After ports.Set // what each state allows
	Lost, Gained  ports.Set // Before minus After, After minus Before
}

// Lost reports whether any change loses a port.
func (d *Delta) Lost() bool {
	return slices.ContainsFunc(d.Changes, func(c Change) bool { return !c.Lost.IsEmpty() })
}

// Gained reports whether any change gains a port.
func (d *Delta) Gained() bool {
	return slices.ContainsFunc(d.Changes, func(c Change) bool { return !c.Gained.IsEmpty() })
}

// Counts returns the number of pairs that lose and that gain something.
func (d *Delta) Counts() (lost, gained int) {
	for _, c := range d.Changes {
		if !c.Lost.IsEmpty() {
			lost++
		}
		if !c.Gained.IsEmpty() {
			gained++
		}
	}
	return lost, gained
}

type pair struct{ from, to string }

// Diff compares the matrices of two analyses of the same level: every
// ordered pair whose allowed ports differ, with the ports lost and gained
// per protocol.
func Diff(before, after *Analysis) (*Delta, error) {
	if before.Level() != after.Level() {
		return nil, fmt.Errorf("cannot compare a %s matrix with a %s matrix", before.Level(), after.Level())
	}
	d := &Delta{Level: before.Level()}
	old := make(map[pair]ports.Set)
	if err := before.Matrix(func(c Connection) error { old[pair{c.From, c.To}] = c.Allowed; return nil }); err != nil {
		return nil, err
	}
	err := after.Matrix(func(c Connection) error {
		k := pair{c.From, c.To}
		b := old[k]
		delete(old, k)
		if !b.Equal(c.Allowed) {
			d.Changes = append(d.Changes, change(k, b, c.Allowed))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for k, b := range old {
		d.Changes = append(d.Changes, change(k, b, ports.Set{}))
	}
	slices.SortFunc(d.Changes, func(x, y Change) int { return cmp.Or(cmp.Compare(x.From, y.From), cmp.Compare(x.To, y.To)) })
	d.Added, d.Removed = nodeDelta(before.Nodes(), after.Nodes())
	d.Gaps = append(slices.Clone(before.cluster.Gaps), after.cluster.Gaps...)
	return d, nil
}

func change(k pair, before, after ports.Set) Change {
	return Change{From: k.from, To: k.to, Before: before, After: after,
		Lost: before.Subtract(after), Gained: after.Subtract(before)}
}

// nodeDelta returns the node IDs only in after, and only in before.
func nodeDelta(before, after []Node) (added, removed []string) {
	in := func(nodes []Node) map[string]bool {
		m := make(map[string]bool, len(nodes))
		for _, n := range nodes {
			m[n.ID] = true
		}
		return m
	}
	b, a := in(before), in(after)
	for _, n := range after {
		if !b[n.ID] {
			added = append(added, n.ID)
		}
	}
	for _, n := range before {
		if !a[n.ID] {
			removed = append(removed, n.ID)
		}
	}
	return added, removed
}
