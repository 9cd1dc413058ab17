package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/render"
)

type checkFlags struct {
	input  inputFlags
	output string
}

func newCheckCmd(s Streams) *cobra.Command {
	f := &checkFlags{}
	cmd := &cobra.Command{
		Use:   "check --mesh linkerd",
		Short: "Check that every flow the service mesh needs is allowed",
		Long: `Check evaluates every connection the mesh needs — proxies to the control
plane, the API server to the webhooks, Prometheus to every proxy, meshed
application traffic on the port the mesh really uses — against the
NetworkPolicies, and reports each as ✔ allowed, × blocked (with the blocking
policy, an example and the explain command to dig in) or ‼ cannot be proven.

The Linkerd version is detected from the manifests (linkerd-config, the
linkerd.io/created-by and proxy-version annotations, image tags);
--linkerd-version overrides it. Give the API server's address with
--external apiserver=CIDR to check the webhook flows.

Exit codes: 0 every required flow is allowed (‼ alone is 0, or 1 with
--strict), 1 a flow is blocked, 2 usage or input error, 3 cannot know:
nothing is blocked but some flow is ‼ because podreach cannot decide it (a
cluster policy rule the manifests cannot decide, or policies it does not
evaluate).`,
		Example: `  podreach check --mesh linkerd -f examples/emojivoto-linkerd/
  podreach check --mesh linkerd -f cluster/ --external apiserver=10.0.0.2/32 -o json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runCheck(cmd, s, f) },
	}
	f.input.add(cmd)
	fl := cmd.Flags()
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text, short (only what did not pass), json, md (a pull-request comment), or dot or mermaid (a graph of what did not pass)")
	// --strict (inputFlags) also makes ‼ exit 1.
	fl.Lookup("strict").Usage = "exit 1 on warnings (‼) too, and make input the API server accepts only with a warning an input error"
	return cmd
}

func runCheck(cmd *cobra.Command, s Streams, f *checkFlags) error {
	rep, err := meshCheck(cmd, s, &f.input)
	if err != nil {
		return err
	}
	switch f.output {
	case "json":
		err = render.CheckJSON(s.Out, rep)
	case "text", "short":
		err = render.CheckText(s.Out, rep, render.CheckOptions{
			ExplainCommand: f.input.command(cmd, "explain"),
			FixCommand:     f.input.command(cmd, "fix"),
			Short:          f.output == "short",
		})
	case "md":
		err = render.CheckMarkdown(s.Out, rep, render.CheckOptions{
			ExplainCommand: f.input.command(cmd, "explain"),
			FixCommand:     f.input.command(cmd, "fix"),
		})
	case "dot":
		err = render.CheckDOT(s.Out, rep)
	case "mermaid":
		err = render.CheckMermaid(s.Out, rep)
	default:
		return inputError(fmt.Errorf("--output: want text, short, json, md, dot or mermaid, got %q", f.output))
	}
	if err != nil {
		return err
	}
	switch st := rep.Status(); {
	case st == check.StatusError:
		return errNo
	case rep.CannotKnow():
		return errUnknown // ‼ cannot know: never success
	case f.input.strict && st == check.StatusWarning:
		return errNo
	}
	return nil
}

// meshCheck loads the input, finds the mesh and runs the check.
func meshCheck(cmd *cobra.Command, s Streams, in *inputFlags) (*check.Report, error) {
	opts, err := in.effective()
	if err != nil {
		return nil, err
	}
	c, err := in.load(cmd, s)
	if err != nil {
		return nil, err
	}
	rep, a, diags, err := effective.Check(c, opts)
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	if err := effective.LintNotes(rep, a); err != nil {
		return nil, inputError(err)
	}
	return rep, nil
}

// command reproduces the invocation's input flags for a hint line, e.g.
// "podreach explain -f cluster/ --external apiserver=10.0.0.2/32"
// ("kubectl podreach explain …" under the kubectl plugin).
func (f *inputFlags) command(cmd *cobra.Command, verb string) string {
	program := "podreach"
	if name := cmd.Root().DisplayName(); strings.HasPrefix(name, "kubectl ") {
		program = name
	}
	parts := []string{program, verb}
	for _, k := range f.kustomize {
		parts = append(parts, "-k", k)
	}
	for _, fn := range f.filenames {
		parts = append(parts, "-f", fn)
	}
	parts = append(parts, f.src.args(append(f.kustomize, f.filenames...))...)
	if f.namespace != "default" {
		parts = append(parts, "-n", f.namespace)
	}
	for _, x := range f.externals {
		parts = append(parts, "--external", x)
	}
	if f.mesh != "auto" {
		parts = append(parts, "--mesh", f.mesh)
	}
	if f.linkerd != "" {
		parts = append(parts, "--linkerd-version", f.linkerd)
	}
	if f.ipBlockPods != "match" {
		parts = append(parts, "--ipblock-pods", f.ipBlockPods)
	}
	return strings.Join(parts, " ")
}
