package podreach_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadmeLayout: the README's layout section names every Go package
// (itself or a parent directory), and every path it names exists.
func TestReadmeLayout(t *testing.T) {
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Layout\n\n```\n")
	if !ok {
		t.Fatal("README.md: no ## Layout code block")
	}
	block, _, _ := strings.Cut(rest, "```")
	listed := map[string]bool{}
	for _, line := range strings.Split(block, "\n") {
		first, _, _ := strings.Cut(strings.TrimSpace(line), "  ")
		for _, p := range strings.Split(first, ",") {
			if p = strings.TrimSpace(p); p != "" {
				listed[p] = true
			}
		}
	}
	for p := range listed {
		if _, err := os.Stat(filepath.FromSlash(p)); err != nil {
			t.Errorf("README layout names %s, which does not exist", p)
		}
	}
	out, err := exec.Command("go", "list", "./...").Output()
	if err != nil {
		t.Fatalf("go list: %v", err)
	}
	for _, pkg := range strings.Fields(string(out)) {
		dir := strings.TrimPrefix(strings.TrimPrefix(pkg, "github.com/podreach/podreach"), "/")
		if dir != "" && !coveredBy(dir, listed) {
			t.Errorf("README layout does not name package %s (or a parent directory)", dir)
		}
	}
}

func coveredBy(dir string, listed map[string]bool) bool {
	for d := dir; d != "." && d != "/"; d = filepath.Dir(d) {
		if listed[d] {
			return true
		}
	}
	return false
}
