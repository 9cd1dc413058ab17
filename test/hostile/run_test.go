package hostile

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// binary is the podreach command built once by TestMain.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "podreach-hostile-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	binary = filepath.Join(dir, "podreach")
	build := exec.Command("go", "build", "-o", binary, "../../cmd/podreach")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building podreach:", err)
		os.Exit(2)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// Limits of one run: enough for every corpus input many times over, and
// far below what the inputs that used to exhaust the machine asked for.
const (
	runTimeout  = 60 * time.Second
	memoryLimit = 4 << 30 // bytes of address space (ulimit -v)
)

// result is one finished run.
type result struct {
	args           []string
	stdout, stderr []byte
	code           int
	maxRSS         int64 // bytes
}

func (r result) String() string {
	return fmt.Sprintf("podreach %s: exit %d\nstderr:\n%s", strings.Join(r.args, " "), r.code, clip(r.stderr))
}

// podreach runs the binary with args under the time and memory limits,
// without a kubeconfig (no run may reach for a cluster), in dir.
func podreach(t *testing.T, dir string, stdin []byte, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), runTimeout)
	defer cancel()
	shell := fmt.Sprintf(`ulimit -v %d && exec "$0" "$@"`, memoryLimit/1024)
	cmd := exec.CommandContext(ctx, "sh", append([]string{"-c", shell, binary}, args...)...)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "KUBECONFIG=/nonexistent/kubeconfig", "NO_COLOR=", "TERM=xterm-256color")
	cmd.Stdin = bytes.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	r := result{args: args, stdout: out.Bytes(), stderr: errOut.Bytes()}
	if cmd.ProcessState != nil {
		if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
			r.maxRSS = ru.Maxrss * 1024
		}
	}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		t.Fatalf("podreach %s: still running after %v (killed)", strings.Join(args, " "), runTimeout)
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("podreach %s: %v", strings.Join(args, " "), err)
	}
	crashed(t, r)
	return r
}

// crashed fails the test when a run died instead of answering: a Go panic,
// a runtime fatal error (out of memory among them) or a signal.
func crashed(t *testing.T, r result) {
	t.Helper()
	for _, sign := range []string{"panic:", "fatal error:", "goroutine ", "runtime: out of memory", "SIGSEGV"} {
		if bytes.Contains(r.stderr, []byte(sign)) {
			t.Fatalf("crashed (%q): %s", sign, r)
		}
	}
	if r.code < 0 || r.code > 3 {
		t.Fatalf("exit code %d is not one podreach documents: %s", r.code, r)
	}
}

// clip shortens what a failure message quotes.
func clip(b []byte) string {
	const max = 2000
	if len(b) > max {
		return string(b[:max]) + fmt.Sprintf("… (%d bytes)", len(b))
	}
	return string(b)
}
