package cli

import (
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// failAfter writes part of a page, then fails, as a renderer can midway.
func failAfter(w io.Writer) error {
	if _, err := io.WriteString(w, "<!doctype html>\n<html>"); err != nil {
		return err
	}
	return errors.New("injected failure")
}

// dirEntries lists a directory's names.
func dirEntries(t *testing.T, dir string) []string {
	t.Helper()
	es, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range es {
		names = append(names, e.Name())
	}
	return names
}

// TestWriteOut: a file output is replaced whole on success and left as it
// was on failure (absent, or with its previous content and mode), with no
// temporary file left behind.
func TestWriteOut(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		previous string // "" : no file before
		write    func(io.Writer) error
		wantErr  bool
		want     string // the file's content after; "" : absent
	}{
		{"new file, success", "", func(w io.Writer) error { _, err := io.WriteString(w, "page"); return err }, false, "page"},
		{"new file, failure leaves nothing", "", failAfter, true, ""},
		{"existing file, success replaces it", "old page", func(w io.Writer) error { _, err := io.WriteString(w, "page"); return err }, false, "page"},
		{"existing file, failure keeps it", "old page", failAfter, true, "old page"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			path := filepath.Join(dir, "report.html")
			if tt.previous != "" {
				if err := os.WriteFile(path, []byte(tt.previous), 0o640); err != nil {
					t.Fatal(err)
				}
			}
			err := writeOut("--out", path, tt.write)
			if (err != nil) != tt.wantErr {
				t.Fatalf("writeOut: %v, want error %v", err, tt.wantErr)
			}
			got, rerr := os.ReadFile(path)
			switch {
			case tt.want == "" && !errors.Is(rerr, fs.ErrNotExist):
				t.Errorf("%s exists after a failed write: %q", path, got)
			case tt.want != "" && string(got) != tt.want:
				t.Errorf("content %q, want %q (%v)", got, tt.want, rerr)
			}
			if names := dirEntries(t, dir); len(names) > 1 || len(names) == 1 && names[0] != "report.html" {
				t.Errorf("directory holds %q, want only report.html", names)
			}
			if fi, err := os.Stat(path); err == nil && tt.previous != "" && fi.Mode().Perm() != 0o640 {
				t.Errorf("mode %v, want the previous 0640", fi.Mode().Perm())
			}
		})
	}
}

// TestWriteOutNotRegular: a directory (or device) given as the output is
// an input error, and nothing is created beside it.
func TestWriteOutNotRegular(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	err := writeOut("--out", dir, func(io.Writer) error { return nil })
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != ExitInput {
		t.Fatalf("writeOut(a directory) = %v, want an input error", err)
	}
	if names := dirEntries(t, filepath.Dir(dir)); len(names) != 1 {
		t.Errorf("beside the directory: %q", names)
	}
}
