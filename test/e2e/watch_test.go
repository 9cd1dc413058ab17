package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/cli"
)

// lineBuffer is an io.Writer tests read lines from while a command writes.
type lineBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lineBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lineBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// waitFor polls out until re matches one of its lines, and returns it.
func waitFor(t *testing.T, out *lineBuffer, re *regexp.Regexp, timeout time.Duration) string {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		for _, l := range strings.Split(out.String(), "\n") {
			if re.MatchString(l) {
				return l
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("no line matching %s within %s in:\n%.6000s", re, timeout, out)
	return ""
}

// startWatch runs `podreach watch` in-process; stop cancels it (as ^C
// does) and returns its exit code and stderr.
func (e *guardEnv) startWatch(args ...string) (out *lineBuffer, stop func() (int, string)) {
	out, errOut := &lineBuffer{}, &lineBuffer{}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	args = append([]string{"watch", "--kubeconfig", e.admin, "--rebuild-interval", "100ms"}, args...)
	go func() {
		done <- cli.Run(ctx, "podreach", args, cli.Streams{In: strings.NewReader(""), Out: out, ErrOut: errOut})
	}()
	return out, func() (int, string) {
		cancel()
		return <-done, errOut.String()
	}
}

// once runs `podreach watch --once` and returns its exit code and output.
func (e *guardEnv) once(args ...string) (int, string, string) { return onceWith(e.admin, args...) }

func onceWith(kubeconfig string, args ...string) (int, string, string) {
	var out, errOut bytes.Buffer
	if !slices.Contains(args, "--settle") {
		args = append(args, "--settle", "500ms")
	}
	args = append([]string{"watch", "--once", "--kubeconfig", kubeconfig, "--rebuild-interval", "100ms"}, args...)
	code := cli.Run(context.Background(), "podreach", args, cli.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return code, out.String(), errOut.String()
}

const stamp = `^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(Z|[+-]\d\d:\d\d) `

var (
	identityBroken   = regexp.MustCompile(stamp + regexp.QuoteMeta("× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 9/12 sources blocked (by linkerd/deny-all-ingress)") + "$")
	identityReturned = regexp.MustCompile(stamp + regexp.QuoteMeta("✔ meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP) again") + "$")
)

// TestWatchAgainstAPIServer: podreach watch, on a real kube-apiserver,
// prints the whole check after the first list, a × line when the
// example's deny-all-ingress is created through client-go and a ✔ … again
// line when it is deleted; --once exits 1 while it is there and 0 after,
// and -o json says the same as JSON lines.
func TestWatchAgainstAPIServer(t *testing.T) {
	e := newGuardEnv(t)
	out, stop := e.startWatch()
	jsonOut, stopJSON := e.startWatch("-o", "json")
	waitFor(t, out, regexp.MustCompile(`^Status check results are ✔$`), 60*time.Second)
	if first := strings.SplitN(out.String(), "\n", 2)[0]; !regexp.MustCompile(stamp + `mesh check of the cluster \(12 workloads, 0 policies\):$`).MatchString(first) {
		t.Errorf("first line %q", first)
	}
	if code, o, errs := e.once(); code != 0 || !strings.HasSuffix(o, "Status check results are ✔\n") {
		t.Errorf("--once on the passing cluster: exit %d\n%s\n%s", code, o, errs)
	}

	denyAll := policyObject(t, denyAllFile, "linkerd", "deny-all-ingress")
	if _, err := e.apply(denyAll, false); err != nil {
		t.Fatal(err)
	}
	broke := waitFor(t, out, identityBroken, 30*time.Second)
	t.Logf("after creating linkerd/deny-all-ingress:\n%s", changeLines(out.String()))
	code, o, errs := e.once()
	if code != 1 || !strings.Contains(o, "× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)\n") || !strings.HasSuffix(o, "Status check results are ×\n") {
		t.Errorf("--once with deny-all-ingress: exit %d, want 1\n%s\n%s", code, o, errs)
	}

	e.deletePolicy(t, "linkerd", "deny-all-ingress")
	back := waitFor(t, out, identityReturned, 30*time.Second)
	if back < broke[:len("2006-01-02T15:04:05Z")] {
		t.Errorf("✔ line %q is stamped before the × line %q", back, broke)
	}
	t.Logf("after deleting it:\n%s", changeLines(out.String()))
	if code, o, errs := e.once(); code != 0 {
		t.Errorf("--once after deleting deny-all-ingress: exit %d, want 0\n%s\n%s", code, o, errs)
	}

	if code, errs := stop(); code != 0 {
		t.Errorf("watch exit %d after ^C:\n%s", code, errs)
	}
	if code, errs := stopJSON(); code != 0 {
		t.Errorf("watch -o json exit %d:\n%s", code, errs)
	}
	wantJSONEvents(t, jsonOut.String())
}

// changeLines drops the whole check the output starts with.
func changeLines(s string) string {
	_, rest, _ := strings.Cut(s, "Status check results are ✔\n")
	return rest
}

// wantJSONEvents: a check line, then the identity line's change to error
// and back, every line one JSON object.
func wantJSONEvents(t *testing.T, out string) {
	t.Helper()
	var seq []string
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		var ev struct {
			Time   time.Time `json:"time"`
			Event  string    `json:"event"`
			Status string    `json:"status"`
			Change *struct {
				ID, Before, After string
				Policies          []string `json:"blockingPolicies"`
			} `json:"change"`
		}
		if err := json.Unmarshal([]byte(l), &ev); err != nil || ev.Time.IsZero() {
			t.Fatalf("line %d is not a watch event (%v): %s", i, err, l)
		}
		switch {
		case ev.Event == "check":
			seq = append(seq, "check "+ev.Status)
		case ev.Event == "change" && ev.Change.ID == "proxy-to-identity":
			seq = append(seq, ev.Change.Before+"→"+ev.Change.After+" "+strings.Join(ev.Change.Policies, ","))
		}
	}
	want := []string{"check success", "success→error linkerd/deny-all-ingress", "error→success "}
	if strings.Join(seq, "\n") != strings.Join(want, "\n") {
		t.Errorf("JSON events:\n%s\nwant\n%s\n\n%.4000s", strings.Join(seq, "\n"), strings.Join(want, "\n"), out)
	}
}

// TestWatchOnceTimeout: --once gives up with exit 2 and says what it was
// waiting for: a cluster that does not settle in time, and a server that
// does not answer.
func TestWatchOnceTimeout(t *testing.T) {
	e := newGuardEnv(t)
	code, _, errs := e.once("--settle", "30s", "--timeout", "3s")
	if code != 2 || !strings.Contains(errs, "no verdict within --timeout 3s: still waiting for the cluster to stop changing for 30s") {
		t.Errorf("settle longer than timeout: exit %d, want 2:\n%s", code, errs)
	}
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	kc, err := os.ReadFile(e.admin)
	if err != nil {
		t.Fatal(err)
	}
	dead := e.dir + "/kubeconfig-dead"
	if err := os.WriteFile(dead, []byte(strings.Replace(string(kc), e.srv.host, "https://127.0.0.1:"+strconv.Itoa(ports[0]), 1)), 0o600); err != nil {
		t.Fatal(err)
	}
	code, _, errs = onceWith(dead, "--timeout", "2s")
	if code != 2 || !strings.Contains(errs, "no verdict within --timeout 2s: still waiting for the first full list of the cluster") {
		t.Errorf("unreachable server: exit %d, want 2:\n%s", code, errs)
	}
}
