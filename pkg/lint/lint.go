package lint

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Severity ranks a finding.
type Severity uint8

// Severities, least severe first.
const (
	SeverityUnknown Severity = iota
	Info
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Info:
		return "info"
	case Warning:
		return "warning"
	case Error:
		return "error"
	}
	return "unknown"
}

// ParseSeverity parses "info", "warning" or "error".
func ParseSeverity(s string) (Severity, error) {
	for _, v := range []Severity{Info, Warning, Error} {
		if s == v.String() {
			return v, nil
		}
	}
	return SeverityUnknown, fmt.Errorf("unknown severity %q (want error, warning or info)", s)
}

// DisableAnnotation, on a NetworkPolicy, Namespace or workload, lists the
// rule IDs (comma-separated; "all" for every rule) whose findings about
// that object are dropped.
const DisableAnnotation = "podreach.io/lint-disable"

// Finding is one problem: which rule found it, where, why, and how to fix
// it.
type Finding struct {
	Rule     string       `json:"rule"`
	Severity Severity     `json:"-"`
	Object   string       `json:"object"`          // "NetworkPolicy ns/name", "Namespace ns"
	Field    string       `json:"field,omitempty"` // "spec.ingress[0].from[1].podSelector"
	Source   model.Source `json:"-"`
	Message  string       `json:"message"` // why
	Hint     string       `json:"hint"`    // a concrete fix
}

// Report is the findings of one run, sorted by file, line, field and rule.
type Report struct {
	Findings []Finding
}

// Count returns the number of findings of severity s.
func (r *Report) Count(s Severity) int {
	n := 0
	for _, f := range r.Findings {
		if f.Severity == s {
			n++
		}
	}
	return n
}

// Worst returns the highest severity of a finding, SeverityUnknown when
// there is none.
func (r *Report) Worst() Severity {
	w := SeverityUnknown
	for _, f := range r.Findings {
		w = max(w, f.Severity)
	}
	return w
}

// Option configures Run.
type Option func(*options)

type options struct {
	disabled []string
}

func makeOptions(opts []Option) options {
	var o options
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithDisabled turns rules off by ID.
func WithDisabled(ids ...string) Option {
	return func(o *options) { o.disabled = append(o.disabled, ids...) }
}

// UnknownRuleError is returned for a rule ID no rule has.
type UnknownRuleError struct {
	ID string
}

func (e *UnknownRuleError) Error() string {
	return fmt.Sprintf("unknown lint rule %q (known: %s)", e.ID, strings.Join(ruleIDs(), ", "))
}

// Run lints the effective cluster of a.
func Run(a *reach.Analysis, opts ...Option) (*Report, error) {
	o := makeOptions(opts)
	off := map[string]bool{}
	for _, id := range o.disabled {
		if _, ok := findRule(id); !ok {
			return nil, &UnknownRuleError{ID: id}
		}
		off[id] = true
	}
	s, err := newScope(a)
	if err != nil {
		return nil, err
	}
	var rules []Rule
	for _, r := range Rules() {
		if !off[r.ID] {
			rules = append(rules, r)
		}
	}
	found := make([][]Finding, len(rules))
	// selector-no-match costs about what all other rules cost together:
	// it runs beside them, on a scope with memos of its own (the rules
	// only read the rest), and its findings keep their place.
	var wg sync.WaitGroup
	for i, r := range rules {
		if r.ID == "selector-no-match" {
			own := s.fork()
			wg.Go(func() { found[i] = r.check(own) })
		}
	}
	for i, r := range rules {
		if r.ID != "selector-no-match" {
			found[i] = r.check(s)
		}
	}
	wg.Wait()
	rep := &Report{}
	for i, r := range rules {
		for _, f := range found[i] {
			f.Rule, f.Severity = r.ID, r.Severity
			if !s.disabledOn(f) {
				rep.Findings = append(rep.Findings, f)
			}
		}
	}
	slices.SortStableFunc(rep.Findings, compareFindings)
	return rep, nil
}

func compareFindings(a, b Finding) int {
	return cmp.Or(strings.Compare(a.Source.File, b.Source.File), cmp.Compare(a.Source.Line, b.Source.Line),
		strings.Compare(a.Object, b.Object), strings.Compare(a.Field, b.Field), strings.Compare(a.Rule, b.Rule),
		strings.Compare(a.Message, b.Message))
}

// disabledOn reports whether f's object opts out of f's rule.
func (s *scope) disabledOn(f Finding) bool {
	v, ok := s.annotations(f.Object)[DisableAnnotation]
	if !ok {
		return false
	}
	for _, id := range strings.Split(v, ",") {
		if id = strings.TrimSpace(id); id == f.Rule || id == "all" {
			return true
		}
	}
	return false
}
