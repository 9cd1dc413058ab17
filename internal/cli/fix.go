package cli

import (
	"errors"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/render"
)

type fixFlags struct {
	input inputFlags
	style string
	tier  string
}

func newFixCmd(s Streams) *cobra.Command {
	f := &fixFlags{}
	cmd := &cobra.Command{
		Use:   "fix --mesh linkerd",
		Short: "Write the NetworkPolicies that restore every blocked mesh flow",
		Long: `Fix runs the mesh check, writes NetworkPolicies (YAML, ready for
kubectl apply -f -) that admit every blocked flow and nothing more, and
proves them by running the check again on the input plus the new policies.

--style minimal (default) admits only the required ports, only from the pods
that need them, selected by the mesh's own labels; --style broad reproduces
the seed's shape (every port from meshed pods and from the mesh namespaces).
Namespaces are selected by kubernetes.io/metadata.name, which every namespace
carries, so no labels need to be added. API-server flows need
--external apiserver=CIDR; without it they are written as commented
placeholders.

With cluster policy tiers (ClusterNetworkPolicy, AdminNetworkPolicy,
BaselineAdminNetworkPolicy) a flow an Admin-tier or Baseline-tier Deny
blocks gets no NetworkPolicy (none can undo an Admin Deny); fix names the
cluster policy rule to change. --tier admin writes Admin-tier
ClusterNetworkPolicies instead: Accept, or Pass where the namespace's
NetworkPolicies then admit the flow.

Exit codes: 0 the proposal restores every flow that did not pass, 1 it
leaves one unfixed (a fixable flow still fails, or a flow it cannot fix:
without --external apiserver=CIDR the webhook flows; the proposal is still
printed and the unfixed flows are listed on stderr), 2 usage or input error.`,
		Example: `  podreach fix --mesh linkerd -f examples/emojivoto-linkerd/ --external apiserver=172.16.0.2/32 > fix.yaml
  podreach check --mesh linkerd -f examples/emojivoto-linkerd/ -f fix.yaml --external apiserver=172.16.0.2/32`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runFix(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVar(&f.style, "style", "minimal", "minimal (least privilege) or broad (the seed's shape)")
	fl.StringVar(&f.tier, "tier", "networkpolicy", "networkpolicy (NetworkPolicies) or admin (Admin-tier ClusterNetworkPolicies)")
	return cmd
}

func runFix(cmd *cobra.Command, s Streams, f *fixFlags) error {
	style, err := fix.ParseStyle(f.style)
	if err != nil {
		return inputError(fmt.Errorf("--style: %w", err))
	}
	tier, err := fix.ParseTier(f.tier)
	if err != nil {
		return inputError(fmt.Errorf("--tier: %w", err))
	}
	eopts, err := f.input.effective()
	if err != nil {
		return err
	}
	opts, err := f.input.options()
	if err != nil {
		return err
	}
	c, err := f.input.load(cmd, s)
	if err != nil {
		return err
	}
	p, err := f.input.profile(s, c, eopts)
	if err != nil {
		return err
	}
	if p == nil {
		return inputError(errNoMesh)
	}
	prop, err := fix.Propose(c, p, fix.WithStyle(style), fix.WithTier(tier), fix.WithCheckOptions(check.WithReachOptions(opts...)))
	if err != nil && !errors.Is(err, fix.ErrIncomplete) {
		return inputError(err)
	}
	header := f.input.command(cmd, "fix")
	if style != fix.StyleMinimal {
		header += " --style " + style.String()
	}
	if tier != fix.TierNetworkPolicy {
		header += " --tier " + tier.String()
	}
	if rerr := render.FixYAML(s.Out, prop, header); rerr != nil {
		return rerr
	}
	for _, u := range prop.Unfixable {
		fmt.Fprintf(s.ErrOut, "warning: not fixed: %s\n", escape.Text(u))
	}
	if err != nil {
		return &exitError{code: ExitNo, err: err}
	}
	if len(prop.Unfixable) > 0 {
		return &exitError{code: ExitNo, err: fmt.Errorf("%d flows left unfixed (see the warnings)", len(prop.Unfixable))}
	}
	return nil
}
