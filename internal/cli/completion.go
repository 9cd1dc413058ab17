package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"
)

// newCompletionCmd writes shell completion scripts (cobra's generators,
// with podreach's documentation), and the kubectl_complete-<plugin> script
// through which kubectl completes "kubectl podreach".
func newCompletionCmd(s Streams, root *cobra.Command) *cobra.Command {
	name := root.Name() // the executable: completion registers it, never kubectl
	plugin, isPlugin := strings.CutPrefix(name, "kubectl-")
	example := fmt.Sprintf(`  source <(%[1]s completion bash)
  %[1]s completion zsh > "${fpath[1]}/_%[1]s"
  %[1]s completion fish > ~/.config/fish/completions/%[1]s.fish
  %[1]s completion powershell | Out-String | Invoke-Expression`, name)
	if isPlugin {
		example = fmt.Sprintf(`  kubectl %[1]s completion kubectl-plugin > ~/.local/bin/kubectl_complete-%[1]s
  chmod +x ~/.local/bin/kubectl_complete-%[1]s   # any directory on PATH
`, plugin) + example
	}
	cmd := &cobra.Command{
		Use:   "completion bash|zsh|fish|powershell|kubectl-plugin",
		Short: "Print a shell completion script",
		Long: `Completion prints a script that makes your shell complete podreach's
commands, flags and values (workload names from the -f/-k inputs on the
command line, namespaces, output formats, meshes). Load it in the current
shell, or install it where your shell loads completions from. The scripts
register the executable they are printed by (podreach or kubectl-podreach),
never kubectl itself.

As a kubectl plugin (kubectl 1.26+), kubectl completes "kubectl podreach …"
by running an executable named kubectl_complete-podreach found on PATH;
"completion kubectl-plugin" prints that executable (a shell script calling
"kubectl-podreach __complete"). See docs/live.md.`,
		Example:   example,
		Args:      cobra.ExactArgs(1),
		ValidArgs: []string{"bash", "zsh", "fish", "powershell", "kubectl-plugin"},
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
			case "kubectl-plugin":
				_, err := fmt.Fprint(s.Out, pluginCompletionScript)
				return err
			}
			return inputError(fmt.Errorf("unknown shell %q: want bash, zsh, fish, powershell or kubectl-plugin", args[0]))
		},
	}
	return cmd
}

// pluginCompletionScript is kubectl_complete-podreach. KEP 2379 (kubectl
// plugins, "Shell Completion Support"): "For a plugin to support shell
// completion, it will need to provide an independent executable file"
// named kubectl_complete-<plugin> on PATH, which kubectl (1.26+,
// https://github.com/kubernetes/kubernetes/pull/105867) runs with the
// arguments to complete; cobra's hidden __complete command answers them.
// https://github.com/kubernetes/enhancements/tree/master/keps/sig-cli/2379-kubectl-plugins
const pluginCompletionScript = `#!/usr/bin/env sh
# kubectl_complete-podreach: put on PATH (executable) so that kubectl 1.26+
# completes "kubectl podreach ...". Printed by: kubectl podreach completion kubectl-plugin
exec kubectl-podreach __complete "$@"
`
