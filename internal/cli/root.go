package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/model"
)

// Streams are the command's standard streams.
type Streams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer
}

// Exit codes: the answer is yes, no, or the question could not be asked.
const (
	ExitOK    = 0
	ExitNo    = 1 // denied, a check failed, diff found what --fail-on names
	ExitInput = 2 // usage or input error
	// ExitUnknown: the answer depends on what podreach cannot evaluate
	// (policies of other APIs select its endpoints); never success.
	ExitUnknown = 3
)

// exitError carries an exit code; a nil Err means "no message".
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string {
	if e.err == nil {
		return fmt.Sprintf("exit %d", e.code)
	}
	return e.err.Error()
}

func (e *exitError) Unwrap() error { return e.err }

// errNo is returned when the answer is "no"; the result is already printed.
var errNo = &exitError{code: ExitNo}

// errUnknown is returned when the answer cannot be known; the result,
// saying why, is already printed.
var errUnknown = &exitError{code: ExitUnknown}

// Run executes the command line args (without the program name) and returns
// the process exit code. name is the program name as invoked, so the usage
// text reads "kubectl podreach" when run as the kubectl plugin.
func Run(ctx context.Context, name string, args []string, s Streams) int {
	root := NewRootCmd(s, name)
	root.SetArgs(args)
	var prof profile
	root.PersistentFlags().StringVar(&prof.path, "cpuprofile", "", "write a CPU profile (pprof) of the run to this file")
	root.PersistentFlags().MarkHidden("cpuprofile")
	root.PersistentPreRunE = func(*cobra.Command, []string) error { return prof.start() }
	refuseRepeatedFlags(root)
	err := root.ExecuteContext(ctx)
	if perr := prof.stop(); err == nil && perr != nil {
		err = perr
	}
	if err == nil {
		return ExitOK
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.err != nil {
			fmt.Fprintf(s.ErrOut, "%s: %s\n", root.DisplayName(), escape.Lines(ee.err.Error()))
		}
		return ee.code
	}
	fmt.Fprintf(s.ErrOut, "%s: %s\n", root.DisplayName(), escape.Lines(err.Error()))
	return ExitInput
}

// NewRootCmd builds the command tree.
func NewRootCmd(s Streams, name string) *cobra.Command {
	use, display := commandName(name)
	root := &cobra.Command{
		Use:         use,
		Annotations: map[string]string{cobra.CommandDisplayNameAnnotation: display},
		Short:       "Compute which pods can reach which, as your NetworkPolicies enforce it",
		Long: `podreach builds the exact reachability model that Kubernetes NetworkPolicies
imply — which pod can open which connection to which pod, on which port and
protocol, and why — from manifests (files, directories, stdin) or from the
live cluster of the current kubeconfig context (when no -f is given, or with
--live; read-only), or rendered from a kustomization (-k), with manifests
layered on it to ask "what if?".

Exit codes: 0 yes / ok, 1 no (denied, a check failed), 2 usage or input error,
3 cannot know (policies podreach does not evaluate could change the answer).`,
		Example: fmt.Sprintf(`  %[1]s explain -f examples/emojivoto-linkerd/ --from emojivoto/web --to linkerd/linkerd-destination --port 8086
  %[1]s matrix -f examples/emojivoto-linkerd/ -o json`, display),
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(s.In)
	root.SetOut(s.Out)
	root.SetErr(s.ErrOut)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &exitError{code: ExitInput, err: err}
	})
	root.AddCommand(newCheckCmd(s), newFixCmd(s), newExplainCmd(s), newMatrixCmd(s), newDiffCmd(s), newVersionCmd(s))
	root.AddCommand(newLabCmd(s))
	root.AddCommand(newReportCmd(s))
	root.AddCommand(newGenerateCmd(s))
	root.AddCommand(newLintCmd(s), newExposureCmd(s))
	root.AddCommand(newGuardCmd(s)) // guard*.go
	root.AddCommand(newWatchCmd(s)) // watch*.go
	root.CompletionOptions.DisableDefaultCmd = true
	root.AddCommand(newCompletionCmd(s, root))
	registerCompletions(root) // complete.go
	return root
}

// commandName returns the root command's name and the name people type.
// As a kubectl plugin (kubectl-podreach) they differ: usage, errors and
// completion must say "kubectl podreach", and completion scripts must
// register kubectl-podreach, never kubectl itself: cobra's
// CommandDisplayNameAnnotation "modifies CommandPath() for the root command
// to return the command display name instead of the command name"
// (https://github.com/spf13/cobra/pull/2018).
func commandName(name string) (use, display string) {
	base := strings.TrimSuffix(name[strings.LastIndexAny(name, `/\`)+1:], ".exe") // os.Args[0] on any OS
	if base == "" || base == "." {
		base = "podreach"
	}
	if rest, ok := strings.CutPrefix(base, "kubectl-"); ok {
		return base, "kubectl " + rest
	}
	return base, base
}

// printDiagnostics writes notices and warnings to stderr.
func printDiagnostics(w io.Writer, ds model.Diagnostics) {
	for _, d := range ds {
		if d.Severity != model.Error {
			fmt.Fprintf(w, "%s: %s\n", d.Severity, escape.Lines(d.Error()))
		}
	}
}

func inputError(err error) error { return &exitError{code: ExitInput, err: err} }

// requireContext returns ctx or a background context.
func requireContext(cmd *cobra.Command) context.Context {
	if ctx := cmd.Context(); ctx != nil {
		return ctx
	}
	return context.Background()
}
