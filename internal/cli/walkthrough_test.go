package cli

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"text/template"
)

// TestWalkthrough renders docs/walkthrough.md from
// testdata/walkthrough.md.tmpl, running every command of the story
// in-process, and fails when the page differs from what the commands print
// today (go test ./internal/cli -run TestWalkthrough -update rewrites it).
// So the walkthrough cannot rot.
//
// The commands run in a scratch directory whose examples/ links to the
// repository's, so that paths read as a user types them from the repository
// root and files the story writes (fix.yaml) stay out of the tree.
func TestWalkthrough(t *testing.T) {
	root, got := story(t, "walkthrough.md.tmpl")
	page := filepath.Join(root, "docs", "walkthrough.md")
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		if err := os.WriteFile(page, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(page)
	if err != nil {
		t.Fatalf("reading the walkthrough (run with -update to create it): %v", err)
	}
	if line, w, g := firstDiff(string(want), string(got)); line > 0 {
		t.Errorf("docs/walkthrough.md is stale (go test ./internal/cli -run TestWalkthrough -update rewrites it); line %d:\n  page:     %s\n  commands: %s", line, w, g)
	}
}

// story executes the template testdata/name (see walkthroughFuncs) in a
// scratch directory whose examples/ links to the repository's, and
// returns the repository's root and what the template printed.
func story(t *testing.T, name string) (string, []byte) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	src, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	work := t.TempDir()
	if err := os.Symlink(filepath.Join(root, "examples"), filepath.Join(work, "examples")); err != nil {
		t.Fatal(err)
	}
	t.Chdir(work)
	tmpl, err := template.New(name).Funcs(walkthroughFuncs(t)).Parse(string(src))
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if err := tmpl.Execute(&got, nil); err != nil {
		t.Fatal(err)
	}
	return root, got.Bytes()
}

// walkthroughFuncs are the template's actions:
//
//	{{run 1 "check --mesh linkerd -f examples/x/"}}  runs podreach, expects exit code 1,
//	                                                  prints "$ podreach ..." and the output
//	{{run 0 "fix ... > fix.yaml"}}                    the same, stdout written to fix.yaml
//	{{cat "fix.yaml"}}                                prints "$ cat fix.yaml" and the file
//	{{write "p.yaml" `...`}}                          writes a file, printed as a heredoc
func walkthroughFuncs(t *testing.T) template.FuncMap {
	return template.FuncMap{
		"run": func(code int, cmdline string) (string, error) {
			args, redirect, _ := strings.Cut(cmdline, ">")
			stdout, stderr, got := run(t, "", strings.Fields(args)...)
			if got != code {
				return "", fmt.Errorf("podreach %s: exit code %d, want %d; stderr:\n%s", cmdline, got, code, stderr)
			}
			var b strings.Builder
			fmt.Fprintf(&b, "$ podreach %s\n", strings.TrimSpace(cmdline))
			if name := strings.TrimSpace(redirect); name != "" {
				if err := os.WriteFile(name, []byte(stdout), 0o644); err != nil {
					return "", err
				}
				stdout = ""
			}
			b.WriteString(stdout)
			b.WriteString(stderr)
			if code != 0 {
				fmt.Fprintf(&b, "$ echo $?\n%d\n", code)
			}
			return strings.TrimRight(b.String(), "\n"), nil
		},
		"cat": func(name string) (string, error) {
			data, err := os.ReadFile(name)
			return "$ cat " + name + "\n" + strings.TrimRight(string(data), "\n"), err
		},
		"write": func(name, content string) (string, error) {
			content = strings.TrimLeft(content, "\n")
			err := os.WriteFile(name, []byte(content), 0o644)
			return "$ cat > " + name + " <<'EOF'\n" + content + "EOF", err
		},
	}
}

// firstDiff returns the first line (1-based) where want and got differ,
// and both lines; 0 when they are equal.
func firstDiff(want, got string) (int, string, string) {
	if want == got {
		return 0, "", ""
	}
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			return i + 1, wl, gl
		}
	}
	return 0, "", ""
}
