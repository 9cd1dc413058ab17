package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/spf13/cobra"
	"k8s.io/klog/v2"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/load/live"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// sourceFlags say where the cluster comes from: the live cluster (kubectl's
// connection flags), manifests layered on it, and what-if deletions.
type sourceFlags struct {
	live      bool
	all       bool
	deletes   []string
	timeout   time.Duration
	chunkSize int64
	conn      *live.Connection
}

func (f *sourceFlags) add(cmd *cobra.Command) {
	f.conn = live.NewConnection()
	fl := cmd.Flags()
	fl.BoolVar(&f.live, "live", false, "read the cluster of the current kubeconfig context (the default when no -f is given); with -f, the manifests are layered on it (what-if)")
	fl.BoolVarP(&f.all, "all-namespaces", "A", false, "accepted for kubectl habit: podreach always reads every namespace (reachability crosses them)")
	fl.StringArrayVar(&f.deletes, "delete", nil, "what-if: remove KIND/NS/NAME (or KIND/NAME) and what it owns from the input, e.g. netpol/shop/deny-all; repeatable")
	fl.DurationVar(&f.timeout, "timeout", 5*time.Minute, "give up reading the live cluster after this long")
	fl.Int64Var(&f.chunkSize, "chunk-size", live.DefaultChunkSize, "objects per list request when reading the live cluster")
	f.conn.AddFlags(fl)
}

// layers is one state of the cluster: optionally the live cluster, then
// manifests in order, then deletions.
type layers struct {
	live           bool
	kustomizations []string // rendered first (kustomize.go)
	files          []string
	deletes        []string
}

// describe names a state for people: "live (context prod) + proposed/ − netpol/shop/x".
func (l layers) describe(context string) string {
	var parts []string
	if l.live {
		s := "live"
		if context != "" {
			s += " (context " + context + ")"
		}
		parts = append(parts, s)
	}
	for _, k := range l.kustomizations {
		parts = append(parts, "-k "+k)
	}
	parts = append(parts, l.files...)
	s := strings.Join(parts, " + ")
	for _, d := range l.deletes {
		s += " − " + d
	}
	return s
}

// build reads every state, sharing one read of the live cluster, and
// returns the clusters in order. Diagnostics go to stderr once each.
func (f *inputFlags) build(cmd *cobra.Command, s Streams, states ...layers) ([]*model.Cluster, error) {
	ctx := requireContext(cmd)
	f.warnings = s.ErrOut
	ns, nsFrom := f.namespace, placedBy{namespace: f.namespace, given: cmd.Flags().Changed("namespace")}
	anyLive := false
	for _, st := range states {
		anyLive = anyLive || st.live
	}
	if err := checkNeeds(cmd, needs{"chunk-size", "a live cluster to read (--live, or no -f)", anyLive}); err != nil {
		return nil, err
	}
	if anyLive && !cmd.Flags().Changed("namespace") {
		cns, err := f.src.conn.Namespace()
		if err != nil {
			return nil, inputError(fmt.Errorf("no input: give manifests with -f FILE|DIR|- or a cluster: %w", err))
		}
		ns, nsFrom.namespace, nsFrom.context = cns, cns, true
		f.namespace = cns // names typed without a namespace are in the context's
	}
	perFile, total, err := f.inputLimit()
	if err != nil {
		return nil, err
	}
	stdin, err := shareStdin(s.In, states, perFile)
	if err != nil {
		return nil, err
	}
	builders := make([]*manifest.Builder, len(states))
	var tee multiSink
	for i, st := range states {
		builders[i] = manifest.NewBuilder(manifest.WithDefaultNamespace(ns), manifest.WithStdin(stdin()), manifest.WithStrict(f.strict), manifest.WithMaxInputSize(perFile, total))
		if st.live {
			tee = append(tee, builders[i])
		}
	}
	var gaps []model.Gap
	if anyLive {
		var err error
		if gaps, err = f.src.read(ctx, s, tee); err != nil {
			return nil, err
		}
	}
	// The states' files are read side by side (each builder is its own),
	// unless one reads stdin; diagnostics and errors still come in order.
	if err := renderKustomizations(ctx, builders, states); err != nil {
		return nil, err
	}
	loadErrs := make([]error, len(states))
	loaded := len(states) > 1 && !slices.ContainsFunc(states, func(st layers) bool { return slices.Contains(st.files, "-") })
	if loaded {
		var wg sync.WaitGroup
		for i, st := range states {
			wg.Go(func() { loadErrs[i] = builders[i].Load(ctx, st.files...) })
		}
		wg.Wait()
	}
	printed := map[string]bool{}
	out := make([]*model.Cluster, len(states))
	for i, st := range states {
		if !loaded {
			loadErrs[i] = builders[i].Load(ctx, st.files...)
		}
		c, err := finish(builders[i], st, loadErrs[i], s.ErrOut, printed)
		nsFrom.print(s.ErrOut, builders[i].Placed(), printed)
		if err != nil {
			return nil, err
		}
		if st.live {
			c.Gaps = gaps
		}
		out[i] = c
	}
	if !slices.ContainsFunc(out, func(c *model.Cluster) bool { return len(c.Workloads) > 0 }) {
		return nil, inputError(noWorkloads(states, out))
	}
	return out, nil
}

// noWorkloads is the error for an input without a single workload: a
// typo'd path or a folder without manifests must not answer "nothing is
// reachable" with success.
func noWorkloads(states []layers, cs []*model.Cluster) error {
	var files []string
	live := false
	objects := 0
	for i, st := range states {
		files = append(files, st.files...)
		live = live || st.live
		c := cs[i]
		objects += len(c.Services) + len(c.Policies) + len(c.Objects) + len(c.Unevaluated)
		for _, ns := range c.Namespaces {
			if !ns.Implicit {
				objects++
			}
		}
	}
	slices.Sort(files)
	where := "-f " + strings.Join(slices.Compact(files), ", -f ")
	switch {
	case live && len(files) == 0:
		where = "the cluster"
	case live:
		where = "the cluster and " + where
	}
	if objects == 0 && !live {
		return fmt.Errorf("no Kubernetes objects in %s: give the files or folders that hold the manifests", where)
	}
	return fmt.Errorf("no workloads in %s: podreach needs the pods or workloads (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod…) whose reachability to compute", where)
}

// finish applies a state's deletions to its builder, which loadErr says
// how reading its files went, and prints its new diagnostics.
func finish(b *manifest.Builder, st layers, loadErr error, errOut io.Writer, printed map[string]bool) (*model.Cluster, error) {
	if loadErr != nil {
		return nil, inputError(loadErr)
	}
	for _, d := range st.deletes {
		ref, err := manifest.ParseObjectRef(d)
		if err != nil {
			return nil, inputError(fmt.Errorf("--delete: %w", err))
		}
		b.Delete(ref)
	}
	c, diags, err := b.Finish()
	for _, d := range diags {
		if line := d.String(); d.Severity != model.Error && !printed[line] {
			printed[line] = true
			fmt.Fprintln(errOut, escape.Lines(line))
		}
	}
	if err != nil {
		return nil, inputError(err)
	}
	return c, nil
}

// multiSink feeds one live read to several builders; diagnostics go to
// the first only, so they are printed once.
type multiSink []*manifest.Builder

func (m multiSink) DecodeServed(origin string, data []byte) {
	for _, b := range m {
		b.DecodeServed(origin, data)
	}
}

func (m multiSink) AddDiagnostic(d model.Diagnostic) { m[0].AddDiagnostic(d) }

// read reads the live cluster within --timeout, with a progress line.
func (f *sourceFlags) read(ctx context.Context, s Streams, sink live.Sink) ([]model.Gap, error) {
	ctx, cancel := context.WithTimeout(ctx, f.timeout)
	defer cancel()
	quietClientLogs.Do(func() {
		// client-go logs some failures through klog on its own; podreach
		// reports them as errors, once.
		klog.LogToStderr(false)
		klog.SetOutput(io.Discard)
	})
	p := startProgress(s.ErrOut)
	gaps, err := f.conn.Read(ctx, sink, live.WithChunkSize(f.chunkSize), live.WithProgress(p.update))
	objects := p.stop()
	switch {
	case err == nil:
		return gaps, nil
	case errors.Is(err, context.DeadlineExceeded) && deadlineNear(ctx):
		return nil, inputError(fmt.Errorf("reading the cluster did not finish within --timeout %s (%d objects read); raise --timeout", f.timeout, objects))
	}
	return nil, inputError(err)
}

var quietClientLogs sync.Once

// deadlineNear reports whether ctx's deadline has passed or is about to
// (client-go's rate limiter gives up before it passes).
func deadlineNear(ctx context.Context) bool {
	d, ok := ctx.Deadline()
	return ctx.Err() != nil || ok && time.Until(d) < 100*time.Millisecond
}

// args reproduces the source flags for a hint line.
func (f *sourceFlags) args(files []string) []string {
	var out []string
	if f.live && len(files) > 0 {
		out = append(out, "--live")
	}
	if ctx := f.conn.Context(); ctx != "" && (f.live || len(files) == 0) {
		out = append(out, "--context", ctx)
	}
	for _, d := range f.deletes {
		out = append(out, "--delete", d)
	}
	return out
}
