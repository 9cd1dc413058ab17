package cli

import (
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/internal/golden"
)

// TestMain keeps the tests off any real cluster: commands without -f read
// the live cluster, and there must be none configured.
func TestMain(m *testing.M) {
	os.Setenv("KUBECONFIG", "testdata/no-such-kubeconfig")
	os.Unsetenv("KUBERNETES_SERVICE_HOST")
	os.Exit(m.Run())
}

const seedFix = "../../examples/seed-fix/seed-fix.yaml"

// TestDiffGolden: diff between the broken example and the example with the
// seed's fix, both ways, in every format.
func TestDiffGolden(t *testing.T) {
	fixed := []string{"diff", "-f", example, "--to", example, "--to", seedFix, "--mesh", "linkerd"}
	broken := []string{"diff", "-f", example, "-f", seedFix, "--to", example}
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"diff-fix", fixed, ExitOK},
		{"diff-fix-json", append(fixed, "-o", "json"), ExitOK},
		{"diff-fix-md", append(fixed, "-o", "md"), ExitOK},
		{"diff-unfix", broken, ExitNo},
		{"diff-unfix-md", append(broken, "-o", "md", "--mesh", "linkerd"), ExitNo},
		{"diff-delete", []string{"diff", "-f", example, "--delete", "deploy/emojivoto/web", "-o", "json"}, ExitNo},
		{"diff-none", []string{"diff", "-f", example, "--to", example}, ExitOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}

func TestDiffExitCodes(t *testing.T) {
	fixed := []string{"diff", "-f", example, "--to", example, "--to", seedFix}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"gained fails --fail-on gained", append(fixed, "--fail-on", "gained"), ExitNo, ""},
		{"gained fails --fail-on any", append(fixed, "--fail-on", "any"), ExitNo, ""},
		{"lost passes --fail-on gained", []string{"diff", "-f", example, "-f", seedFix, "--to", example, "--fail-on", "gained"}, ExitOK, ""},
		{"lost passes --fail-on none", []string{"diff", "-f", example, "-f", seedFix, "--to", example, "--fail-on", "none"}, ExitOK, ""},
		{"bad --fail-on", append(fixed, "--fail-on", "some"), ExitInput, "--fail-on"},
		{"bad output", append(fixed, "-o", "yaml"), ExitInput, "--output"},
		{"no after state", []string{"diff", "-f", example}, ExitInput, "no after state"},
		{"bad --delete", []string{"diff", "-f", example, "--delete", "web"}, ExitInput, "--delete: invalid object"},
		{"--delete of nothing", []string{"diff", "-f", example, "--delete", "netpol/emojivoto/nope"}, ExitInput, "NetworkPolicy emojivoto/nope: cannot delete"},
		{"no cluster", []string{"diff", "--to", example}, ExitInput, "no cluster configured"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
		})
	}
}

// TestWhatIf: --delete works on manifests too, for every command.
func TestWhatIf(t *testing.T) {
	out, errOut, code := run(t, "", "explain", "-f", example, "--delete", "netpol/linkerd/deny-all-ingress",
		"--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--port", "8086")
	if code != ExitOK || !strings.Contains(errOut, "NetworkPolicy linkerd/deny-all-ingress: deleted (what-if)") {
		t.Errorf("exit %d, stdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestCompletion: the completion command writes scripts for every shell.
func TestCompletion(t *testing.T) {
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, errOut, code := run(t, "", "completion", sh)
		if code != ExitOK || !strings.Contains(out, "podreach") {
			t.Errorf("%s: exit %d, %d bytes; stderr %s", sh, code, len(out), errOut)
		}
	}
	if _, _, code := run(t, "", "completion", "tcsh"); code != ExitInput {
		t.Errorf("tcsh: exit %d, want %d", code, ExitInput)
	}
}

// TestKrewManifest: the krew template is YAML naming the plugin binary
// this repository builds.
func TestKrewManifest(t *testing.T) {
	data, err := os.ReadFile("../../deploy/krew/podreach.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Kind     string
		Metadata struct{ Name string }
		Spec     struct {
			Version   string
			Platforms []struct {
				URI, Bin string
				Selector struct {
					MatchLabels map[string]string `yaml:"matchLabels"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	if m.Kind != "Plugin" || m.Metadata.Name != "podreach" || m.Spec.Version != "{{VERSION}}" || len(m.Spec.Platforms) == 0 {
		t.Fatalf("not a podreach krew Plugin template: %+v", m)
	}
	for _, p := range m.Spec.Platforms {
		if !strings.HasPrefix(p.Bin, "kubectl-podreach") || !strings.Contains(p.URI, "{{VERSION}}") || p.Selector.MatchLabels["os"] == "" {
			t.Errorf("platform %+v", p)
		}
	}
	if _, err := os.Stat("../../cmd/kubectl-podreach/main.go"); err != nil {
		t.Errorf("the plugin binary's package is missing: %v", err)
	}
}
