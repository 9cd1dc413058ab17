package cli

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/watch"
)

type watchFlags struct {
	input    inputFlags
	output   string
	once     bool
	settle   time.Duration
	interval time.Duration // the least time between two rebuilds of the model
}

func newWatchCmd(s Streams) *cobra.Command {
	f := &watchFlags{}
	cmd := &cobra.Command{
		Use:   "watch [--once]",
		Short: "Watch the live cluster and print the mesh check's changes as they happen",
		Long: `Watch keeps the cluster model current with list+watch (read-only: the
same informers as podreach guard), prints the whole mesh check once the
first full list is in, then one timestamped line whenever a check line
changes: × when a flow breaks (with the policies that block it and the
explain command), ✔ … again when it returns, ‼ when it cannot be proven.
It runs until interrupted; --timeout bounds the wait for the first list.

--once is for scripts: it waits for a settled verdict — the first full
list, then no change for --settle — prints that check as podreach check
does, and exits 0 when it passes (‼ alone passes, unless --strict), 1 when
a flow is blocked, and 2 when there is no verdict within --timeout (the
message says what it was still waiting for) or the cluster has no mesh.
See docs/watch.md.`,
		Example: `  podreach watch --mesh linkerd
  podreach watch --context prod -o json | jq 'select(.event == "change")'
  kubectl apply -f policies/ && podreach watch --once --timeout 2m`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runWatch(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text (timestamped lines) or json (JSON lines: one event a line)")
	fl.BoolVar(&f.once, "once", false, "wait for a settled verdict, print it and exit: 0 passes, 1 fails, 2 no verdict within --timeout")
	fl.DurationVar(&f.settle, "settle", 2*time.Second, "--once: how long the cluster must stay unchanged before its check is the verdict")
	fl.DurationVar(&f.interval, "rebuild-interval", time.Second, "the least time between two rebuilds of the model")
	fl.Lookup("timeout").Usage = "give up when the first full list (with --once: a settled verdict) takes longer than this"
	fl.Lookup("strict").Usage = "with --once, exit 1 on warnings (‼) too; and make input the API server accepts only with a warning an input error"
	return cmd
}

func runWatch(cmd *cobra.Command, s Streams, f *watchFlags) error {
	if err := f.validate(cmd); err != nil {
		return err
	}
	f.input.warnings = s.ErrOut
	opts, err := f.watchOptions()
	if err != nil {
		return err
	}
	src := f.source(s)
	ctx := requireContext(cmd)
	if f.once {
		return f.runOnce(ctx, cmd, s, src, opts)
	}
	return f.stream(ctx, cmd, s, src, opts)
}

// validate refuses what watch does not do: it watches the live cluster
// only.
func (f *watchFlags) validate(cmd *cobra.Command) error {
	for _, name := range []string{"filename", "kustomize", "live", "delete"} {
		if cmd.Flags().Changed(name) {
			return inputError(fmt.Errorf("--%s: watch reads the live cluster only (the kubeconfig context; --context, --kubeconfig)", name))
		}
	}
	if f.output != "text" && f.output != "json" {
		return inputError(fmt.Errorf("--output: want text or json, got %q", f.output))
	}
	return checkNeeds(cmd, needs{"settle", "--once", f.once})
}

// runOnce prints the settled check and decides the exit code.
func (f *watchFlags) runOnce(ctx context.Context, cmd *cobra.Command, s Streams, src watch.Source, opts []watch.Option) error {
	ctx, cancel := context.WithTimeout(ctx, f.input.src.timeout)
	defer cancel()
	ev, err := watch.Once(ctx, src, f.settle, opts...)
	var we *watch.WaitError
	switch {
	case errors.As(err, &we) && errors.Is(err, context.DeadlineExceeded):
		return inputError(fmt.Errorf("no verdict within --timeout %s: %s", f.input.src.timeout, describeWait(we)))
	case errors.Is(err, watch.ErrNoMesh):
		return inputError(fmt.Errorf("%w; name one with --mesh linkerd", err))
	case err != nil:
		return inputError(err)
	}
	printDiagnostics(s.ErrOut, ev.Diagnostics)
	ev.Full, ev.Changes = true, nil // the verdict is the whole check
	if err := f.write(cmd, s, ev); err != nil {
		return err
	}
	if st := ev.Report.Status(); st == check.StatusError || f.input.strict && st == check.StatusWarning {
		return errNo
	}
	return nil
}

// describeWait says what --once was still waiting for.
func describeWait(we *watch.WaitError) string {
	if we.Last != nil {
		return fmt.Sprintf("still waiting for %s (the last rebuild failed: %v)", we.Waiting, we.Last)
	}
	return "still waiting for " + we.Waiting
}
