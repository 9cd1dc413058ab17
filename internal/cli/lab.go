package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/render"
)

type labFlags struct {
	input    inputFlags
	pairs    string
	keep     bool
	expand   bool
	timeout  time.Duration
	parallel int
	output   string
}

func newLabCmd(s Streams) *cobra.Command {
	f := &labFlags{}
	cmd := &cobra.Command{
		Use:   "lab -f FILE|DIR [--pairs all|sample:N] [--mesh linkerd]",
		Short: "Replay the cluster on real packets and check the model against the kernel",
		Long: `Lab builds the cluster on this Linux host: one network namespace per pod (per
workload; per replica with --expand-replicas) and per --external peer, each
with the pod's address (or one from 10.213.0.0/16 when the input has none),
joined by a bridge in a lab namespace; a responder on every declared port and
every port the policies name; the NetworkPolicies compiled into nftables
chains in each pod's namespace (denied connections are rejected with ICMP
admin-prohibited, never reset, so "denied" is not "nothing listens"). It
probes every ordered pair with real TCP/UDP (and SCTP, where the kernel has
it) connections, compares each with the engine and prints the agreement
table; every disagreement comes with the engine's explanation.

Nothing is added to the host's network namespace, and no packet leaves the
lab. Everything is removed at the end, on Ctrl-C, and — for runs that were
killed — at the start of the next run. Host-network pods are left out, and
the lab has no nodes. It needs root, ip (iproute2), nft (nftables) and
nf_tables in the kernel.

--mesh linkerd probes exactly the connections the mesh check evaluates and
prints the check as the kernel decides it.

Exit codes: 0 the kernel agrees with the engine (and, with --mesh, every
required flow passes), 1 a disagreement (or a blocked flow), 2 usage or
input error, or this machine cannot run the lab.`,
		Example: `  sudo podreach lab -f examples/emojivoto-linkerd/
  sudo podreach lab -f cluster/ --pairs sample:500 -o json
  sudo podreach lab --mesh linkerd -f examples/emojivoto-linkerd/ -f fix.yaml --external apiserver=172.16.0.2/32`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runLab(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.pairs, "pairs", "all", "ordered pairs to probe: all, or sample:N for N of them chosen deterministically")
	fl.BoolVar(&f.keep, "keep", false, "leave the namespaces and rules for inspection (the next run removes them)")
	fl.BoolVar(&f.expand, "expand-replicas", false, "one pod per declared replica instead of one per workload")
	fl.DurationVar(&f.timeout, "probe-timeout", 2*time.Second, "how long one connection attempt may take")
	fl.IntVar(&f.parallel, "parallel", 128, "connection attempts at a time")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	return cmd
}

func runLab(cmd *cobra.Command, s Streams, f *labFlags) error {
	pairs, err := lab.ParsePairs(f.pairs)
	if err != nil {
		return inputError(fmt.Errorf("--pairs: %w", err))
	}
	if f.output != "text" && f.output != "json" {
		return inputError(fmt.Errorf("--output: want text or json, got %q", f.output))
	}
	if err := lab.CheckEnv(); err != nil {
		return inputError(err)
	}
	c, err := f.input.load(cmd, s)
	if err != nil {
		return err
	}
	opts := []lab.Option{lab.WithPairs(pairs), lab.WithKeep(f.keep), lab.WithExpandReplicas(f.expand),
		lab.WithTimeout(f.timeout), lab.WithParallel(f.parallel), lab.WithIPBlockPods(f.input.ipBlockPods != "ignore")}
	eopts, err := f.input.effective()
	if err != nil {
		return err
	}
	p, err := f.input.profile(s, c, eopts)
	if err != nil {
		return err
	}
	// --mesh named: probe the mesh's flows as check does. Otherwise every
	// pair of the cluster as it runs (what the injector adds applied; the
	// kernel has no proxies, so ports are the application's).
	if p != nil && cmd.Flags().Changed("mesh") {
		return runLabMesh(cmd, s, f, c, p, opts)
	}
	if p != nil {
		c = p.Inject(c)
	}
	rep, err := lab.Run(requireContext(cmd), c, opts...)
	if err != nil {
		return err // every error is exit 2: input, environment, or an interrupted run
	}
	return finishLab(s, rep, f.output, rep.Summary.OK())
}

func runLabMesh(cmd *cobra.Command, s Streams, f *labFlags, c *model.Cluster, p mesh.Profile, opts []lab.Option) error {
	m, err := lab.RunMesh(requireContext(cmd), c, p, opts...)
	if err != nil {
		return err
	}
	if f.output == "text" {
		err := render.CheckText(s.Out, m.Kernel, render.CheckOptions{ExplainCommand: f.input.command(cmd, "explain")})
		if err != nil {
			return err
		}
		fmt.Fprintln(s.Out)
	}
	for _, id := range m.Changed {
		fmt.Fprintf(s.ErrOut, "warning: check %s differs between the engine and the kernel\n", escape.Text(id))
	}
	return finishLab(s, m.Report, f.output, m.OK() && m.Kernel.Status() != check.StatusError)
}

func finishLab(s Streams, rep *lab.Report, output string, ok bool) error {
	for _, n := range rep.Notices {
		fmt.Fprintf(s.ErrOut, "notice: %s\n", escape.Lines(n))
	}
	var err error
	if output == "json" {
		err = rep.WriteJSON(s.Out)
	} else {
		err = rep.WriteText(s.Out)
	}
	if err != nil {
		return err
	}
	if !ok {
		return errNo
	}
	return nil
}
