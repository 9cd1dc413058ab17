//go:build unix

package manifest

import (
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// specialTree is a directory holding a regular manifest and, named like
// manifests, a FIFO, a socket, and symbolic links to /dev/zero, to a
// FIFO and to the regular file.
func specialTree(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	write(t, filepath.Join(dir, "a.yaml"), configMap)
	if err := syscall.Mkfifo(filepath.Join(dir, "fifo.yaml"), 0o600); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("unix", filepath.Join(dir, "sock.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	for link, target := range map[string]string{
		"zero.yaml": "/dev/zero", "tofifo.yaml": filepath.Join(dir, "fifo.yaml"), "toa.yml": filepath.Join(dir, "a.yaml"),
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// loadQuickly is Load, failing the test if it takes more than 10 s (a
// FIFO read would block forever).
func loadQuickly(t *testing.T, sources []string, opts ...Option) []string {
	t.Helper()
	done := make(chan []string, 1)
	go func() {
		c, diags, err := Load(context.Background(), sources, opts...)
		checkResult(t, c, diags, err)
		done <- diagStrings(diags)
	}()
	select {
	case got := <-done:
		return got
	case <-time.After(10 * time.Second):
		t.Fatal("Load blocked")
		return nil
	}
}

func TestWalkSkipsSpecialFiles(t *testing.T) {
	t.Parallel()
	dir := specialTree(t)
	got := loadQuickly(t, []string{dir})
	want := []string{
		"notice: " + dir + "/fifo.yaml: skipped: not a regular file but a named pipe (FIFO)",
		"notice: " + dir + "/sock.yaml: skipped: not a regular file but a socket",
		"notice: " + dir + "/toa.yml:1: ConfigMap shop/ok: replaces the definition at " + dir + "/a.yaml:1",
		"notice: " + dir + "/tofifo.yaml: skipped: not a regular file but a named pipe (FIFO)",
		"notice: " + dir + "/zero.yaml: skipped: not a regular file but a character device",
		"notice: namespace used but not declared, assumed with only the kubernetes.io/metadata.name label: shop",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestNamedSpecialFileIsError(t *testing.T) {
	t.Parallel()
	dir := specialTree(t)
	for _, tt := range []struct{ path, what string }{
		{"/dev/urandom", "a character device"},
		{filepath.Join(dir, "fifo.yaml"), "a named pipe (FIFO)"},
		{filepath.Join(dir, "zero.yaml"), "a character device"},
		{filepath.Join(dir, "sock.yaml"), "a socket"},
	} {
		t.Run(tt.path, func(t *testing.T) {
			got := loadQuickly(t, []string{tt.path})
			want := []string{"error: " + tt.path + ": not a regular file but " + tt.what + "; podreach reads files, directories and - (standard input)"}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// TestOpenRechecksType replaces a regular file by a FIFO between the
// check on the path and the open: the descriptor's type decides.
func TestOpenRechecksType(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "x.yaml")
	if err := syscall.Mkfifo(path, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, _, err := checkOpened(f); err == nil || !strings.Contains(err.Error(), "named pipe") {
		t.Errorf("checkOpened(FIFO) = %v, want a not-regular error", err)
	}
}
