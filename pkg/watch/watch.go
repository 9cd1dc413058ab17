package watch

import (
	"context"
	"fmt"
	"time"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/guard"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Source delivers a cluster's objects: it calls sync once every object is
// listed, and again after objects changed, each time with a fill that adds
// every current object to a fresh builder. It returns when ctx is done
// (nil) or sync fails (that error). (*live.Connection).Watch is one, with
// its Sink narrowed to *manifest.Builder.
type Source func(ctx context.Context, sync func(fill func(*manifest.Builder)) error) error

// Option configures Run and Once.
type Option func(*options)

type options struct {
	effective []effective.Option
	reach     []reach.Option
	externals []model.External
	now       func() time.Time
}

func makeOptions(opts []Option) options {
	o := options{now: time.Now}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithEffective sets how the mesh is found (effective.WithMesh,
// effective.WithLinkerdVersion).
func WithEffective(opts ...effective.Option) Option {
	return func(o *options) { o.effective = append(o.effective, opts...) }
}

// WithReachOptions passes options to the analyses (reach.WithIPBlockPods).
func WithReachOptions(opts ...reach.Option) Option {
	return func(o *options) { o.reach = append(o.reach, opts...) }
}

// WithExternals adds non-pod peers (the API server's address) to every
// model built, as --external does for the one-shot verbs.
func WithExternals(xs ...model.External) Option {
	return func(o *options) { o.externals = append(o.externals, xs...) }
}

// WithClock sets where event times come from (default time.Now; tests).
func WithClock(now func() time.Time) Option { return func(o *options) { o.now = now } }

// Event is what one rebuild of the model found.
type Event struct {
	Time    time.Time     // when the rebuild finished
	Elapsed time.Duration // how long the rebuild took (decoding, the model, the check)
	// Full: Report is the first mesh check of this run (the first full
	// list, or the first since the cluster had no mesh): show it whole.
	Full bool
	// Report is the mesh check of the current model; nil when the cluster
	// has no mesh (see NoMesh). After a failed rebuild it is the last good
	// one.
	Report *check.Report
	// Changes are the check lines whose status differs from the last
	// event's report, in report order (never set when Full).
	Changes []check.StatusChange
	// Err: the model could not be built or analysed; the last good one is
	// kept (Report), and the next change tries again.
	Err         error
	Diagnostics model.Diagnostics
	Size        guard.Size
}

// NoMesh reports whether the model was built and has no mesh to check.
func (e Event) NoMesh() bool { return e.Err == nil && e.Report == nil }

// Run keeps the mesh check of src's cluster current and calls fn after
// every rebuild, until ctx is done or src or fn fails (that error). A
// model that cannot be built is an Event with Err, not the end: the watch
// goes on with the last good one.
func Run(ctx context.Context, src Source, fn func(Event) error, opts ...Option) error {
	k := &keeper{o: makeOptions(opts)}
	err := src(ctx, func(fill func(*manifest.Builder)) error { return fn(k.rebuild(fill)) })
	if err != nil {
		return fmt.Errorf("watching the cluster: %w", err)
	}
	return nil
}

// keeper holds the guard (the model and its check) between rebuilds.
type keeper struct {
	o    options
	g    *guard.Guard
	last *check.Report
}

// rebuild builds the model from fill's objects and judges it.
func (k *keeper) rebuild(fill func(*manifest.Builder)) Event {
	start := time.Now()
	b := manifest.NewBuilder()
	fill(b)
	c, diags, err := b.Finish()
	if err == nil {
		c.Externals = append(c.Externals, k.o.externals...)
		var ds model.Diagnostics
		ds, err = k.update(c)
		diags = append(diags, ds...)
	}
	ev := Event{Time: k.o.now(), Elapsed: time.Since(start), Report: k.last, Err: err, Diagnostics: diags}
	if k.g != nil {
		ev.Size = k.g.Size()
	}
	if err != nil {
		return ev
	}
	ev.Report = k.g.Report()
	switch {
	case ev.Report == nil:
	case k.last == nil:
		ev.Full = true
	default:
		ev.Changes = check.Compare(k.last, ev.Report)
	}
	k.last = ev.Report
	return ev
}

// update makes c the guard's model.
func (k *keeper) update(c *model.Cluster) (model.Diagnostics, error) {
	if k.g != nil {
		return k.g.Update(c)
	}
	g, ds, err := guard.New(c, guard.WithEffective(k.o.effective...), guard.WithReachOptions(k.o.reach...))
	if err != nil {
		return ds, err
	}
	k.g = g
	return ds, nil
}
