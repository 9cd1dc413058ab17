package e2e_test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/podreach/podreach/internal/lab"
)

// onReady is a slog handler that calls fn when the lab reports it is ready
// (set up, about to probe).
type onReady struct{ fn func() }

func (h onReady) Enabled(context.Context, slog.Level) bool { return true }
func (h onReady) Handle(_ context.Context, r slog.Record) error {
	if r.Message == "lab ready" {
		h.fn()
	}
	return nil
}
func (h onReady) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h onReady) WithGroup(string) slog.Handler      { return h }

// ours lists the lab namespaces of process pid.
func ours(t *testing.T, pid int) []string {
	t.Helper()
	entries, err := os.ReadDir("/run/netns")
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), fmt.Sprintf("%s%d-", lab.Prefix, pid)) {
			out = append(out, e.Name())
		}
	}
	return out
}

// TestInterrupted: Ctrl-C (a cancelled context) while probing tears the lab
// down and reports the interruption.
func TestInterrupted(t *testing.T) {
	requireLab(t)
	c := loadExample(t, broken)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	_, err := lab.Run(ctx, c, lab.WithLogger(slog.New(onReady{cancel})), lab.WithParallel(1))
	if err == nil || !strings.Contains(err.Error(), "context canceled") {
		t.Fatalf("Run = %v, want context canceled", err)
	}
	if left := ours(t, os.Getpid()); len(left) > 0 {
		t.Errorf("left behind: %v", left)
	}
}

// runToBeKilled is the child of TestKilledRun: it builds the lab, says
// READY, and waits to be killed.
func runToBeKilled() {
	ready := func() {
		fmt.Println("READY")
		select {}
	}
	c, err := loadCluster(broken)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return
	}
	_, err = lab.Run(context.Background(), c, lab.WithLogger(slog.New(onReady{ready})))
	fmt.Fprintln(os.Stderr, "lab.Run returned:", err)
}

// TestKilledRun: a run killed with SIGKILL leaves its namespaces, and the
// next run (Cleanup) removes them.
func TestKilledRun(t *testing.T) {
	requireLab(t)
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "PRLAB_E2E_KILLME=1")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "READY\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q, want READY", line)
	}
	left := ours(t, cmd.Process.Pid)
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	go io.Copy(io.Discard, out)
	if len(left) < 2 {
		t.Fatalf("the killed run had %d namespaces, want its bridge and pods", len(left))
	}
	removed, err := lab.Cleanup(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if still := ours(t, cmd.Process.Pid); len(still) > 0 {
		t.Errorf("Cleanup left %v (removed %v)", still, removed)
	}
	if len(removed) < len(left) {
		t.Errorf("Cleanup removed %d namespaces, want at least the killed run's %d", len(removed), len(left))
	}
}

// TestEnvErrors: not root, no nft, no ip: exit 2 with exactly what is
// missing.
func TestEnvErrors(t *testing.T) {
	requireLab(t)
	bin, err := os.MkdirTemp("", "prlab-e2e-bin-") // t.TempDir's parents are not searchable by nobody
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(bin) })
	os.Chmod(bin, 0o755)
	self := filepath.Join(bin, "e2e.test")
	data, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(self, data, 0o755); err != nil {
		t.Fatal(err)
	}
	ipOnly := t.TempDir()
	ipPath, _ := exec.LookPath("ip")
	os.Symlink(ipPath, filepath.Join(ipOnly, "ip"))
	for _, tt := range []struct {
		name, path string
		uid        uint32
		want       string
	}{
		{"not root", os.Getenv("PATH"), 65534, "podreach: cannot run the lab: not running as root (the lab creates network namespaces and nftables rules: run it as root, e.g. with sudo)"},
		{"no nft", ipOnly, 0, "podreach: cannot run the lab: no nft command (install nftables, e.g. apt-get install nftables)"},
		{"no ip", t.TempDir(), 0, "podreach: cannot run the lab: no ip command (install iproute2, e.g. apt-get install iproute2)"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(self, "lab", "-f", broken[0])
			cmd.Env = []string{"PRLAB_E2E_CLI=1", "PATH=" + tt.path}
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: tt.uid, Gid: tt.uid}}
			out, err := cmd.CombinedOutput()
			var ee *exec.ExitError
			if !errors.As(err, &ee) || ee.ExitCode() != 2 {
				t.Fatalf("exit: %v, want 2; output:\n%s", err, out)
			}
			if got := strings.TrimSpace(string(out)); got != tt.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}
