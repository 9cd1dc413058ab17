package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/render"
)

type exposureFlags struct {
	input  inputFlags
	output string
}

func newExposureCmd(s Streams) *cobra.Command {
	f := &exposureFlags{}
	cmd := &cobra.Command{
		Use:   "exposure",
		Short: "Say who may connect to each workload, as the policies' rules put it",
		Long: `Exposure lists, for each workload of the input, who may open connections to
it in terms of the rules' intent — "pods labelled app=web in namespace shop",
"every pod in namespaces labelled team=ops", "every external address except
10.0.0.0/8" — with the ports and the policy and field of each rule, not only
the pods present today (matrix lists those). Workloads that no policy isolates
for ingress are marked UNPROTECTED.

Exit codes: 0 the list is written; 2 usage or input error.`,
		Example: `  podreach exposure -f examples/emojivoto-linkerd/
  podreach exposure -f cluster/ -o json | jq '.unprotected'`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runExposure(cmd, s, f) },
	}
	f.input.add(cmd)
	cmd.Flags().StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runExposure(cmd *cobra.Command, s Streams, f *exposureFlags) error {
	if f.output != "text" && f.output != "json" {
		return inputError(fmt.Errorf("--output: want text or json, got %q", f.output))
	}
	a, err := f.input.analyze(cmd, s)
	if err != nil {
		return err
	}
	xs, err := lint.Exposures(a)
	if err != nil {
		return inputError(err)
	}
	if f.output == "json" {
		return render.ExposureJSON(s.Out, xs)
	}
	return render.ExposureText(s.Out, xs)
}
