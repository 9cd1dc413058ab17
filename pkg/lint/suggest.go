package lint

import (
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"
)

// distance is the Levenshtein edit distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			sub := prev[j-1]
			if a[i-1] != b[j-1] {
				sub++
			}
			cur[j] = min(sub, prev[j]+1, cur[j-1]+1)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// nearest returns the candidate closest to target, when it is close
// enough to be a typo of it: at most a quarter of target's length away (at
// least 1, at most 3 edits). Ties go to the first in sorted order.
func nearest(target string, cands []string) (string, bool) {
	limit := max(1, min(3, len(target)/4))
	best, bestD := "", limit+1
	for _, c := range cands {
		if d := distance(target, c); d < bestD && c != target {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

// miss says why a selector matches none of sets: the first requirement no
// set satisfies, and the nearest existing label ("app: frontend") when one
// is close enough; "" as requirement when each requirement alone is met
// by some set, but no set meets all.
func miss(sel labels.Selector, sets []labels.Set) (req, suggestion string) {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if slices.ContainsFunc(sets, func(l labels.Set) bool { return r.Matches(l) }) {
			continue
		}
		return r.String(), suggest(r, sets)
	}
	return "", ""
}

// suggest returns the existing label nearest to what r asks for.
func suggest(r labels.Requirement, sets []labels.Set) string {
	pairs, keys := map[string]bool{}, map[string]bool{}
	for _, l := range sets {
		for k, v := range l {
			pairs[k+": "+v], keys[k] = true, true
		}
	}
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		cands := slices.Sorted(maps.Keys(pairs))
		for _, v := range slices.Sorted(maps.Keys(r.Values())) {
			if s, ok := nearest(r.Key()+": "+v, cands); ok {
				return s
			}
		}
	case selection.Exists:
		if s, ok := nearest(r.Key(), slices.Sorted(maps.Keys(keys))); ok {
			return s
		}
	}
	return ""
}

// didYouMean is "; did you mean `app: frontend`?", or "" without a
// suggestion.
func didYouMean(s string) string {
	if s == "" {
		return ""
	}
	return fmt.Sprintf("; did you mean `%s`?", s)
}
