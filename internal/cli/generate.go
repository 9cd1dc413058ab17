package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/synth"
)

type generateFlags struct {
	size   string
	seed   int64
	output string
	tiered bool
}

// newGenerateCmd is a hidden developer command: the synthetic clusters the
// benchmarks measure, as manifests podreach (or kubectl) can read.
func newGenerateCmd(s Streams) *cobra.Command {
	f := &generateFlags{}
	cmd := &cobra.Command{
		Use:    "generate",
		Hidden: true,
		Short:  "Write a synthetic cluster's manifests (benchmarks)",
		Long: `Generate writes a deterministic synthetic cluster of a preset size to stdout:
namespaces with team/env labels, workloads of every kind with named ports and
their pods (with IPs), a Linkerd control plane, and a mix of NetworkPolicies
that exercises every API feature. The same --size and --seed always give the
same bytes.

Sizes (pods / policies): S 50/20, M 1k/200, L 10k/2k, XL 50k/8k,
XXL 150k/30k, dense 5.4k/13.7k. --tiered adds one ClusterNetworkPolicy per
ten NetworkPolicies (half Admin, half Baseline, mixed actions) and the Nodes.`,
		Example: `  podreach generate --size L > l.yaml && podreach matrix -f l.yaml -o json > /dev/null
  podreach generate --size XXL -o json > xxl.json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGenerate(s, f) },
	}
	fl := cmd.Flags()
	fl.StringVar(&f.size, "size", "S", "preset size: S, M, L, XL, XXL or dense")
	fl.Int64Var(&f.seed, "seed", 1, "generator seed")
	fl.StringVarP(&f.output, "output", "o", "yaml", "output format: yaml or json (one object per line)")
	fl.BoolVar(&f.tiered, "tiered", false, "add cluster policy tiers (ClusterNetworkPolicy, Nodes)")
	return cmd
}

func runGenerate(s Streams, f *generateFlags) error {
	size, err := synth.ParseSize(f.size)
	if err != nil {
		return inputError(fmt.Errorf("--size: %w", err))
	}
	format, err := synth.ParseFormat(f.output)
	if err != nil {
		return inputError(fmt.Errorf("--output: %w", err))
	}
	cfg := size.Config(f.seed)
	if f.tiered {
		cfg = size.Tiered(f.seed)
	}
	return synth.Write(s.Out, synth.Generate(cfg), format)
}
