package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/render"
)

type lintFlags struct {
	input   inputFlags
	output  string
	failOn  string
	disable []string
}

func newLintCmd(s Streams) *cobra.Command {
	f := &lintFlags{}
	cmd := &cobra.Command{
		Use:   "lint",
		Short: "Find NetworkPolicy mistakes no single connection reveals",
		Long: `Lint reads the effective cluster (the same inputs, layers and mesh as every
verb) and reports what the policies get wrong about intent: selectors that
match nothing (with the nearest existing label), policies that select no pod,
rules that can never admit anything, rules shadowed by broader ones, pods cut
off from the cluster DNS, namespaces left open while others are isolated,
pods isolated one way where the policies clearly meant both, workloads exposed to the whole cluster or the internet, trust in labels
tenants control, and the Linkerd mistakes (selectors on
linkerd.io/proxy-deployment, application ports meshed traffic never arrives
on, port restrictions the proxy's inbound port bypasses).

Each finding has a severity, the object, field path and file:line, why, and a
fix; every rule is documented in docs/lint.md under its ID. Turn a rule off
with --disable ID,... or, for one object, with the annotation
podreach.io/lint-disable: ID,... (or "all") on the NetworkPolicy, Namespace
or workload the finding names.

-o sarif writes SARIF 2.1.0 for code-scanning UIs.

Exit codes: 0 no finding at or above --fail-on (default error); 1 some;
2 usage or input error.`,
		Example: `  podreach lint -f examples/emojivoto-linkerd/
  podreach lint -f cluster/ --fail-on warning --disable exposed-cluster
  podreach lint -f cluster/ -o sarif > podreach.sarif`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLint(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, json or sarif")
	fl.StringVar(&f.failOn, "fail-on", "error", "exit 1 when a finding is at least this severe: error, warning or info")
	fl.StringSliceVar(&f.disable, "disable", nil, "rule IDs to turn off (comma-separated, repeatable)")
	registerValues(cmd, "fail-on", "error", "warning", "info")
	var ids []string
	for _, r := range lint.Rules() {
		ids = append(ids, r.ID)
	}
	registerValues(cmd, "disable", ids...)
	return cmd
}

func runLint(cmd *cobra.Command, s Streams, f *lintFlags) error {
	failOn, err := lint.ParseSeverity(f.failOn)
	if err != nil {
		return inputError(fmt.Errorf("--fail-on: %w", err))
	}
	if f.output != "text" && f.output != "json" && f.output != "sarif" {
		return inputError(fmt.Errorf("--output: want text, json or sarif, got %q", f.output))
	}
	a, err := f.input.analyze(cmd, s)
	if err != nil {
		return err
	}
	rep, err := lint.Run(a, lint.WithDisabled(trimAll(f.disable)...))
	var unknown *lint.UnknownRuleError
	if errors.As(err, &unknown) {
		return inputError(fmt.Errorf("--disable: %w", err))
	}
	if err != nil {
		return inputError(err)
	}
	fieldLines(rep.Findings)
	switch f.output {
	case "json":
		err = render.LintJSON(s.Out, rep)
	case "sarif":
		err = render.LintSARIF(s.Out, rep, readBuildInfo().Version)
	default:
		err = render.LintText(s.Out, rep)
	}
	if err != nil {
		return err
	}
	if rep.Worst() >= failOn {
		return errNo
	}
	return nil
}

// trimAll trims spaces around each value and drops empty ones.
func trimAll(xs []string) []string {
	var out []string
	for _, x := range xs {
		if x = strings.TrimSpace(x); x != "" {
			out = append(out, x)
		}
	}
	return out
}
