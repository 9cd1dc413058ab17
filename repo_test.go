package podreach_test

import (
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestPackageDocs: every package has a package comment saying what it owns.
func TestPackageDocs(t *testing.T) {
	for _, dir := range packageDirs(t) {
		entries, err := os.ReadDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		documented, hasCode := false, false
		for _, e := range entries {
			if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
				continue
			}
			hasCode = true
			f, err := parser.ParseFile(token.NewFileSet(), filepath.Join(dir, e.Name()), nil, parser.ParseComments|parser.PackageClauseOnly)
			if err != nil {
				t.Fatal(err)
			}
			if f.Doc != nil && len(strings.TrimSpace(f.Doc.Text())) > 20 {
				documented = true
			}
		}
		if hasCode && !documented {
			t.Errorf("package in %s has no package comment", dir)
		}
	}
}

// TestDependencyDirection: library packages under pkg/ must not import
// client-go, cobra or net/http themselves (only pkg/load/live may use
// client-go), and must not pull client-go or cobra in transitively.
// (k8s.io/api itself reaches net/http, so only direct imports are checked
// for it.)
func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-f", "{{.ImportPath}} {{join .Imports \",\"}} {{join .Deps \",\"}}", "./pkg/...").Output()
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		pkg := f[0]
		if strings.HasPrefix(pkg, "github.com/podreach/podreach/pkg/load/live") {
			continue
		}
		imports, deps := field(f, 1), field(f, 2)
		for _, d := range imports {
			if d == "net/http" {
				t.Errorf("%s imports net/http", pkg)
			}
		}
		for _, d := range deps {
			for _, banned := range []string{"k8s.io/client-go", "github.com/spf13/cobra"} {
				if d == banned || strings.HasPrefix(d, banned+"/") {
					t.Errorf("%s depends on %s (library packages must not)", pkg, d)
				}
			}
		}
	}
}

func field(f []string, i int) []string {
	if i >= len(f) {
		return nil
	}
	return strings.Split(f[i], ",")
}

func packageDirs(t *testing.T) []string {
	var dirs []string
	err := filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata" || d.Name() == "examples") {
			return filepath.SkipDir
		}
		if !d.IsDir() && strings.HasSuffix(path, ".go") && !strings.HasSuffix(path, "_test.go") {
			dir := filepath.Dir(path)
			if len(dirs) == 0 || dirs[len(dirs)-1] != dir {
				dirs = append(dirs, dir)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dirs
}
