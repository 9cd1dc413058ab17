// Package golden compares test output with files under testdata/ and
// rewrites them when tests run with -update. It is imported only by tests.
package golden

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// update is registered on the test binary's flag set by every test package
// that imports this one ("go test ./... -update").
var update = flag.Bool("update", false, "rewrite golden files with the current output")

// Assert compares got with testdata/<name> (or rewrites it with -update),
// failing with a line diff that names the first differing line.
func Assert(t testing.TB, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("reading golden file (run with -update to create it): %v", err)
	}
	if string(want) == string(got) {
		return
	}
	t.Errorf("output differs from %s (run go test -update to accept):\n%s", path, diff(string(want), string(got)))
}

func diff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want: %s\n  got:  %s\n", i+1, wl, gl)
			if b.Len() > 4000 {
				b.WriteString("  …\n")
				break
			}
		}
	}
	return b.String()
}
