package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

type diffFlags struct {
	input  inputFlags
	focus  focusFlags
	to     []string
	failOn string
	output string
}

func newDiffCmd(s Streams) *cobra.Command {
	f := &diffFlags{}
	cmd := &cobra.Command{
		Use:   "diff [-f BEFORE | --live] --to AFTER",
		Short: "List the connections a change gains and loses",
		Long: `Diff compares two states of a cluster and lists, per ordered pair of
workloads, the ports each protocol gains and loses; with --mesh linkerd also
the mesh check lines whose status changed.

The before state is the -f manifests, or the live cluster (no -f, or --live,
with -f layered on it). The after state is the --to manifests (repeatable,
later ones replace earlier objects of the same kind/namespace/name; without
--to, the -f manifests), layered on the live cluster when it is read, minus
--delete. So
"diff -f base/ --to head/" compares two complete sets of manifests, and
"diff --to proposed/" asks what applying proposed/ to the cluster would do.

Filters choose which changes are shown and counted, as matrix's do (-n,
-l, --from, --from-selector, --port), the destination ones being --dst and
--dst-selector (--to is the after state). A pair is shown when the filters
show it in either state. The mesh check lines are not filtered.

Under Linkerd the pairs' ports combine NetworkPolicy and Linkerd
authorization as in matrix (--layer both, netpol or linkerd): an edited
Server or AuthorizationPolicy is a change.

-o json is documented in docs/diff.md; -o md writes a pull-request comment.
Exit codes: 0 nothing that --fail-on names changed, 1 it did (default: a
connection or a mesh check was lost, or the live read was incomplete;
with filters, only shown changes count, and an incomplete read still does),
2 usage or input error, 3 cannot know: policies podreach does not evaluate
select an endpoint of a listed change, or differ between the states (they
are listed on stderr).`,
		Example: `  podreach diff -f base/ --to head/
  podreach diff --to proposed/ --mesh linkerd -o md > comment.md
  podreach diff --live --delete netpol/emojivoto/allow-web --fail-on any
  podreach diff -f base/ --to head/ -n shop --port 5432
  podreach diff -f examples/emojivoto-linkerd/ --to examples/emojivoto-linkerd/ --to examples/seed-fix/seed-fix.yaml --fail-on none`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runDiff(cmd, s, f) },
	}
	f.input.add(cmd)
	f.input.addLayer(cmd)
	f.focus.add(cmd, "dst")
	fl := cmd.Flags()
	fl.StringArrayVar(&f.to, "to", nil, "the after state: manifest file, directory or - ; repeatable, layered in order")
	fl.StringVar(&f.failOn, "fail-on", "lost", "exit 1 when this changed: lost, gained, any or none")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json, md, or dot or mermaid (a graph of the pairs that changed)")
	return cmd
}

func runDiff(cmd *cobra.Command, s Streams, f *diffFlags) error {
	switch {
	case !slices.Contains([]string{"text", "json", "md", "dot", "mermaid"}, f.output):
		return inputError(fmt.Errorf("--output: want text, json, md, dot or mermaid, got %q", f.output))
	case f.failOn != "lost" && f.failOn != "gained" && f.failOn != "any" && f.failOn != "none":
		return inputError(fmt.Errorf("--fail-on: want lost, gained, any or none, got %q", f.failOn))
	case len(f.to) == 0 && len(f.input.src.deletes) == 0:
		return inputError(fmt.Errorf("no after state: give it with --to FILE|DIR (or ask with --delete)"))
	}
	focus, err := f.focus.focus(cmd, &f.input)
	if err != nil {
		return err
	}
	in := &f.input
	before, after := in.state(), in.state() // only --delete: the before state minus the deletions
	after.deletes = in.src.deletes
	if len(f.to) > 0 {
		after.files, after.kustomizations = f.to, nil
	}
	cs, err := in.build(cmd, s, before, after)
	if err != nil {
		return err
	}
	as, reps, err := analyzeStates(s, in, cs)
	if err != nil {
		return err
	}
	if err := in.layerAnswers(as[:]...); err != nil {
		return err
	}
	delta, err := reach.Diff(as[0], as[1])
	if err != nil {
		return inputError(err)
	}
	if delta, err = f.focus.focusDelta(s, as, delta, focus); err != nil {
		return err
	}
	ctxName := ""
	if before.live {
		ctxName = in.src.conn.Context()
	}
	rep := &render.DiffReport{Before: before.describe(ctxName), After: after.describe(ctxName), Delta: delta, MeshChecked: reps[0] != nil}
	if reps[0] != nil {
		rep.Mesh = check.Compare(reps[0], reps[1])
	}
	if err := writeDiff(s, rep, f.output); err != nil {
		return err
	}
	if err := diffExit(rep, f.failOn); err != nil {
		return err
	}
	if err := diffUnknown(s, as, delta); err != nil {
		return err
	}
	return linkerdUnknown(s, as[:]...)
}

// writeDiff renders rep in format output.
func writeDiff(s Streams, rep *render.DiffReport, output string) error {
	switch output {
	case "json":
		return render.DiffJSON(s.Out, rep)
	case "md":
		return render.DiffMarkdown(s.Out, rep)
	case "dot":
		return render.DiffDOT(s.Out, rep)
	case "mermaid":
		return render.DiffMermaid(s.Out, rep)
	}
	return render.DiffText(s.Out, rep)
}
