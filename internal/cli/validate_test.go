package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestInputValidation: objects the API server would refuse are input
// errors (exit 2) with nothing on stdout, whatever the command; forms it
// accepts with a warning warn, and are errors with --strict, in manifests
// and in --external alike.
func TestInputValidation(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	injected := write("injected.yaml", `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: "deny-all-ingress\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding"
  namespace: emojivoto
spec: {podSelector: {}}
`)
	typo := write("typo.yaml", "apiVersion: networking.k8s.io/v1\nkind: Networkpolicy\nmetadata: {name: x, namespace: emojivoto}\nspec: {podSelector: {}}\n")
	hostBits := write("hostbits.yaml", "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: x, namespace: emojivoto}\n"+
		"spec: {podSelector: {}, ingress: [{from: [{ipBlock: {cidr: 10.0.0.1/8}}]}]}\n")
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"fix refuses an injected name", []string{"fix", "--mesh", "linkerd", "-f", example, "-f", injected}, ExitInput, `metadata.name: invalid name "deny-all-ingress\n---\n`},
		{"matrix refuses an injected name", []string{"matrix", "-f", example, "-f", injected}, ExitInput, "injected.yaml:4"},
		{"a kind typo is an input error", []string{"matrix", "-f", example, "-f", typo}, ExitInput, `(did you mean "NetworkPolicy"?)`},
		{"host bits warn", []string{"matrix", "-f", example, "-f", hostBits}, ExitOK, `warning: ` + hostBits + `:4: NetworkPolicy emojivoto/x: spec.ingress[0].from[0].ipBlock.cidr: CIDR value "10.0.0.1/8" is ambiguous`},
		{"host bits with --strict", []string{"matrix", "--strict", "-f", example, "-f", hostBits}, ExitInput, `CIDR value "10.0.0.1/8" is ambiguous`},
		{"--external host bits warn", []string{"matrix", "-f", example, "--external", "api=172.16.0.2/16"}, ExitOK, `warning: --external api=172.16.0.2/16: CIDR value "172.16.0.2/16" is ambiguous`},
		{"--external host bits with --strict", []string{"matrix", "--strict", "-f", example, "--external", "api=172.16.0.2/16"}, ExitInput, `--external: api=172.16.0.2/16: CIDR value`},
		{"--external leading zeros read as manifests do", []string{"matrix", "-f", example, "--external", "api=172.016.0.2/32"}, ExitOK, `non-standard CIDR value "172.016.0.2/32" is invalid: use "172.16.0.2/32"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if code == ExitInput && out != "" {
				t.Errorf("stdout on an input error:\n%s", out)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
		})
	}
}
