package reach

import (
	"cmp"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
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
	// Tiers are the changes of the cluster policy tiers (diff_tiers.go).
	Tiers []TierChange
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

// Diff compares the matrices of two analyses of the same level: every
// ordered pair whose allowed ports differ, with the ports lost and gained
// per protocol. When the states' ipBlocks (or cluster policy networks)
// cut the external ranges at different boundaries, both are analysed
// again at the boundaries of both (recut) and compared piece by piece.
//
// When the states differ in a few objects (a policy edited, a workload
// relabelled…), the edits are replayed on an incremental engine compiled
// from before, which evaluates only the pairs they can affect
// (diffIncremental). Otherwise both matrices are walked once, row by row,
// side by side (diffScan): the nodes of both states merged by ID, each
// row of each state computed by its scanner, runs of sources on every
// core. Nothing per pair is kept but the changes either way.
func Diff(before, after *Analysis) (*Delta, error) {
	if before.view != nil || after.view != nil {
		return nil, errFocused
	}
	if before.Level() != after.Level() {
		return nil, fmt.Errorf("cannot compare a %s matrix with a %s matrix", before.Level(), after.Level())
	}
	if !before.ext.sameCuts(after.ext) {
		var err error
		if before, after, err = recut(before, after); err != nil {
			return nil, err
		}
	}
	d := &Delta{Level: before.Level()}
	merged := mergeNodes(before, after)
	changes, replayed, err := diffIncremental(before, after, merged)
	if err != nil {
		return nil, err
	}
	if !replayed {
		changes = diffScan(before, after, merged)
	}
	d.Changes = arrivedChanges(before, after, changes)
	if extra := meshChanges(before, after, merged, d.Changes); len(extra) > 0 {
		d.Changes = append(d.Changes, extra...)
		sortChanges(d.Changes)
	}
	if extra := linkerdChanges(before, after, merged, d.Changes); len(extra) > 0 {
		d.Changes = append(d.Changes, extra...)
		sortChanges(d.Changes)
	}
	for _, m := range merged {
		switch {
		case m.b < 0:
			d.Added = append(d.Added, m.id)
		case m.a < 0:
			d.Removed = append(d.Removed, m.id)
		}
	}
	d.Gaps = append(slices.Clone(before.cluster.Gaps), after.cluster.Gaps...)
	d.Tiers = tierChanges(before.cluster, after.cluster)
	return d, nil
}

// recut analyses both states again, each also cut at the other's
// boundaries (WithRangesOf): their external ranges are then the common
// refinement of both cuts, the same nodes on both sides, and an external
// that either state's ipBlocks or networks cut is compared piece by piece.
func recut(before, after *Analysis) (*Analysis, *Analysis, error) {
	again := func(a, other *Analysis) (*Analysis, error) {
		o := a.opts
		o.rangesOf = append(slices.Clip(o.rangesOf), other.input)
		o.rangesOf = append(o.rangesOf, other.opts.rangesOf...)
		return Analyze(a.input, func(p *options) { *p = o })
	}
	b, err := again(before, after)
	if err != nil {
		return nil, nil, fmt.Errorf("analysing the state before at the boundaries of both: %w", err)
	}
	a, err := again(after, before)
	if err != nil {
		return nil, nil, fmt.Errorf("analysing the state after at the boundaries of both: %w", err)
	}
	if !b.ext.sameCuts(a.ext) {
		return nil, nil, fmt.Errorf("the two states' external ranges could not be cut alike")
	}
	return b, a, nil
}

// SameCuts reports whether the ipBlocks and cluster policy networks of
// two clusters cut the external ranges at the same boundaries: then their
// analyses (with the same options) have the same external endpoints, and
// an engine built on the endpoints of one answers for the other.
func SameCuts(c, d *model.Cluster) bool {
	x, y := cutsOf(c), cutsOf(d)
	return slices.Equal(x[0], y[0]) && slices.Equal(x[1], y[1])
}

// arrivedChanges maps the changes' port sets to the application ports
// meshed pairs can really use (Analysis.Arrived) and drops the changes
// that then vanish. Pairs whose NetworkPolicy answer is unchanged keep
// their application ports too (the mapping depends only on the pair); the
// pairs whose meshing changed are meshChanges'.
func arrivedChanges(before, after *Analysis, cs []Change) []Change {
	if before.opts.mesh == nil && after.opts.mesh == nil {
		return cs
	}
	out := cs[:0]
	for _, c := range cs {
		c.Before, c.After = before.arrivedAt(c.From, c.To, c.Before), after.arrivedAt(c.From, c.To, c.After)
		if c.Before.Equal(c.After) {
			continue
		}
		c.Lost, c.Gained = c.Before.Subtract(c.After), c.After.Subtract(c.Before)
		out = append(out, c)
	}
	return out
}

// Usable is what of set, ports the policy engine admits from endpoint s
// to endpoint d (indexes into Engine().Endpoints()), the application can
// really use: mapped by the mesh's transport (Arrived), less what the
// Linkerd layer refuses. Diff compares these; both steps are per port, so
// what two sets lose between them is Usable of their difference.
func (a *Analysis) Usable(s, d int, set ports.Set) ports.Set { return a.usable(s, d, set) }

// arrivedAt is Arrived for the endpoints named from and to (set itself
// when either is not in a).
func (a *Analysis) arrivedAt(from, to string, set ports.Set) ports.Set {
	s, ok1 := a.byID[from]
	d, ok2 := a.byID[to]
	if !ok1 || !ok2 || set.IsEmpty() {
		return set
	}
	return a.usable(s, d, set)
}

// diffScan compares the two matrices row by row: the sources in as many
// runs as cores, each scanned on its own goroutine with its own scanners,
// the changes joined in order.
func diffScan(before, after *Analysis, merged []mergedNode) []Change {
	parts := min(runtime.GOMAXPROCS(0), max(1, len(merged)/8))
	changes := make([][]Change, parts)
	var wg sync.WaitGroup
	for p := range parts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			changes[p] = diffRows(before, after, merged, p*len(merged)/parts, (p+1)*len(merged)/parts)
		}()
	}
	wg.Wait()
	var out []Change
	for _, cs := range changes {
		out = append(out, cs...)
	}
	return out
}

// diffRows returns the changes of the rows of merged[lo:hi], in order.
func diffRows(before, after *Analysis, merged []mergedNode, lo, hi int) []Change {
	var out []Change
	bs, as := before.engine.NewScanner(before.nodes), after.engine.NewScanner(after.nodes)
	bids, aids := make([]int32, len(before.nodes)), make([]int32, len(after.nodes))
	var sc setComparer
	for k := lo; k < hi; k++ {
		src := merged[k]
		// What src reaches in each state, by destination (0: nothing).
		clear(bids)
		clear(aids)
		if src.b >= 0 {
			bs.Row(before.nodes[src.b])
			bs.IDs(before.nodes, bids)
			before.ext.dropExternal(before.nodes[src.b], before.engine.Endpoints(), bids)
		}
		if src.a >= 0 {
			as.Row(after.nodes[src.a])
			as.IDs(after.nodes, aids)
			after.ext.dropExternal(after.nodes[src.a], after.engine.Endpoints(), aids)
		}
		for o, dst := range merged {
			var b, a int32
			if dst.b >= 0 {
				b = bids[dst.b]
			}
			if dst.a >= 0 {
				a = aids[dst.a]
			}
			if b == 0 && a == 0 || o == k {
				continue
			}
			if ch := sc.compare(before.engine, after.engine, b, a); ch.differ {
				out = append(out, Change{From: src.id, To: dst.id, Before: ch.before, After: ch.after, Lost: ch.lost, Gained: ch.gained})
			}
		}
	}
	return out
}

// mergedNode is a node of either state: its ID and its positions in each
// state's nodes (-1 when not there).
type mergedNode struct {
	id   string
	b, a int
}

// mergeNodes lists the nodes of both analyses in ID order.
func mergeNodes(before, after *Analysis) []mergedNode {
	beps, aeps := before.engine.Endpoints(), after.engine.Endpoints()
	out := make([]mergedNode, 0, max(len(before.nodes), len(after.nodes)))
	i, j := 0, 0
	for i < len(before.nodes) || j < len(after.nodes) {
		var c int
		switch {
		case i == len(before.nodes):
			c = 1
		case j == len(after.nodes):
			c = -1
		default:
			c = cmp.Compare(beps[before.nodes[i]].ID, aeps[after.nodes[j]].ID)
		}
		switch {
		case c < 0:
			out = append(out, mergedNode{beps[before.nodes[i]].ID, i, -1})
			i++
		case c > 0:
			out = append(out, mergedNode{aeps[after.nodes[j]].ID, -1, j})
			j++
		default:
			out = append(out, mergedNode{beps[before.nodes[i]].ID, i, j})
			i, j = i+1, j+1
		}
	}
	return out
}

// setChange is what one pair of set ids (before, after) means.
type setChange struct {
	before, after, lost, gained ports.Set
	differ                      bool
}

// setComparer compares set ids of two engines, once per pair of ids: a
// small direct-mapped cache in front of a map (a row asks the same few
// pairs again and again).
type setComparer struct {
	last [1 << 10]struct {
		k  uint64
		ch *setChange
	}
	memo map[uint64]*setChange
}

// compare returns what set ids b (of engine be) and a (of ae) mean.
func (c *setComparer) compare(be, ae *policy.Engine, b, a int32) *setChange {
	k := uint64(uint32(b))<<32 | uint64(uint32(a))
	slot := &c.last[(k*0x9e3779b97f4a7c15)>>54]
	if slot.ch != nil && slot.k == k {
		return slot.ch
	}
	ch, ok := c.memo[k]
	if !ok {
		if c.memo == nil {
			c.memo = map[uint64]*setChange{}
		}
		before, after := be.PortSet(b), ae.PortSet(a)
		ch = &setChange{before: before, after: after, differ: !before.Equal(after)}
		if ch.differ {
			ch.lost, ch.gained = before.Subtract(after), after.Subtract(before)
		}
		c.memo[k] = ch
	}
	slot.k, slot.ch = k, ch
	return ch
}
