package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestFlagConflicts: flags that contradict each other, repeat a single
// value, or have no effect without another flag are usage errors (exit 2)
// naming the flags, instead of a silent pick.
func TestFlagConflicts(t *testing.T) {
	t.Parallel()
	explain := []string{"explain", "-f", example, "--from", "emojivoto/web", "--to", "emojivoto/emoji"}
	tests := []struct {
		name   string
		args   []string
		code   int    // ExitInput, or -1: anything but ExitInput
		stderr string // with ExitInput, what the error says
	}{
		{"port protocol and --protocol differ", append(explain, "--port", "80/UDP", "--protocol", "TCP"), ExitInput, "--port 80/UDP and --protocol TCP conflict"},
		{"port protocol and --protocol agree", append(explain, "--port", "80/tcp", "--protocol", "TCP"), -1, ""},
		{"--port twice", append(explain, "--port", "80", "--port", "443"), ExitInput, `--port given twice ("80", then "443")`},
		{"-o twice", []string{"matrix", "-f", example, "-o", "json", "-o", "csv"}, ExitInput, "--output given twice"},
		{"-f repeated is layering", []string{"matrix", "-f", example, "-f", example}, -1, ""},
		{"--expand-replicas without --level pod", []string{"matrix", "-f", example, "--expand-replicas"}, ExitInput, "--expand-replicas needs --level pod"},
		{"--expand-replicas at pod level", []string{"matrix", "-f", example, "--level", "pod", "--expand-replicas"}, -1, ""},
		{"diff --linkerd-version with --mesh none", []string{"diff", "-f", example, "--to", example, "--mesh", "none", "--linkerd-version", "2.14"}, ExitInput, "--linkerd-version has no effect with --mesh none"},
		{"report --linkerd-version with --mesh none", []string{"report", "-f", example, "--mesh", "none", "--linkerd-version", "2.14"}, ExitInput, "--linkerd-version has no effect with --mesh none"},
		{"--chunk-size with manifests only", []string{"matrix", "-f", example, "--chunk-size", "10"}, ExitInput, "--chunk-size needs a live cluster"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, stderr, code := run(t, "", tt.args...)
			switch {
			case tt.code == ExitInput && code != ExitInput:
				t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInput, stderr)
			case tt.code == -1 && code == ExitInput:
				t.Fatalf("exit %d (input error), want a run; stderr:\n%s", code, stderr)
			}
			if !strings.Contains(stderr, tt.stderr) {
				t.Errorf("stderr %q does not say %q", stderr, tt.stderr)
			}
		})
	}
}

// TestStderrHasNoEscapes: a file name from the input with a terminal
// escape sequence and bidi override reaches stderr escaped, in errors and
// in the "wrote" line.
func TestStderrHasNoEscapes(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	name := filepath.Join(dir, "x\x1b]0;pwned\x07\u202e.yaml")
	if err := os.WriteFile(name, []byte("kind: NetworkPolicy\napiVersion: networking.k8s.io/v1\nmetadata: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "r\x1b[2J.html")
	for _, args := range [][]string{{"matrix", "-f", name}, {"report", "-f", example, "--out", out}} {
		_, stderr, code := run(t, "", args...)
		if strings.ContainsAny(stderr, "\x1b\x07\u202e") {
			t.Errorf("%q: exit %d, stderr holds a raw control: %q", args, code, stderr)
		}
		if !strings.Contains(stderr, `\x1b`) {
			t.Errorf("%q: stderr does not show the name escaped: %q", args, stderr)
		}
	}
}
