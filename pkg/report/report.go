package report

import (
	"io"
	"log/slog"
	"time"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/reach"
)

// Option configures Write.
type Option func(*options)

type options struct {
	title   string
	source  string
	check   *check.Report
	profile mesh.Profile
	diff    *Diff
	budget  int
	lint    bool
	expand  int
	log     *slog.Logger
}

// DefaultAdmitBudget is how many connection traces Write spends, at most,
// to list the workloads each policy rule admits (see WithAdmitBudget).
const DefaultAdmitBudget = 60_000

// DefaultExpandLimit is the number of workloads up to which the graph opens
// with every namespace expanded (see WithExpandLimit).
const DefaultExpandLimit = 60

func makeOptions(opts []Option) options {
	o := options{title: "podreach report", budget: DefaultAdmitBudget, expand: DefaultExpandLimit, lint: true,
		log: slog.New(slog.DiscardHandler)}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithTitle sets the page title (default "podreach report").
func WithTitle(t string) Option { return func(o *options) { o.title = t } }

// WithSource describes the input under the title, e.g. "-f cluster/".
func WithSource(s string) Option { return func(o *options) { o.source = s } }

// WithCheck adds a mesh check: rep and the profile p that check.Run was
// given. The analysis passed to Write must then be the one check.Run
// returned, so that the graph shows what the mesh makes of the cluster.
func WithCheck(rep *check.Report, p mesh.Profile) Option {
	return func(o *options) { o.check, o.profile = rep, p }
}

// Diff is a comparison of two states of the cluster: the analysis passed
// to Write is the after state.
type Diff struct {
	Before, After string // how each state was given ("-f before/")
	Delta         *reach.Delta
	Mesh          []check.StatusChange // check lines whose status changed; nil without a mesh check
}

// WithDiff colours the connections d gains and loses.
func WithDiff(d *Diff) Option { return func(o *options) { o.diff = d } }

// WithAdmitBudget caps the connection traces spent listing what each policy
// rule admits; above it the policy pages show the rules only. 0 disables.
func WithAdmitBudget(n int) Option { return func(o *options) { o.budget = n } }

// WithLint sets whether each policy page lists podreach lint's findings
// about the policy, and the page has the Exposure view (lint.Exposures)
// (default true).
func WithLint(on bool) Option { return func(o *options) { o.lint = on } }

// WithExpandLimit sets the number of workloads up to which the graph opens
// fully expanded; larger clusters open at namespace level.
func WithExpandLimit(n int) Option { return func(o *options) { o.expand = n } }

// WithLogger sets the logger for progress (sizes and timings at debug level).
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.log = l } }

// Write writes the report of a (a workload-level analysis) to w as one HTML
// document.
func Write(w io.Writer, a *reach.Analysis, opts ...Option) error {
	o := makeOptions(opts)
	start := time.Now()
	d, err := build(a, o)
	if err != nil {
		return err
	}
	o.log.Debug("report data built", "nodes", len(d.Nodes), "policies", len(d.Policies), "elapsed", time.Since(start))
	n, err := page(w, d, o.title)
	o.log.Debug("report written", "bytes", n, "elapsed", time.Since(start))
	return err
}
