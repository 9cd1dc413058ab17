package lab

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"syscall"

	"golang.org/x/sys/unix"
)

// netnsDir is where `ip netns` keeps its named namespaces.
const netnsDir = "/run/netns/"

// netns is an open handle on a named network namespace.
type netns struct {
	name string
	f    *os.File
}

func openNetns(name string) (*netns, error) {
	f, err := os.Open(netnsDir + name)
	if err != nil {
		return nil, fmt.Errorf("opening network namespace %s: %w", name, err)
	}
	return &netns{name: name, f: f}, nil
}

func (n *netns) close() {
	if n != nil && n.f != nil {
		n.f.Close()
	}
}

// homeNetns opens the network namespace the process's threads live in, to
// switch back to after work in a lab namespace.
func homeNetns() (*netns, error) {
	type result struct {
		f   *os.File
		err error
	}
	ch := make(chan result, 1)
	go func() {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		f, err := os.Open("/proc/thread-self/ns/net")
		ch <- result{f, err}
	}()
	r := <-ch
	if r.err != nil {
		return nil, fmt.Errorf("opening the host network namespace: %w", r.err)
	}
	return &netns{name: "host", f: r.f}, nil
}

func setns(f *os.File) error {
	if _, _, e := syscall.RawSyscall(unix.SYS_SETNS, f.Fd(), unix.CLONE_NEWNET, 0); e != 0 {
		return e
	}
	return nil
}

// inNetns runs fn on an OS thread switched into target, and switches the
// thread back to home afterwards. Sockets fn creates stay in target. The
// work runs on its own goroutine: if the thread cannot be switched back, the
// goroutine exits still locked, and the runtime retires the thread instead of
// reusing it in the wrong namespace.
func inNetns(home, target *netns, fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := setns(target.f); err != nil {
			runtime.UnlockOSThread()
			errc <- fmt.Errorf("entering network namespace %s: %w", target.name, err)
			return
		}
		var err error
		func() {
			defer func() {
				if p := recover(); p != nil {
					err = fmt.Errorf("in network namespace %s: panic: %v", target.name, p)
				}
			}()
			err = fn()
		}()
		if rerr := setns(home.f); rerr != nil {
			errc <- errors.Join(err, fmt.Errorf("leaving network namespace %s: %w", target.name, rerr))
			return // the thread stays locked and dies with this goroutine
		}
		runtime.UnlockOSThread()
		errc <- err
	}()
	return <-errc
}

// execIn runs a command inside target (the child inherits the namespace of
// the thread that forks it) with stdin, and returns its combined output in
// the error when it fails.
func execIn(ctx context.Context, home, target *netns, stdin string, name string, args ...string) error {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Stdin = strings.NewReader(stdin)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := inNetns(home, target, cmd.Start); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	if err := cmd.Wait(); err != nil {
		return fmt.Errorf("%s %s in %s: %w: %s", name, strings.Join(args, " "), target.name, err, strings.TrimSpace(out.String()))
	}
	return nil
}

// ipBatch runs `ip [-n ns] -batch -` with one command per line; force
// carries on after a failed line (for teardown).
func ipBatch(ctx context.Context, ns string, force bool, lines []string) error {
	return batch(ctx, "ip", ns, force, lines)
}

// batch runs an iproute2 tool (ip, bridge) in batch mode.
func batch(ctx context.Context, tool, ns string, force bool, lines []string) error {
	if len(lines) == 0 {
		return nil
	}
	args := []string{"-batch", "-"}
	if force {
		args = append([]string{"-force"}, args...)
	}
	if ns != "" {
		args = append([]string{"-n", ns}, args...)
	}
	cmd := exec.CommandContext(ctx, tool, args...)
	cmd.Stdin = strings.NewReader(strings.Join(lines, "\n") + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil {
		where := "the host"
		if ns != "" {
			where = ns
		}
		return fmt.Errorf("%s -batch in %s: %w: %s", tool, where, err, strings.TrimSpace(string(out)))
	}
	return nil
}
