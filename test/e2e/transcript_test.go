package e2e

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"text/template"
)

var update = flag.Bool("update", false, "rewrite docs/live.md from the commands' output")

// TestTranscript renders docs/live.md from testdata/live.md.tmpl, running
// every command against the test API server, and fails when the page
// differs from what they print today (-update rewrites it). The commands
// run in a scratch directory whose examples/ links to the repository's, with
// KUBECONFIG set to the template's user, so they read as a user types them.
func TestTranscript(t *testing.T) {
	c := env(t)
	grantRBAC(t, c)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", "live.md.tmpl"))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	tmpl, err := template.New("live").Funcs(template.FuncMap{"run": c.transcriptRun(t)}).Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := tmpl.Execute(&got, nil); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(root, "docs", "live.md")
	if *update {
		if err := os.WriteFile(page, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("reading docs/live.md (run with -update to create it): %v", err)
	}
	if want, got := strings.Split(string(want), "\n"), strings.Split(got.String(), "\n"); !equalLines(want, got) {
		for i := range max(len(want), len(got)) {
			if i >= len(want) || i >= len(got) || want[i] != got[i] {
				t.Errorf("docs/live.md is stale (rerun with -update); first difference at line %d:\n  page:     %s\n  commands: %s", i+1, at(want, i), at(got, i))
				break
			}
		}
	}
}

var hostPort = regexp.MustCompile(`https://127\.0\.0\.1:\d+`)

// transcriptRun is the template's {{run USER CODE "ARGS"}}: it runs
// podreach as USER (KUBECONFIG, context e2e), expects exit code CODE and
// prints "$ podreach ARGS", the output and the exit code.
func (c *cluster) transcriptRun(t *testing.T) func(string, int, string) (string, error) {
	return func(user string, code int, cmdline string) (string, error) {
		kc, err := c.srv.kubeconfig(user, "e2e")
		if err != nil {
			return "", err
		}
		t.Setenv("KUBECONFIG", kc)
		stdout, stderr, got := podreach(strings.Fields(cmdline)...)
		if got != code {
			return "", fmt.Errorf("podreach %s: exit code %d, want %d; stderr:\n%s", cmdline, got, code, stderr)
		}
		var b strings.Builder
		fmt.Fprintf(&b, "$ podreach %s\n%s%s", cmdline, stdout, stderr)
		if code != 0 {
			fmt.Fprintf(&b, "$ echo $?\n%d\n", code)
		}
		return hostPort.ReplaceAllString(strings.TrimRight(b.String(), "\n"), "https://127.0.0.1:6443"), nil
	}
}

func equalLines(a, b []string) bool { return strings.Join(a, "\n") == strings.Join(b, "\n") }

func at(lines []string, i int) string {
	if i < len(lines) {
		return lines[i]
	}
	return "(end)"
}
