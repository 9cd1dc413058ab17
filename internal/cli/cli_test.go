package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/golden"
)

const example = "../../examples/emojivoto-linkerd/"

// lintNotes adds to example two policies whose lint findings check shows
// under the flows they block (effective.LintNotes).
const lintNotes = "../../pkg/effective/testdata/lint-notes.yaml"

// run executes the CLI in-process and returns stdout, stderr and the exit code.
func run(t *testing.T, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := Run(context.Background(), "podreach", args, Streams{In: strings.NewReader(stdin), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

// TestGolden runs real commands on the shipped examples and compares their
// output with testdata/*.golden (go test ./internal/cli -update rewrites them).
func TestGolden(t *testing.T) {
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"explain-seed-failure", []string{"explain", "-f", example, "--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--port", "8086"}, ExitNo},
		{"explain-seed-failure-json", []string{"explain", "-f", example, "--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--port", "8086", "-o", "json"}, ExitNo},
		{"explain-service-allowed", []string{"explain", "-f", example, "--from", "emojivoto/web", "--to", "svc/emojivoto/emoji-svc", "--port", "8080"}, ExitOK},
		{"explain-all-ports", []string{"explain", "-f", example, "--from", "emojivoto/vote-bot", "--to", "emojivoto/web"}, ExitOK},
		{"matrix-text", []string{"matrix", "-f", example}, ExitOK},
		{"matrix-json", []string{"matrix", "-f", example, "-o", "json"}, ExitOK},
		{"matrix-json-compact", []string{"matrix", "-f", example, "-o", "json-compact"}, ExitOK},
		{"matrix-csv", []string{"matrix", "-f", example, "-o", "csv", "--level", "pod"}, ExitOK},
		{"matrix-dot", []string{"matrix", "-f", example, "-o", "dot"}, ExitOK},
		{"matrix-mermaid", []string{"matrix", "-f", example, "-o", "mermaid"}, ExitOK},
		{"check-md", []string{"check", "--mesh", "linkerd", "-f", example, "-o", "md"}, ExitNo},
		{"check-dot", []string{"check", "--mesh", "linkerd", "-f", example, "-o", "dot"}, ExitNo},
		{"check-mermaid", []string{"check", "--mesh", "linkerd", "-f", example, "-o", "mermaid"}, ExitNo},
		{"diff-unfix-dot", []string{"diff", "-f", example, "-f", "../../examples/seed-fix/seed-fix.yaml", "--to", example, "-o", "dot"}, ExitNo},
		{"diff-unfix-mermaid", []string{"diff", "-f", example, "-f", "../../examples/seed-fix/seed-fix.yaml", "--to", example, "-o", "mermaid"}, ExitNo},
		{"check-broken", []string{"check", "--mesh", "linkerd", "-f", example}, ExitNo},
		{"check-broken-json", []string{"check", "--mesh", "linkerd", "-f", example, "-o", "json"}, ExitNo},
		{"check-seed-fix", []string{"check", "--mesh", "linkerd", "-f", example, "-f", "../../examples/seed-fix/seed-fix.yaml", "-o", "short"}, ExitNo},
		{"check-lint-notes", []string{"check", "--mesh", "linkerd", "-f", example, "-f", lintNotes, "-o", "short"}, ExitNo},
		{"check-lint-notes-json", []string{"check", "--mesh", "linkerd", "-f", example, "-f", lintNotes, "-o", "json"}, ExitNo},
		{"fix-minimal", []string{"fix", "--mesh", "linkerd", "-f", example, "--external", "apiserver=172.16.0.2/32"}, ExitOK},
		{"fix-broad", []string{"fix", "--mesh", "linkerd", "-f", example, "--style", "broad"}, ExitNo}, // the webhook flows need --external: left unfixed,
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

func TestExitCodes(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stdin  string
		code   int
		stderr string
	}{
		{"no input", []string{"matrix"}, "", ExitInput, "no input"},
		{"unknown flag", []string{"matrix", "--bogus"}, "", ExitInput, "unknown flag"},
		{"bad output", []string{"matrix", "-f", example, "-o", "xml"}, "", ExitInput, "--output"},
		{"bad level", []string{"matrix", "-f", example, "--level", "node"}, "", ExitInput, "--level"},
		{"unknown target", []string{"explain", "-f", example, "--from", "emojivoto/nope", "--to", "emojivoto/web"}, "", ExitInput, "no workload, pod or Service named nope"},
		{"bad port", []string{"explain", "-f", example, "--from", "emojivoto/web", "--to", "emojivoto/emoji", "--port", "70000"}, "", ExitInput, "out of range"},
		{"missing file", []string{"matrix", "-f", "does-not-exist.yaml"}, "", ExitInput, "does-not-exist.yaml"},
		{"bad cidr from stdin", []string{"matrix", "-f", "-"}, badPolicy, ExitInput, `spec.ingress[0].from[0].ipBlock.cidr`},
		{"bad external", []string{"matrix", "-f", example, "--external", "apiserver"}, "", ExitInput, "NAME=CIDR"},
		{"unsupported mesh", []string{"check", "--mesh", "istio", "-f", example}, "", ExitInput, "want linkerd, none or auto"},
		{"bad fix tier", []string{"fix", "--mesh", "linkerd", "-f", example, "--tier", "baseline"}, "", ExitInput, "--tier: unknown tier \"baseline\" (want networkpolicy or admin)"},
		{"stdin ok", []string{"matrix", "-f", "-"}, goodPolicy, ExitOK, ""},
		{"no objects", []string{"matrix", "-f", "../../docs/"}, "", ExitInput, "no Kubernetes objects in -f ../../docs/"},
		{"no objects diff", []string{"diff", "-f", "../../docs/", "--to", "../../docs/"}, "", ExitInput, "no Kubernetes objects"},
		{"no workloads", []string{"matrix", "-f", "testdata/no-workloads"}, "", ExitInput, "no workloads in -f testdata/no-workloads"},
		{"unevaluated matrix", []string{"matrix", "-f", example, "-f", unevaluated}, "", ExitUnknown, "not evaluated: CiliumNetworkPolicy"},
		{"unevaluated matrix json", []string{"matrix", "-f", example, "-f", unevaluated, "-o", "json-compact"}, "", ExitUnknown, "not evaluated: CiliumNetworkPolicy"},
		{"unevaluated explain", []string{"explain", "-f", example, "-f", unevaluated, "--from", "emojivoto/web", "--to", "emojivoto/emoji", "--port", "8080"}, "", ExitUnknown, "not evaluated: CiliumNetworkPolicy"},
		{"unevaluated denied stays denied", []string{"explain", "-f", example, "-f", unevaluated, "--from", "emojivoto/web", "--to", "linkerd/linkerd-identity", "--port", "8080"}, "", ExitNo, ""},
		{"unevaluated diff", []string{"diff", "-f", example, "--to", example, "--to", unevaluated, "--fail-on", "none"}, "", ExitUnknown, "cannot know: CiliumNetworkPolicy emojivoto/deny-emoji"},
		{"app repo without the control plane", []string{"check", "-f", "../../examples/app-repo/"}, "", ExitNo, "modelling the control plane of Linkerd edge-26.8.3"},
		{"unevaluated check", []string{"check", "-f", example, "-f", "../../examples/seed-fix/seed-fix.yaml", "-f", unevaluated, "--strict"}, "", ExitNo, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
		})
	}
}

// unevaluated is a CiliumNetworkPolicy selecting every pod of emojivoto.
const unevaluated = "testdata/unevaluated/cilium-emojivoto.yaml"

const badPolicy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: np, namespace: x}
spec:
  podSelector: {}
  ingress:
  - from:
    - ipBlock: {cidr: 10.0.0.0/33}
`

const goodPolicy = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec: {containers: [{name: c, image: i}]}
`

// TestDocs walks the command tree: every command has a capitalised Short
// without a final period, a Long and an Example.
func TestDocs(t *testing.T) {
	root := NewRootCmd(Streams{}, "podreach")
	var walk func(*cobra.Command)
	walk = func(c *cobra.Command) {
		if c.Hidden || c.Name() == "help" || c.Name() == "completion" {
			return
		}
		t.Run(c.CommandPath(), func(t *testing.T) {
			if c.Short == "" || !unicode.IsUpper([]rune(c.Short)[0]) || strings.HasSuffix(c.Short, ".") {
				t.Errorf("Short %q: want capitalised, no final period", c.Short)
			}
			if c.Long == "" {
				t.Error("no Long")
			}
			if c.Example == "" {
				t.Error("no Example")
			}
		})
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
}

// TestMatrixCouldChange: a matrix whose endpoints an unevaluated policy
// selects says so in its own output (text and JSON), not only on stderr.
func TestMatrixCouldChange(t *testing.T) {
	out, _, code := run(t, "", "matrix", "-f", example, "-f", unevaluated)
	if code != ExitUnknown || !strings.Contains(out, "CANNOT KNOW: CiliumNetworkPolicy emojivoto/deny-emoji") || !strings.Contains(out, "emojivoto/emoji") {
		t.Errorf("exit %d, text output without the CANNOT KNOW line:\n%s", code, out)
	}
	out, _, _ = run(t, "", "matrix", "-f", example, "-f", unevaluated, "-o", "json")
	var m struct {
		CouldChange []struct {
			Kind      string   `json:"kind"`
			Name      string   `json:"name"`
			Endpoints []string `json:"endpoints"`
		} `json:"couldChange"`
	}
	if err := json.Unmarshal([]byte(out), &m); err != nil || len(m.CouldChange) != 1 || m.CouldChange[0].Name != "deny-emoji" || !slices.Contains(m.CouldChange[0].Endpoints, "emojivoto/emoji") {
		t.Errorf("JSON couldChange = %+v (%v)", m.CouldChange, err)
	}
	if out, _, code := run(t, "", "matrix", "-f", example, "-o", "json"); code != ExitOK || strings.Contains(out, "couldChange") {
		t.Errorf("without unevaluated policies: exit %d, couldChange present: %v", code, strings.Contains(out, "couldChange"))
	}
}

// TestPluginHints: under the kubectl plugin, the see: and fix: lines of
// check name the command as the user types it.
func TestPluginHints(t *testing.T) {
	var out, errOut bytes.Buffer
	code := Run(context.Background(), "/usr/local/bin/kubectl-podreach", []string{"check", "--mesh", "linkerd", "-f", example},
		Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	if code != ExitNo {
		t.Fatalf("exit %d:\n%s", code, errOut.String())
	}
	for _, want := range []string{"see: kubectl podreach explain -f ", "fix: kubectl podreach fix -f "} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("check output lacks %q", want)
		}
	}
	if strings.Contains(out.String(), "see: podreach ") {
		t.Error("a hint still says podreach")
	}
}
