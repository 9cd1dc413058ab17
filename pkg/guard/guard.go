package guard

import (
	"fmt"
	"slices"
	"sync/atomic"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Mode says what the guard does with a change that breaks a flow.
type Mode uint8

// Modes. ModeWarn always allows (the warnings say what breaks);
// ModeEnforce denies a change that breaks a mesh check flow or loses a
// protected flow.
const (
	ModeUnknown Mode = iota
	ModeWarn
	ModeEnforce
)

func (m Mode) String() string {
	switch m {
	case ModeWarn:
		return "warn"
	case ModeEnforce:
		return "enforce"
	}
	return "unknown"
}

// ParseMode parses "warn" or "enforce".
func ParseMode(s string) (Mode, error) {
	switch s {
	case "warn":
		return ModeWarn, nil
	case "enforce":
		return ModeEnforce, nil
	}
	return ModeUnknown, fmt.Errorf("unknown mode %q (want warn or enforce)", s)
}

// Option configures New.
type Option func(*options)

type options struct {
	mode        Mode
	protected   []Flow
	effective   []effective.Option
	reach       []reach.Option
	explain     string
	ipBlockPods bool
}

func makeOptions(opts []Option) options {
	o := options{mode: ModeWarn, explain: "podreach explain", ipBlockPods: true}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithMode sets the mode (default ModeWarn).
func WithMode(m Mode) Option { return func(o *options) { o.mode = m } }

// WithProtected lists flows whose loss is a denial in ModeEnforce (and a
// warning in ModeWarn), whatever the mesh check says.
func WithProtected(fs ...Flow) Option {
	return func(o *options) { o.protected = append(o.protected, fs...) }
}

// WithEffective sets how the mesh is found (effective.WithMesh,
// effective.WithLinkerdVersion).
func WithEffective(opts ...effective.Option) Option {
	return func(o *options) { o.effective = append(o.effective, opts...) }
}

// WithReachOptions passes options to the analyses
// (reach.WithExternalRanges). Whether ipBlocks match pod IPs is set with
// WithIPBlockPods, which the guard's own incremental engine follows too.
func WithReachOptions(opts ...reach.Option) Option {
	return func(o *options) { o.reach = append(o.reach, opts...) }
}

// WithIPBlockPods sets whether ipBlock rules match pod IPs (default true,
// as reach and policy have it).
func WithIPBlockPods(match bool) Option {
	return func(o *options) {
		o.ipBlockPods = match
		o.reach = append(o.reach, reach.WithIPBlockPods(match))
	}
}

// WithExplainCommand sets the command, input flags included, that warning
// lines explain a connection with (default "podreach explain"; e.g.
// "podreach explain --live", "kubectl podreach explain -f cluster/").
func WithExplainCommand(cmd string) Option { return func(o *options) { o.explain = cmd } }

// Guard judges changes against the current state of a cluster. It is safe
// for concurrent use: Review reads the state Update last set.
type Guard struct {
	o   options
	cur atomic.Pointer[state]
}

// state is one analysed snapshot; it is never modified once built.
type state struct {
	c    *model.Cluster
	prof mesh.Profile    // nil: no mesh
	rep  *check.Report   // nil without a mesh
	a    *reach.Analysis // workload level, of the effective cluster
	// rp counts what a NetworkPolicy edit removes without comparing
	// whole matrices; nil for the states after a change, or when the
	// reach options rule it out.
	rp *replayer
	// rc re-runs the check for a NetworkPolicy edit; nil as rp is, or
	// without a mesh.
	rc *check.Rechecker
	// incremental is true for a state after a change judged on the
	// incremental engine (a is then nil), and removed the ordered workload
	// pairs the change makes lose a port.
	incremental bool
	removed     int
}

// New analyses c and returns a guard for it. Detection notices come back
// as Diagnostics.
func New(c *model.Cluster, opts ...Option) (*Guard, model.Diagnostics, error) {
	g := &Guard{o: makeOptions(opts)}
	if g.o.mode == ModeUnknown {
		return nil, nil, fmt.Errorf("unknown guard mode")
	}
	ds, err := g.Update(c)
	if err != nil {
		return nil, ds, err
	}
	return g, ds, nil
}

// Update replaces the state reviews are judged against with c (which the
// guard keeps and never modifies: the caller must not modify it either).
// On error the previous state is kept.
func (g *Guard) Update(c *model.Cluster) (model.Diagnostics, error) {
	p, ds, err := effective.Mesh(c, g.o.effective...)
	if err != nil {
		return ds, err
	}
	st := &state{c: c, prof: p}
	if p == nil {
		st, err = g.analyse(c, p)
	} else if st.rc, st.rep, st.a, err = check.NewRechecker(c, p, check.WithReachOptions(g.o.reach...)); err != nil {
		err = fmt.Errorf("analysing the cluster: %w", err)
	}
	if err != nil {
		return ds, err
	}
	if st.rp, err = newReplayer(st.a, g.o.ipBlockPods); err != nil {
		return ds, fmt.Errorf("compiling the incremental engine: %w", err)
	}
	g.cur.Store(st)
	return append(ds, g.protectedDiagnostics(st)...), nil
}

// analyse runs the mesh check of c under p (or, without a mesh, the
// workload-level analysis alone), with extra reach options.
func (g *Guard) analyse(c *model.Cluster, p mesh.Profile, extra ...reach.Option) (*state, error) {
	st := &state{c: c, prof: p}
	opts := append(slices.Clip(g.o.reach), extra...)
	var err error
	if p == nil {
		st.a, err = reach.Analyze(c, append(opts, reach.WithLevel(reach.LevelWorkload))...)
	} else {
		st.rep, st.a, err = check.Run(c, p, check.WithReachOptions(opts...))
	}
	if err != nil {
		return nil, fmt.Errorf("analysing the cluster: %w", err)
	}
	return st, nil
}

// Size is how big the model is.
type Size struct {
	Namespaces, Workloads, Services, Policies int
	Checks                                    int // mesh check lines (0 without a mesh)
}

// Size returns the size of the current model.
func (g *Guard) Size() Size {
	st := g.cur.Load()
	s := Size{Namespaces: len(st.c.Namespaces), Workloads: len(st.c.Workloads), Services: len(st.c.Services), Policies: len(st.c.Policies)}
	if st.rep != nil {
		s.Checks = len(st.rep.Results)
	}
	return s
}

// Report returns the mesh check of the current state (nil without a mesh).
func (g *Guard) Report() *check.Report { return g.cur.Load().rep }

// Mode returns the guard's mode.
func (g *Guard) Mode() Mode { return g.o.mode }
