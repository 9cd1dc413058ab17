package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/load/live"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/render"
	"github.com/podreach/podreach/pkg/watch"
)

// stream prints every event until interrupted; the first full list must
// be in within --timeout.
func (f *watchFlags) stream(ctx context.Context, cmd *cobra.Command, s Streams, src watch.Source, opts []watch.Option) error {
	ctx, stop := context.WithCancelCause(ctx)
	defer stop(nil)
	var synced atomic.Bool
	timer := time.AfterFunc(f.input.src.timeout, func() {
		if !synced.Load() {
			stop(inputError(fmt.Errorf("no full list of the cluster within --timeout %s", f.input.src.timeout)))
		}
	})
	defer timer.Stop()
	printed := map[string]bool{}
	err := watch.Run(ctx, src, func(ev watch.Event) error {
		synced.Store(true)
		newDiagnostics(s, ev.Diagnostics, printed)
		if ev.Err != nil && f.output == "text" {
			fmt.Fprintf(s.ErrOut, "%s error: %s (keeping the last model)\n", ev.Time.Format(time.RFC3339), escape.Lines(ev.Err.Error()))
			return nil
		}
		return f.write(cmd, s, ev)
	}, opts...)
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	if err != nil && ctx.Err() == nil {
		return inputError(err)
	}
	return nil
}

// newDiagnostics prints the diagnostics not printed before (a rebuild
// finds the same ones again).
func newDiagnostics(s Streams, ds model.Diagnostics, printed map[string]bool) {
	var fresh model.Diagnostics
	for _, d := range ds {
		if k := d.Error(); !printed[k] {
			printed[k] = true
			fresh = append(fresh, d)
		}
	}
	printDiagnostics(s.ErrOut, fresh)
}

// write renders one event in the chosen format.
func (f *watchFlags) write(cmd *cobra.Command, s Streams, we watch.Event) error {
	ev := render.WatchEvent{Time: we.Time, Full: we.Full, Report: we.Report, Changes: we.Changes,
		Workloads: we.Size.Workloads, Policies: we.Size.Policies, Err: we.Err}
	if f.output == "json" {
		return render.WatchJSON(s.Out, ev)
	}
	return render.WatchText(s.Out, ev, render.CheckOptions{
		ExplainCommand: f.input.command(cmd, "explain"),
		FixCommand:     f.input.command(cmd, "fix"),
	})
}

// watchOptions maps the flags to the watch's options.
func (f *watchFlags) watchOptions() ([]watch.Option, error) {
	eff, err := f.input.effective()
	if err != nil {
		return nil, err
	}
	ropts, err := f.input.options()
	if err != nil {
		return nil, err
	}
	opts := []watch.Option{watch.WithEffective(eff...), watch.WithReachOptions(ropts...)}
	for _, x := range f.input.externals {
		ext, err := f.input.parseExternal(x)
		if err != nil {
			return nil, inputError(fmt.Errorf("--external: %w", err))
		}
		opts = append(opts, watch.WithExternals(ext))
	}
	return opts, nil
}

// source is the live cluster's informers (pkg/load/live), their warnings
// and client-go's own messages on stderr.
func (f *watchFlags) source(s Streams) watch.Source {
	log := slog.New(slog.NewTextHandler(s.ErrOut, &slog.HandlerOptions{Level: slog.LevelWarn}))
	klog.SetSlogLogger(log)
	return func(ctx context.Context, sync func(fill func(*manifest.Builder)) error) error {
		return f.input.src.conn.Watch(ctx, f.interval, func(fill func(live.Sink)) error {
			return sync(func(b *manifest.Builder) { fill(b) })
		}, live.WithLogger(log))
	}
}
