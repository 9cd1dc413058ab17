package check

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/reach"
)

// markUnknown turns an allowed result into ‼ when policies podreach does
// not evaluate select an endpoint of its connections: they could deny
// what the NetworkPolicies allow. A blocked result stays ×, with the
// objects listed (one of them might also admit it; podreach cannot say).
func (r *runner) markUnknown(res *Result, src, dst *peerSet) {
	if !r.a.HasUnevaluated() {
		return
	}
	var pairs [][2]int
	for _, s := range src.eps {
		for _, d := range dst.eps {
			if s != d {
				pairs = append(pairs, [2]int{s, d})
			}
		}
	}
	r.markUnknownPairs(res, pairs)
}

// markUnknownPairs is markUnknown for the connections between the
// endpoint pairs (source, destination) the result judged.
func (r *runner) markUnknownPairs(res *Result, pairs [][2]int) {
	if !r.a.HasUnevaluated() {
		return
	}
	var could []reach.CouldChange
	seen := map[string]bool{}
	for _, p := range pairs {
		for _, c := range r.a.CouldChange(p[0], p[1]) {
			if key := c.Kind + " " + c.Namespace + "/" + c.Name; !seen[key] {
				seen[key] = true
				could = append(could, c)
			}
		}
	}
	if len(could) == 0 {
		return
	}
	res.CouldChange = could
	if res.Status == StatusOK {
		res.Status, res.Fixable, res.CannotKnow = StatusWarning, false, true
		line := "cannot know: the NetworkPolicies allow it, but policies podreach does not evaluate select its pods"
		if !slices.ContainsFunc(could, func(c reach.CouldChange) bool { return c.Why == "" }) {
			// Evaluated, but some of their rules the manifests cannot decide.
			line = "cannot know: cluster policies select its pods with rules the manifests cannot decide"
		}
		res.Details = append([]string{line}, res.Details...)
	}
	for _, c := range could {
		res.Details = append(res.Details, fmt.Sprintf("could change this: %s (e.g. %s)", c, c.Endpoint))
	}
}
