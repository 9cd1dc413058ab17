package report

import (
	"fmt"
	"strings"
)

// This file keeps "cannot know" visible: the page shows allowed ports
// only, so the ports the engine leaves undecided (a cluster policy rule
// that may match or not, policy.Engine.Undecided) would read as denied.
// They are listed per pair (the matrix marks them ‼) and the policies
// that cause them, like the ones podreach does not evaluate, are named
// in a banner.

// cannotKnow adds the banners of the policies that could change the
// answers, and the undecided ports of every pair.
func (ix *index) cannotKnow() {
	sels := ix.a.Unevaluated()
	var selves []int // nodes an undecided-only policy selects
	for _, u := range sels {
		if u.Why == "" {
			ix.d.Notes = append(ix.d.Notes, fmt.Sprintf("‼ Cannot know: %s is not evaluated and selects %s; connections from or to them are shown as the NetworkPolicies decide, and it could change them.",
				u, nodeList(u.Endpoints)))
			continue
		}
		ix.d.Notes = append(ix.d.Notes, fmt.Sprintf("‼ Cannot know: %s %s; the ports it leaves undecided between %s and their peers are not shown as allowed (‼ in the matrix).",
			u, u.Why, nodeList(u.Endpoints)))
		for _, id := range u.Endpoints {
			if n := ix.nodeIndex(id); n >= 0 {
				selves = append(selves, n)
			}
		}
	}
	eng := ix.a.Engine()
	if !eng.Undecidable() {
		return
	}
	n := len(ix.d.Nodes)
	if len(selves) == 0 { // undecided by a partly matching peer, not by domainNames: every node
		selves = make([]int, n)
		for i := range selves {
			selves[i] = i
		}
	}
	seen := map[[2]int]bool{}
	add := func(s, d int) {
		if s == d || seen[[2]int{s, d}] || ix.eps[s] < 0 || ix.eps[d] < 0 {
			return
		}
		seen[[2]int{s, d}] = true
		if u := eng.Undecided(ix.eps[s], ix.eps[d]); !u.IsEmpty() {
			ix.d.Undecided = append(ix.d.Undecided, [3]int{s, d, ix.intern(u)})
		}
	}
	for _, self := range selves {
		for other := range n {
			add(self, other)
			add(other, self)
		}
	}
}

// nodeList names a few nodes and counts the rest.
func nodeList(ids []string) string {
	const shown = 5
	if len(ids) <= shown {
		return strings.Join(ids, ", ")
	}
	return fmt.Sprintf("%s and %d more", strings.Join(ids[:shown], ", "), len(ids)-shown)
}
