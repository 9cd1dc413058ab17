package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportCommand runs report as a user would; test/browser opens the
// page in Chromium.
func TestReportCommand(t *testing.T) {
	out := filepath.Join(t.TempDir(), "report.html")
	tests := []struct {
		name   string
		args   []string
		code   int
		stdout bool   // the page goes to stdout
		stderr string // a line stderr must contain
	}{
		{"mesh to file", []string{"report", "-f", example, "--mesh", "linkerd", "--out", out}, ExitOK, false, "wrote " + out},
		{"stdout, no mesh", []string{"report", "-f", example}, ExitOK, true, ""},
		{"diff", []string{"report", "-f", example, "--to", example, "--to", "../../examples/seed-fix/seed-fix.yaml", "--mesh", "linkerd"}, ExitOK, true, ""},
		{"bad mesh", []string{"report", "-f", example, "--mesh", "istio"}, ExitInput, false, "want linkerd, none or auto"},
		{"bad out", []string{"report", "-f", example, "--out", filepath.Join(out, "nope", "x.html")}, ExitInput, false, "--out"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			stdout, stderr, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", stderr, tt.stderr)
			}
			if got := strings.HasPrefix(stdout, "<!doctype html>"); got != tt.stdout {
				t.Errorf("HTML on stdout: %v, want %v", got, tt.stdout)
			}
		})
	}
	page, err := os.ReadFile(out)
	if err != nil || !strings.HasPrefix(string(page), "<!doctype html>") {
		t.Errorf("--out wrote no page: %v", err)
	}
}
