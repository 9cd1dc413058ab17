package cli

import (
	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/report"
)

type reportFlags struct {
	input inputFlags
	focus focusFlags
	to    []string
	out   string
	title string
}

func newReportCmd(s Streams) *cobra.Command {
	f := &reportFlags{}
	cmd := &cobra.Command{
		Use:   "report [-f FILE|DIR] [--mesh linkerd] [--to AFTER] [--out report.html]",
		Short: "Write a self-contained HTML report with an interactive graph",
		Long: `Report writes one HTML file that works from disk, offline (it embeds its data
and scripts and makes no request), with:

  - the mesh check results (with --mesh linkerd), failures first, each
    linking to its flow in the graph;
  - a graph of workloads grouped by namespace: allowed connections, and the
    flows the mesh needs, green when allowed and red when blocked (hover or
    click for the blocking policy); filters by namespace, protocol/port,
    "only blocked mesh flows", and search by name. Clusters of more than 60
    workloads open at namespace level; double-click a namespace to expand it;
  - the matrix as a namespace heatmap that expands to workloads;
  - a page per NetworkPolicy: what it selects and what each rule admits;
  - with --to, the connections the after state gains and loses (the report
    then shows the after state; -f and --to work as in diff).

Filters choose what the graph, the matrix and the diff show, as diff's do
(-n, -l, --from, --dst, their selectors, --port); the page header says
which. Every namespace's policies still decide; the check results and the
policy pages are not filtered.

The HTML goes to stdout unless --out is given. Exit code 0 when the report
is written, whatever it shows (use check or diff as a gate); 2 on usage or
input errors.`,
		Example: `  podreach report -f examples/emojivoto-linkerd/ --mesh linkerd --out report.html
  podreach report -f base/ --to head/ --mesh linkerd --out change.html
  podreach report --mesh linkerd > cluster.html
  podreach report -f cluster/ -n shop --out shop.html`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runReport(cmd, s, f) },
	}
	f.input.add(cmd)
	f.input.addLayer(cmd)
	f.focus.add(cmd, "dst")
	fl := cmd.Flags()
	fl.StringArrayVar(&f.to, "to", nil, "the after state of a diff: manifest file, directory or - ; repeatable, layered in order")
	fl.StringVar(&f.out, "out", "", "write the HTML to this file instead of stdout")
	fl.StringVar(&f.title, "title", "podreach report", "the page title")
	return cmd
}

// reportState is one analysed state of the cluster.
type reportState struct {
	a       *reach.Analysis
	check   *check.Report
	profile mesh.Profile
}

func runReport(cmd *cobra.Command, s Streams, f *reportFlags) error {
	focus, err := f.focus.focus(cmd, &f.input)
	if err != nil {
		return err
	}
	in := &f.input
	st := in.state()
	st.deletes = in.src.deletes
	states := []layers{st}
	if len(f.to) > 0 {
		after := st
		after.files, after.kustomizations = f.to, nil
		states = []layers{in.state(), after}
	}
	cs, err := in.build(cmd, s, states...)
	if err != nil {
		return err
	}
	rs, delta, err := reportStates(s, in, cs)
	if err != nil {
		return err
	}
	if err := in.layerAnswers(rs[len(rs)-1].a); err != nil {
		return err
	}
	ctxName := ""
	if st.live {
		ctxName = in.src.conn.Context()
	}
	cur := rs[len(rs)-1]
	shown, err := f.focusStates(s, rs, &delta, focus)
	if err != nil {
		return err
	}
	cur.a = rs[len(rs)-1].a
	ropts := []report.Option{report.WithTitle(f.title), report.WithSource(states[len(states)-1].describe(ctxName) + shown)}
	if cur.check != nil {
		ropts = append(ropts, report.WithCheck(cur.check, cur.profile))
	}
	if len(rs) == 2 {
		d := &report.Diff{Before: states[0].describe(ctxName), After: states[1].describe(ctxName), Delta: delta}
		if cur.check != nil {
			d.Mesh = check.Compare(rs[0].check, cur.check)
		}
		ropts = append(ropts, report.WithDiff(d), report.WithSource(d.Before+" → "+d.After+shown))
	}
	if err := writeReport(s, f.out, cur.a, ropts); err != nil {
		return err
	}
	return linkerdUnknown(s, cur.a)
}

// focusStates applies the filters to the shown state and the delta, and
// returns what the page header says of them ("" without filters).
func (f *reportFlags) focusStates(s Streams, rs []reportState, delta **reach.Delta, r reach.Focus) (string, error) {
	cur := &rs[len(rs)-1]
	var err error
	if *delta != nil {
		if *delta, err = f.focus.focusDelta(s, [2]*reach.Analysis{rs[0].a, cur.a}, *delta, r); err != nil {
			return "", err
		}
	}
	if cur.a, err = f.focus.apply(s, cur.a, r); err != nil {
		return "", err
	}
	if d := f.focus.describe(r); d != "" {
		return " (shown: " + d + ")", nil
	}
	return "", nil
}
