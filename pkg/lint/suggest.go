package lint

import (
	"fmt"
	"maps"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/podreach/podreach/internal/levenshtein"
)

// nearest returns the candidate closest to target, when it is close
// enough to be a typo of it: at most a quarter of target's length away (at
// least 1, at most 3 edits). Ties go to the first in sorted order.
func nearest(target string, cands []string) (string, bool) {
	limit := max(1, min(3, len(target)/4))
	best, bestD := "", limit+1
	for _, c := range cands {
		if abs(len(c)-len(target)) > limit {
			continue // at least that many edits
		}
		if d := levenshtein.Distance(target, c); d < bestD && c != target {
			best, bestD = c, d
		}
	}
	return best, bestD <= limit
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// labelPool is the labels of a set of objects, indexed: the values seen
// per key, and the "key: value" pairs and keys sorted, to suggest from.
type labelPool struct {
	sets   []labels.Set
	values map[string]map[string]bool
	pairs  []string
	keys   []string
}

func newLabelPool(sets []labels.Set) *labelPool {
	p := &labelPool{sets: sets, values: map[string]map[string]bool{}}
	for _, l := range sets {
		for k, v := range l {
			if p.values[k] == nil {
				p.values[k] = map[string]bool{}
			}
			p.values[k][v] = true
		}
	}
	for k, vs := range p.values {
		p.keys = append(p.keys, k)
		for v := range vs {
			p.pairs = append(p.pairs, k+": "+v)
		}
	}
	slices.Sort(p.keys)
	slices.Sort(p.pairs)
	return p
}

// met reports whether some object of the pool meets requirement r.
func (p *labelPool) met(r labels.Requirement) bool {
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		return slices.ContainsFunc(slices.Collect(maps.Keys(r.Values())), func(v string) bool { return p.values[r.Key()][v] })
	case selection.Exists:
		return p.values[r.Key()] != nil
	}
	return slices.ContainsFunc(p.sets, func(l labels.Set) bool { return r.Matches(l) })
}

// miss says why a selector matches nothing in the pool: the first
// requirement no object meets, and the nearest existing label ("app:
// frontend") when one is close enough; "" as requirement when each
// requirement alone is met by some object, but no object meets all.
func (p *labelPool) miss(sel labels.Selector) (req, suggestion string) {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if !p.met(r) {
			return r.String(), p.suggest(r)
		}
	}
	return "", ""
}

// suggest returns the existing label nearest to what r asks for.
func (p *labelPool) suggest(r labels.Requirement) string {
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		for _, v := range slices.Sorted(maps.Keys(r.Values())) {
			if s, ok := nearest(r.Key()+": "+v, p.pairs); ok {
				return s
			}
		}
	case selection.Exists:
		if s, ok := nearest(r.Key(), p.keys); ok {
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
