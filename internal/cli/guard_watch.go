package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"k8s.io/klog/v2"

	"github.com/podreach/podreach/internal/webhook"
	"github.com/podreach/podreach/pkg/guard"
	"github.com/podreach/podreach/pkg/load/live"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// liveSource is a guard kept current from the cluster: nil until the
// first full list is in.
type liveSource struct {
	g      atomic.Pointer[guard.Guard]
	synced atomic.Int64 // unix nanoseconds of the last rebuild; 0: never
	// externals adds the --external peers to each model built, as the
	// manifests mode adds them to the manifests' model.
	externals func(*model.Cluster) error
}

func (l *liveSource) Guard() *guard.Guard { return l.g.Load() }

func (l *liveSource) Synced() time.Time {
	if n := l.synced.Load(); n != 0 {
		return time.Unix(0, n)
	}
	return time.Time{}
}

// watch starts keeping a guard current from the live cluster, in the
// background, until ctx is done; a model that cannot be built keeps the
// last good one (the error is logged); a watch that cannot go on (no
// kubeconfig, refused credentials) calls fail with its error.
func (f *guardFlags) watch(ctx context.Context, log *slog.Logger, opts []guard.Option, fail func(error)) webhook.Source {
	src := &liveSource{externals: f.input.addExternals}
	// client-go's reflectors log through klog (a watch that ended, a list
	// retried): into the guard's structured log.
	klog.SetSlogLogger(log)
	go func() {
		err := f.input.src.conn.Watch(ctx, f.interval, func(fill func(live.Sink)) error {
			src.rebuild(log, opts, fill)
			return nil
		}, live.WithLogger(log))
		if err != nil && !errors.Is(err, context.Canceled) {
			log.Error("watching the cluster failed", "error", err.Error())
			fail(fmt.Errorf("watching the cluster: %w", err))
		}
	}()
	return src
}

// rebuild builds the model from the watched objects and swaps it in.
func (l *liveSource) rebuild(log *slog.Logger, opts []guard.Option, fill func(live.Sink)) {
	start := time.Now()
	b := manifest.NewBuilder()
	fill(b)
	c, diags, err := b.Finish()
	if err == nil && l.externals != nil {
		err = l.externals(c)
	}
	if err == nil {
		if g := l.g.Load(); g != nil {
			diags, err = g.Update(c)
		} else {
			var g *guard.Guard
			if g, diags, err = guard.New(c, opts...); err == nil {
				l.g.Store(g)
			}
		}
	}
	for _, d := range diags {
		log.Debug("model diagnostic", "diagnostic", d.String())
	}
	if err != nil {
		log.Error("rebuilding the model: keeping the last one", "error", fmt.Sprint(err))
		return
	}
	l.synced.Store(time.Now().UnixNano())
	size := l.g.Load().Size()
	log.Info("model synced", "workloads", size.Workloads, "policies", size.Policies, "namespaces", size.Namespaces, "elapsed", time.Since(start).String())
}
