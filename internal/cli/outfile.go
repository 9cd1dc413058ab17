package cli

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// outFile is a file output written whole or not at all: the bytes go to a
// temporary file in the target's directory (so that the final rename stays
// on one file system and is atomic), which replaces the target only when
// every write and the close succeeded. On failure the target is left as it
// was (absent, or with its previous content) and the temporary file is
// removed.
type outFile struct {
	path string
	tmp  *os.File
}

// createOut starts writing path.
func createOut(path string) (*outFile, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file", path)
	}
	tmp, err := os.CreateTemp(dir, "."+base+".*.tmp")
	if err != nil {
		return nil, err
	}
	return &outFile{path: path, tmp: tmp}, nil
}

func (o *outFile) Write(p []byte) (int, error) { return o.tmp.Write(p) }

// commit closes the temporary file and renames it over the target, with
// the target's mode when it exists (0644 otherwise; a temporary file is
// created 0600).
func (o *outFile) commit() error {
	mode := fs.FileMode(0o644)
	if fi, err := os.Stat(o.path); err == nil {
		mode = fi.Mode().Perm()
	}
	err := o.tmp.Chmod(mode)
	if cerr := o.tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(o.tmp.Name(), o.path)
	}
	if err != nil {
		os.Remove(o.tmp.Name())
		return err
	}
	return nil
}

// abort drops what was written.
func (o *outFile) abort() {
	o.tmp.Close()
	os.Remove(o.tmp.Name())
}

// writeOut writes path with write, atomically (see outFile); errors name
// the flag that gave the path. A path that cannot be created is an input
// error (exit 2).
func writeOut(flag, path string, write func(io.Writer) error) error {
	o, err := createOut(path)
	if err != nil {
		return inputError(fmt.Errorf("%s: %w", flag, err))
	}
	if err := write(o); err != nil {
		o.abort()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := o.commit(); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return nil
}
