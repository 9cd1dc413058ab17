package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// newCompletionCmd writes shell completion scripts (cobra's generators,
// with podreach's documentation).
func newCompletionCmd(s Streams, root *cobra.Command) *cobra.Command {
	name := root.Name()
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell",
		Short: "Print a shell completion script",
		Long: `Completion prints a script that makes your shell complete podreach's
commands and flags. Load it in the current shell, or install it where your
shell loads completions from.

As a kubectl plugin (kubectl 1.26+), completion of "kubectl podreach" works
through an executable named kubectl_complete-podreach on PATH that runs
"kubectl-podreach __complete "$@"" (see docs/live.md).`,
		Example: fmt.Sprintf(`  source <(%[1]s completion bash)
  %[1]s completion zsh > "${fpath[1]}/_%[1]s"
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish
  %[1]s completion powershell | Out-String | Invoke-Expression`, name),
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell"},
		RunE: func(_ *cobra.Command, args []string) error {
			switch args[0] {
			case "bash":
				return root.GenBashCompletionV2(s.Out, true)
			case "zsh":
				return root.GenZshCompletion(s.Out)
			case "fish":
				return root.GenFishCompletion(s.Out, true)
			case "powershell":
				return root.GenPowerShellCompletionWithDesc(s.Out)
			}
			return inputError(fmt.Errorf("unknown shell %q: want bash, zsh, fish or powershell", args[0]))
		},
	}
	return cmd
}
