// Package filetree writes small directory trees for tests: a repository
// of manifests, kustomizations and charts in a temporary directory. It is
// imported only by _test.go files.
package filetree

import (
	"os"
	"path/filepath"
	"testing"
)

// Write writes files (slash-separated path -> content) under a new
// temporary directory, which it returns; the test fails on any error.
func Write(t testing.TB, files map[string]string) string {
	t.Helper()
	root := t.TempDir()
	for p, content := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(full, []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return root
}
