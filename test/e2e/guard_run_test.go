package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
)

const denyAllFile = exampleDir + "deny-all-ingress.yaml"

// brokenFlows are the check lines deny-all-ingress in linkerd breaks.
var brokenFlows = []string{
	"✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 9/12 sources blocked by linkerd/deny-all-ingress",
	"✔→× meshed pods can reach linkerd-destination (destination gRPC, 8086/TCP): 9/12 sources blocked by linkerd/deny-all-ingress",
	"✔→× meshed pods can reach linkerd-destination (policy gRPC, 8090/TCP): 9/12 sources blocked by linkerd/deny-all-ingress",
	"✔→× viz prometheus can scrape the proxy metrics of meshed pods (4191/TCP): 1/1 sources blocked by linkerd/deny-all-ingress",
}

func wantWarnings(t *testing.T, got []string) {
	t.Helper()
	if len(got) != len(brokenFlows)+1 {
		t.Fatalf("%d warnings, want %d:\n%s", len(got), len(brokenFlows)+1, strings.Join(got, "\n"))
	}
	for i, w := range brokenFlows {
		if !strings.HasPrefix(got[i], w+"; see: podreach explain --context e2e --live -f FILE --from ") || len(got[i]) > 256 || strings.Contains(got[i], "…") {
			t.Errorf("warning %d:\n%s\nwant it to start with\n%s", i, got[i], w)
		}
	}
	if !strings.HasPrefix(got[len(got)-1], "podreach: this change removes ") {
		t.Errorf("last warning %q", got[len(got)-1])
	}
}

// TestGuardAgainstAPIServer: the guard, registered as a validating webhook
// of a real kube-apiserver, warns when the example's deny-all-ingress is
// applied through client-go, refuses it in enforce mode, lets a harmless
// policy through silently, and answers a bounded load without losing a
// request.
func TestGuardAgainstAPIServer(t *testing.T) {
	e := newGuardEnv(t)
	stop := e.startGuard(t)
	e.register(t)
	denyAll := policyObject(t, denyAllFile, "linkerd", "deny-all-ingress")

	// dryRun is answered the same way (and changes nothing).
	w := e.untilWarned(t, denyAll)
	wantWarnings(t, w)
	t.Logf("kubectl apply --dry-run=server -f deny-all-ingress.yaml (warn):\n  Warning: %s", strings.Join(w, "\n  Warning: "))

	w, err := e.apply(denyAll, false)
	if err != nil {
		t.Fatalf("warn mode refused: %v", err)
	}
	wantWarnings(t, w)
	t.Logf("kubectl apply -f deny-all-ingress.yaml (warn): created, with\n  Warning: %s", strings.Join(w, "\n  Warning: "))
	if w := e.deletePolicy(t, "linkerd", "deny-all-ingress"); len(w) != 0 {
		t.Errorf("deleting deny-all-ingress warned: %q", w)
	}

	harmless := policyObject(t, "../../pkg/guard/testdata/allow-all-emojivoto.yaml", "emojivoto", "allow-all")
	if w, err := e.apply(harmless, false); err != nil || len(w) != 0 {
		t.Errorf("harmless policy: %v, warnings %q", err, w)
	}

	e.loadTest(t, 10, 10*time.Second)

	code, logs := stop()
	if code != 0 {
		t.Fatalf("guard exit code %d after SIGTERM-like cancel:\n%s", code, logs)
	}
	if !strings.Contains(logs, `"msg":"shutting down"`) || !strings.Contains(logs, `"decision":"warned"`) {
		t.Errorf("logs lack the shutdown or the decisions:\n%.3000s", logs)
	}

	stop = e.startGuard(t, "--mode", "enforce")
	defer stop()
	w, err = e.apply(denyAll, false)
	if !apierrors.IsForbidden(err) || !strings.Contains(err.Error(), `mesh check "meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)" goes from ✔ to ×`) {
		t.Fatalf("enforce mode: error %v, want Forbidden with the reason", err)
	}
	wantWarnings(t, w)
	t.Logf("kubectl apply -f deny-all-ingress.yaml (enforce): refused:\n  %v", err)
}

// loadTest posts the deny-all-ingress AdmissionReview from clients
// goroutines for d and reports throughput and latency; every request must
// be answered 200 with its uid.
func (e *guardEnv) loadTest(t *testing.T, clients int, d time.Duration) {
	t.Helper()
	obj, err := json.Marshal(policyObject(t, denyAllFile, "linkerd", "deny-all-ingress").Object)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	var mu sync.Mutex
	var lat []time.Duration
	var failures []string
	end := time.Now().Add(d)
	var wg sync.WaitGroup
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; time.Now().Before(end); n++ {
				uid := fmt.Sprintf("load-%d-%d", i, n)
				begin := time.Now()
				err := postReview(c, "https://"+e.addr+"/validate", uid, obj)
				took := time.Since(begin)
				mu.Lock()
				lat = append(lat, took)
				if err != nil {
					failures = append(failures, err.Error())
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed; first: %s", len(failures), len(lat), failures[0])
	}
	slices.Sort(lat)
	q := func(p float64) time.Duration { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
	t.Logf("load: %d clients × %s on loopback: %d reviews, %.1f/s, p50 %s, p99 %s, max %s, lost %d",
		clients, d, len(lat), float64(len(lat))/d.Seconds(), q(0.5).Round(time.Microsecond), q(0.99).Round(time.Microsecond),
		lat[len(lat)-1].Round(time.Microsecond), len(failures))
}

func postReview(c *http.Client, url, uid string, obj []byte) error {
	body := fmt.Sprintf(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":%q,`+
		`"kind":{"group":"networking.k8s.io","version":"v1","kind":"NetworkPolicy"},"resource":{"group":"networking.k8s.io","version":"v1","resource":"networkpolicies"},`+
		`"namespace":"linkerd","name":"deny-all-ingress","operation":"CREATE","userInfo":{"username":"load"},"object":%s}}`, uid, obj)
	resp, err := c.Post(url, "application/json", bytes.NewReader([]byte(body)))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	var r admissionv1.AdmissionReview
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil || resp.StatusCode != 200 || r.Response == nil || string(r.Response.UID) != uid || len(r.Response.Warnings) == 0 {
		return fmt.Errorf("%s: status %d, decode %v, response %+v", uid, resp.StatusCode, err, r.Response)
	}
	return nil
}

// TestGuardRecoversFromAPIServerRestart: kube-apiserver killed and started
// again under the guard's informers; a policy created afterwards reaches
// the guard's model (its reflectors listed and watched again).
func TestGuardRecoversFromAPIServerRestart(t *testing.T) {
	e := newGuardEnv(t)
	stop := e.startGuard(t)
	obj, err := json.Marshal(policyObject(t, denyAllFile, "linkerd", "deny-all-ingress").Object)
	if err != nil {
		t.Fatal(err)
	}
	c := e.client()
	if err := postReview(c, "https://"+e.addr+"/validate", "before", obj); err != nil {
		t.Fatalf("before the restart: %v", err)
	}
	if err := e.restartAPIServer(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.apply(policyObject(t, denyAllFile, "linkerd", "deny-all-ingress"), false); err != nil {
		t.Fatal(err)
	}
	// Once the model holds the policy, the same review changes nothing:
	// no warnings (postReview then reports an error).
	deadline := time.Now().Add(60 * time.Second)
	for postReview(c, "https://"+e.addr+"/validate", "after", obj) == nil {
		if time.Now().After(deadline) {
			_, logs := stop()
			t.Fatalf("the guard never saw the policy created after the restart:\n%.4000s", logs)
		}
		time.Sleep(200 * time.Millisecond)
	}
	if code, logs := stop(); code != 0 || !strings.Contains(logs, "watch ended with error") {
		t.Errorf("exit %d; the logs do not show the watch errors:\n%.3000s", code, logs)
	}
}

// restartAPIServer kills kube-apiserver and starts it again with the same
// arguments, then waits until it is ready.
func (e *guardEnv) restartAPIServer() error {
	old := e.srv.api
	e.srv.killAPIServer()
	old.Wait()
	e.srv.api = command(old.Path, filepath.Join(e.dir, "apiserver-2.log"), old.Args[1:]...)
	if err := e.srv.api.Start(); err != nil {
		return err
	}
	return waitHTTP(e.srv.httpClient(), e.srv.host+"/readyz", "admin-token", 90*time.Second)
}
