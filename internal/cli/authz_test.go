package cli

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/golden"
)

// authzInput is emojivoto under Linkerd without the seed's deny-all-ingress,
// plus the authorization of examples/emojivoto-authz/.
var authzInput = []string{
	"-f", example + "namespaces.yaml", "-f", example + "linkerd-control-plane.yaml",
	"-f", example + "linkerd-viz.yaml", "-f", example + "emojivoto.yaml", "-f", "../../examples/emojivoto-authz/",
}

// TestExplainLinkerdLayer: explain shows both layers and combines them;
// --layer picks one.
func TestExplainLinkerdLayer(t *testing.T) {
	tests := []struct {
		name     string
		from, to string
		extra    []string
		code     int
	}{
		{"explain-authz-denied", "emojivoto/vote-bot", "emojivoto/voting", []string{"--port", "grpc"}, ExitNo},
		{"explain-authz-denied-json", "emojivoto/vote-bot", "emojivoto/voting", []string{"--port", "grpc", "-o", "json"}, ExitNo},
		{"explain-authz-allowed", "emojivoto/web", "emojivoto/voting", []string{"--port", "grpc"}, ExitOK},
		{"explain-authz-scrape", "linkerd-viz/prometheus", "emojivoto/emoji", []string{"--port", "4191"}, ExitOK},
		{"explain-authz-netpol-only", "emojivoto/vote-bot", "emojivoto/voting", []string{"--port", "grpc", "--layer", "netpol"}, ExitOK},
		{"explain-authz-linkerd-only", "emojivoto/vote-bot", "emojivoto/voting", []string{"--port", "grpc", "--layer", "linkerd"}, ExitNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"explain"}, authzInput...), append([]string{"--from", tt.from, "--to", tt.to}, tt.extra...)...)
			out, errOut, code := run(t, "", args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}

func TestLayerFlagErrors(t *testing.T) {
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"unknown layer", []string{"--from", "emojivoto/web", "--to", "emojivoto/voting", "--port", "8080", "--layer", "istio"}, "--layer: unknown layer"},
		{"linkerd layer needs a port", []string{"--from", "emojivoto/web", "--to", "emojivoto/voting", "--layer", "linkerd"}, "needs --port"},
		{"bad default policy", []string{"--from", "emojivoto/web", "--to", "emojivoto/voting", "--linkerd-default-policy", "all_authenticated"}, "--linkerd-default-policy"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, "", append(append([]string{"explain"}, authzInput...), tt.args...)...)
			if code != ExitInput || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d stderr %q, want %d and %q", code, errOut, ExitInput, tt.stderr)
			}
		})
	}
	_, errOut, code := run(t, "", "explain", "-f", "../../examples/emojivoto-linkerd-seed-era/", "--from", "emojivoto/web", "--to", "emojivoto/voting", "--port", "8080", "--layer", "linkerd")
	if code != ExitInput || !strings.Contains(errOut, "not meshed by Linkerd") {
		t.Errorf("seed era: exit %d stderr %q", code, errOut)
	}
}

// TestLinkerdDefaultPolicyFlag: without a default in linkerd-config the
// flag decides; the example's linkerd-config gives one, so the flag is
// ignored with a warning.
func TestLinkerdDefaultPolicyFlag(t *testing.T) {
	args := append(append([]string{"explain"}, authzInput...), "--from", "emojivoto/web", "--to", "emojivoto/vote-bot", "--port", "9090", "--linkerd-default-policy", "deny")
	out, errOut, code := run(t, "", args...)
	if code != ExitOK || !strings.Contains(errOut, "--linkerd-default-policy deny ignored") || !strings.Contains(out, "default_allows") {
		t.Errorf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
}

// TestMatrixLinkerdLayers: with both layers the matrix JSON gives, beside
// a pair's combined answer, each layer's when the Linkerd layer refuses
// or flags a port (docs/linkerd-authz.md); --layer netpol has none.
func TestMatrixLinkerdLayers(t *testing.T) {
	tests := []struct {
		name  string
		extra []string
	}{
		{"matrix-authz-layers-json", []string{"-o", "json"}},
		{"matrix-authz-layers-compact", []string{"-o", "json-compact"}},
		{"matrix-authz-netpol-json", []string{"-o", "json", "--layer", "netpol"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := append(append([]string{"matrix"}, authzInput...), append([]string{"--from", "namespace/emojivoto", "--to", "namespace/emojivoto"}, tt.extra...)...)
			out, errOut, code := run(t, "", args...)
			if code != ExitOK {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, ExitOK, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}
