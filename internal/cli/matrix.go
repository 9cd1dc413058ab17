package cli

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

type matrixFlags struct {
	input  inputFlags
	focus  focusFlags
	level  string
	expand bool
	force  bool
	output string
}

func newMatrixCmd(s Streams) *cobra.Command {
	f := &matrixFlags{}
	cmd := &cobra.Command{
		Use:   "matrix",
		Short: "List every allowed connection between workloads or pods",
		Long: `Matrix lists every ordered pair of distinct sources and destinations that
the NetworkPolicies let open at least one connection, with the allowed ports
per protocol collapsed into ranges. Pairs that allow nothing are not listed.
Between two meshed pods the ports are the application ports that really
work (Linkerd ≥ 2.18 sends them to the server's proxy on 4143): what explain
answers for that pair and port.

With --level workload (default) a workload stands for all its pods; with
--level pod every known pod is listed (a workload whose pods are not in the
input stands for one pod, or one per replica with --expand-replicas).

-o json streams {"level", "nodes": [...], "connections": [...]}, one entry per
connection; -o json-compact writes the same answer run-length encoded
(per source, ranges of destinations that allow the same ports), tens of times
smaller on large clusters (both schemas in the README).

The output grows with the square of the nodes: when every pair allowing
something would make it larger than 1 GiB (estimated from the node count and
name lengths), matrix exits with code 2 and the estimate; --force writes it
anyway (-o json-compact is not checked: it writes runs of equal answers,
not pairs). --expand-replicas lists at most 1,000,000 pods in all; a workload
declaring more replicas is an input error naming it.

Under Linkerd (2.11+) a pair's ports are also those the destination's
proxy authorizes (Servers, AuthorizationPolicies, default policies; TCP
only): --layer both (default), netpol (NetworkPolicy alone) or linkerd
(Linkerd authorization alone). A port whose Linkerd answer cannot be known
is listed as NetworkPolicy admits it, and the run exits 3
(docs/linkerd-authz.md). With both layers, a JSON pair whose ports the
Linkerd layer refuses or flags also gives each layer's answer ("layers").

Filters choose what is shown, never what decides: the policies of every
namespace still decide each pair. -n NS shows the pairs with an end in NS
(who reaches its pods, and what they reach); -l SELECTOR the pairs with an
end whose labels match (in NS with -n); --from and --to the pairs from and
to the named workloads, pods, Services (their backends), external peers
or namespace/NS, --from-selector and --to-selector by labels; --port the
pairs that allow that destination port, with only it. Without -n every
namespace is shown (-A says so explicitly). Only the shown rows are
computed, and for sources outside -n/-l only the columns inside them.

Exit codes: 0 the matrix is written; 2 usage or input error; 3 the matrix is
written, but policies podreach does not evaluate (AdminNetworkPolicy,
Calico, Cilium, Linkerd authorization…) select some of its endpoints, so
their rows could differ: the text ends with a CANNOT KNOW line per policy,
JSON has a "couldChange" member (with filters: only policies that
select an end of a shown pair count).`,
		Example: `  podreach matrix -f examples/emojivoto-linkerd/
  podreach matrix -f cluster/ --level pod -o json > matrix.json
  podreach matrix -f cluster/ -n shop -l app=web
  podreach matrix -f cluster/ --from other/client --to namespace/shop --port 80
  kubectl get pods,deploy,netpol -A -o yaml | podreach matrix -f - -o csv`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runMatrix(cmd, s, f) },
	}
	f.input.add(cmd)
	f.input.addLayer(cmd)
	f.focus.add(cmd, "to")
	fl := cmd.Flags()
	fl.StringVar(&f.level, "level", "workload", "granularity: workload or pod")
	fl.BoolVar(&f.expand, "expand-replicas", false, "with --level pod, list one pod per declared replica when the pods are not in the input")
	fl.BoolVar(&f.force, "force", false, "write the matrix even when its estimated size is over 1 GiB (refused otherwise: exit 2 with the estimate)")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, wide, json, json-compact, csv, dot (Graphviz) or mermaid")
	return cmd
}

func runMatrix(cmd *cobra.Command, s Streams, f *matrixFlags) error {
	format := render.MatrixFormat(f.output)
	graph := f.output == "dot" || f.output == "mermaid"
	if !graph && !slices.Contains(render.MatrixFormats, format) {
		return inputError(fmt.Errorf("--output: want text, wide, json, json-compact, csv, dot or mermaid, got %q", f.output))
	}
	level, err := reach.ParseLevel(f.level)
	if err != nil {
		return inputError(fmt.Errorf("--level: %w", err))
	}
	if err := checkNeeds(cmd, needs{"expand-replicas", "--level pod", level == reach.LevelPod}); err != nil {
		return err
	}
	focus, err := f.focus.focus(cmd, &f.input)
	if err != nil {
		return err
	}
	a, err := f.input.analyze(cmd, s, reach.WithLevel(level), reach.WithExpandReplicas(f.expand))
	if err != nil {
		return err
	}
	if err := f.input.layerAnswers(a); err != nil {
		return err
	}
	if a, err = f.focus.apply(s, a, focus); err != nil {
		return err
	}
	if err := checkMatrixSize(a, f.output, f.force); err != nil {
		return err
	}
	switch f.output {
	case "dot":
		err = render.MatrixDOT(s.Out, a)
	case "mermaid":
		err = render.MatrixMermaid(s.Out, a)
	default:
		err = render.Matrix(s.Out, a, format)
	}
	if err == nil && len(a.Unevaluated()) > 0 {
		return errUnknown // the rows of their endpoints could differ
	}
	if err == nil {
		err = linkerdUnknown(s, a)
	}
	return err
}
