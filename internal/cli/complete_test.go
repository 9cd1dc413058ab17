package cli

import (
	"slices"
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

// complete runs cobra's hidden __complete command and returns the
// candidates (without the trailing directive line).
func complete(t *testing.T, args ...string) []string {
	t.Helper()
	out, _, code := run(t, "", append([]string{"__complete"}, args...)...)
	if code != ExitOK {
		t.Fatalf("__complete %v: exit %d", args, code)
	}
	var got []string
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line != "" && !strings.HasPrefix(line, ":") {
			name, _, _ := strings.Cut(line, "\t")
			got = append(got, name)
		}
	}
	return got
}

// TestDynamicCompletion: one row per completed value.
func TestDynamicCompletion(t *testing.T) {
	prod := gitops + "/overlays/prod"
	tests := []struct {
		name string
		args []string
		want []string
	}{
		{"workloads from -f", []string{"explain", "-f", example, "--from", "emojivoto/v"}, []string{"emojivoto/vote-bot", "emojivoto/voting"}},
		{"workloads from -k", []string{"explain", "-k", prod, "--to", ""}, []string{"shop-prod/api", "shop-prod/db", "shop-prod/web"}},
		{"externals", []string{"explain", "-k", prod, "--external", "internet=0.0.0.0/0", "--to", "int"}, []string{"internet"}},
		{"namespaces", []string{"matrix", "-k", prod, "-n", ""}, []string{"shop-prod"}},
		{"focus names: workloads and namespaces", []string{"matrix", "-k", prod, "--to", "shop-prod/w"}, []string{"shop-prod/web"}},
		{"focus namespaces", []string{"diff", "-k", prod, "--dst", "namespace/"}, []string{"namespace/shop-prod"}},
		{"focus from on report", []string{"report", "-k", prod, "--from", "shop-prod/a"}, []string{"shop-prod/api"}},
		{"label selectors", []string{"matrix", "-k", prod, "-l", "app="}, []string{"app=api", "app=db", "app=web"}},
		{"destination selector", []string{"diff", "-k", prod, "--dst-selector", "app=w"}, []string{"app=web"}},
		{"no inputs, no names", []string{"explain", "--from", ""}, nil},
		{"output formats", []string{"matrix", "-o", ""}, outputFormats["matrix"]},
		{"version formats", []string{"version", "-o", ""}, []string{"text", "json"}},
		{"meshes", []string{"check", "--mesh", ""}, []string{"linkerd"}},
		{"completion shells", []string{"completion", ""}, []string{"bash", "zsh", "fish", "powershell", "kubectl-plugin"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := complete(t, tt.args...); !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// TestOutputFormatsTable: every command with -o completes exactly the
// formats its help names.
func TestOutputFormatsTable(t *testing.T) {
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if f := c.Flags().Lookup("output"); f != nil {
			formats, ok := outputFormats[c.Name()]
			if !ok {
				t.Errorf("%s has -o but no entry in outputFormats", c.CommandPath())
			}
			for _, v := range formats {
				if !strings.Contains(f.Usage, v) && f.DefValue != v {
					t.Errorf("%s -o: %q is not in its help %q", c.CommandPath(), v, f.Usage)
				}
			}
		}
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(NewRootCmd(Streams{}, "podreach"))
}
