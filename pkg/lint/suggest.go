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

// labelPool is the labels of a set of objects: whether some object has a
// label or key, and, built on first use, the label sets and the sorted
// "key: value" pairs and keys to suggest from.
type labelPool struct {
	has    func(key, value string) bool // value "": the key with any value
	setsOf func() []labels.Set
	// labelsOf, when set, returns the distinct labels of the pool (with
	// repeats allowed) faster than its label sets would.
	labelsOf func() []labelKV
	sets     []labels.Set
	pairs    []string
	keys     []string
}

// newLabelPool indexes sets.
func newLabelPool(sets []labels.Set) *labelPool {
	values := map[string]map[string]bool{}
	for _, l := range sets {
		for k, v := range l {
			if values[k] == nil {
				values[k] = map[string]bool{}
			}
			values[k][v] = true
		}
	}
	has := func(k, v string) bool {
		if v == "" {
			return values[k] != nil
		}
		return values[k][v]
	}
	return &labelPool{has: has, sets: sets}
}

// labelSets returns the pool's label sets, loading them on first use.
func (p *labelPool) labelSets() []labels.Set {
	if p.sets == nil && p.setsOf != nil {
		p.sets = p.setsOf()
	}
	return p.sets
}

// sorted fills the sorted keys and pairs suggestions are taken from, on
// first use: most pools only answer met.
func (p *labelPool) sorted() {
	if p.keys != nil {
		return
	}
	p.keys = []string{}
	seen := map[string]bool{}
	add := func(k, v string) {
		if kv := k + ": " + v; !seen[kv] {
			seen[kv] = true
			p.pairs = append(p.pairs, kv)
		}
		if !seen[k] {
			seen[k] = true
			p.keys = append(p.keys, k)
		}
	}
	if p.labelsOf != nil {
		for _, l := range p.labelsOf() {
			add(l.key, l.value)
		}
	} else {
		for _, l := range p.labelSets() {
			for k, v := range l {
				add(k, v)
			}
		}
	}
	slices.Sort(p.keys)
	slices.Sort(p.pairs)
}

// labelKV is one label.
type labelKV struct{ key, value string }

// met reports whether some object of the pool meets requirement r.
func (p *labelPool) met(r labels.Requirement) bool {
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		return slices.ContainsFunc(slices.Collect(maps.Keys(r.Values())), func(v string) bool { return v != "" && p.has(r.Key(), v) || v == "" && p.hasEmpty(r.Key()) })
	case selection.Exists:
		return p.has(r.Key(), "")
	}
	return slices.ContainsFunc(p.labelSets(), func(l labels.Set) bool { return r.Matches(l) })
}

// hasEmpty reports whether some object has key k with the empty value.
func (p *labelPool) hasEmpty(k string) bool {
	return slices.ContainsFunc(p.labelSets(), func(l labels.Set) bool { v, ok := l[k]; return ok && v == "" })
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
	p.sorted()
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
