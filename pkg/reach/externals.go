package reach

import (
	"net/netip"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// externals is what an Analysis knows about the endpoints outside the pod
// network: the named externals (model.Cluster.Externals), each cut at the
// policies' boundaries, and the ranges the boundaries cut the whole
// address space into (docs/externals.md).
type externals struct {
	cuts cuts
	// ranges are the endpoints of the induced ranges, IPv4 then IPv6,
	// each family in address order: every address is in exactly one.
	ranges []rangeEndpoint
	named  map[string][]int // an external's name -> the endpoints of its pieces
	of     map[int]Range    // the range of every external endpoint
	// nodes are the positions in Analysis.nodes of the external nodes
	// (their pairs are not connections), set once the nodes are sorted.
	nodes []int32
}

type rangeEndpoint struct {
	r  Range
	ep int
}

// addExternals adds c's externals and the induced ranges through add (see
// Analyze). An external that the boundaries cut is one endpoint per piece,
// named NAME[RANGE]. The induced ranges are matrix nodes when ranges is
// set, c names no external, and the policies have a block of the range's
// family; they are endpoints in any case, so that Resolve can answer for
// any address.
func (a *Analysis) addExternals(c *model.Cluster, add func(policy.Endpoint, int, int, bool)) {
	x := &externals{cuts: cutsOf(append([]*model.Cluster{c}, a.opts.rangesOf...)...),
		named: map[string][]int{}, of: map[int]Range{}}
	a.ext = x
	for _, e := range c.Externals {
		pieces := x.cuts.split(RangeOf(e.Prefix))
		for _, r := range pieces {
			id := e.Name
			if len(pieces) > 1 {
				id += "[" + r.String() + "]"
			}
			if i, ok := a.addRange(add, id, r, true); ok {
				x.named[e.Name] = append(x.named[e.Name], i)
			}
		}
	}
	for f := range 2 {
		node := a.opts.ranges && len(c.Externals) == 0 && len(x.cuts[f]) > 0
		for _, r := range x.cuts.split(whole(f)) {
			if i, ok := a.addRange(add, r.String(), r, node); ok {
				x.ranges = append(x.ranges, rangeEndpoint{r, i})
			}
		}
	}
}

// addRange adds the external endpoint id for r; false when id is taken by
// an endpoint of another range.
func (a *Analysis) addRange(add func(policy.Endpoint, int, int, bool), id string, r Range, node bool) (int, bool) {
	ep := policy.Endpoint{ID: id, Name: id, Kind: model.KindExternal, Prefix: r.firstPrefix(), Single: true}
	add(ep, -1, -1, node)
	i := a.byID[id]
	if old, ok := a.ext.of[i]; ok && old != r {
		return 0, false
	}
	a.ext.of[i] = r
	return i, true
}

// markNodes records where the external nodes are among the sorted nodes.
func (x *externals) markNodes(eps []policy.Endpoint, nodes []int) {
	for k, n := range nodes {
		if eps[n].IsExternal() {
			x.nodes = append(x.nodes, int32(k))
		}
	}
}

// rangeFor returns the endpoint of the induced range that holds r (a piece
// cut at the same boundaries lies in exactly one).
func (x *externals) rangeFor(r Range) (int, bool) {
	i, found := slices.BinarySearchFunc(x.ranges, r.First, func(e rangeEndpoint, a netip.Addr) int {
		switch {
		case e.r.Last.Is4() != a.Is4():
			if e.r.Last.Is4() {
				return -1
			}
			return 1
		case e.r.Last.Compare(a) < 0:
			return -1
		case e.r.First.Compare(a) > 0:
			return 1
		}
		return 0
	})
	if !found || !x.ranges[i].r.Contains(r.Last) {
		return 0, false
	}
	return x.ranges[i].ep, true
}

// dropExternal clears, in the row ids of source s, the external
// destinations when s is external.
func (x *externals) dropExternal(s int, eps []policy.Endpoint, ids []int32) {
	if !eps[s].IsExternal() {
		return
	}
	for _, k := range x.nodes {
		ids[k] = 0
	}
}

// sameCuts reports whether x and y cut the externals alike, as far as
// their nodes show: always when neither has external nodes.
func (x *externals) sameCuts(y *externals) bool {
	if len(x.nodes) == 0 && len(y.nodes) == 0 {
		return true
	}
	return slices.Equal(x.cuts[0], y.cuts[0]) && slices.Equal(x.cuts[1], y.cuts[1])
}
