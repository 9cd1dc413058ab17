package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/podreach/podreach/pkg/guard"
	"github.com/podreach/podreach/pkg/load/manifest"
)

// fixed is a Source that never changes.
type fixed struct{ g *guard.Guard }

func (f fixed) Guard() *guard.Guard { return f.g }
func (f fixed) Synced() time.Time   { return time.Unix(1, 0) }

const denyAll = `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all-ingress","namespace":"linkerd"},"spec":{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}],"policyTypes":["Ingress"]}}`

func exampleServer(t *testing.T, mode guard.Mode) *httptest.Server {
	t.Helper()
	dir := "../../examples/emojivoto-linkerd/"
	c, _, err := manifest.Load(context.Background(), []string{dir + "namespaces.yaml", dir + "emojivoto.yaml", dir + "linkerd-control-plane.yaml", dir + "linkerd-viz.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	g, _, err := guard.New(c, guard.WithMode(mode))
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewTLSServer(New(fixed{g}, WithMaxRequestBytes(64<<10)).Handler())
	t.Cleanup(srv.Close)
	return srv
}

func reviewBody(version, op, object string) string {
	return `{"apiVersion":"` + version + `","kind":"AdmissionReview","request":{"uid":"u-1","kind":{"group":"networking.k8s.io","version":"v1","kind":"NetworkPolicy"},` +
		`"resource":{"group":"networking.k8s.io","version":"v1","resource":"networkpolicies"},"namespace":"linkerd","name":"deny-all-ingress",` +
		`"operation":"` + op + `","userInfo":{"username":"alice"},"object":` + object + `}}`
}

func post(t *testing.T, srv *httptest.Server, body string) (int, string) {
	t.Helper()
	resp, err := srv.Client().Post(srv.URL+"/validate", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(out)
}

func TestValidate(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		mode    guard.Mode
		body    string
		allowed bool
		warn    string // substring of the first warning; "" none
		denial  string // substring of status.message
	}{
		{name: "warn mode allows with warnings", mode: guard.ModeWarn, body: reviewBody("admission.k8s.io/v1", "CREATE", denyAll), allowed: true,
			warn: "✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)"},
		{name: "enforce mode denies with the reason", mode: guard.ModeEnforce, body: reviewBody("admission.k8s.io/v1", "CREATE", denyAll),
			warn: "linkerd-identity", denial: `mesh check "meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)" goes from ✔ to ×`},
		{name: "CONNECT is not judged", mode: guard.ModeEnforce, body: reviewBody("admission.k8s.io/v1", "CONNECT", denyAll), allowed: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, body := post(t, exampleServer(t, tc.mode), tc.body)
			if code != http.StatusOK {
				t.Fatalf("status %d: %s", code, body)
			}
			var r admissionv1.AdmissionReview
			if err := json.Unmarshal([]byte(body), &r); err != nil || r.Response == nil {
				t.Fatalf("response %s: %v", body, err)
			}
			if r.APIVersion != "admission.k8s.io/v1" || r.Kind != "AdmissionReview" || r.Response.UID != "u-1" || r.Response.Allowed != tc.allowed {
				t.Errorf("response %s", body)
			}
			if (tc.warn == "") != (len(r.Response.Warnings) == 0) || tc.warn != "" && !strings.Contains(r.Response.Warnings[0], tc.warn) {
				t.Errorf("warnings %q, want %q first", r.Response.Warnings, tc.warn)
			}
			if tc.denial != "" && (r.Response.Result == nil || r.Response.Result.Code != 403 || !strings.Contains(r.Response.Result.Message, tc.denial)) {
				t.Errorf("result %+v, want 403 with %q", r.Response.Result, tc.denial)
			}
		})
	}
}

// TestBadRequests: each bad request gets its status, and the server keeps
// answering good ones.
func TestBadRequests(t *testing.T) {
	t.Parallel()
	srv := exampleServer(t, guard.ModeWarn)
	for _, tc := range []struct {
		name, body, want string
	}{
		{"malformed JSON", `{"apiVersion":`, "decoding the AdmissionReview"},
		{"not an object", `[1,2]`, "decoding the AdmissionReview"},
		{"wrong version", reviewBody("admission.k8s.io/v1beta1", "CREATE", denyAll), "want apiVersion admission.k8s.io/v1"},
		{"no request", `{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview"}`, "without request.uid"},
		{"oversized", reviewBody("admission.k8s.io/v1", "CREATE", `{"x":"`+strings.Repeat("a", 70<<10)+`"}`), "request body over 65536 bytes"},
	} {
		code, body := post(t, srv, tc.body)
		if code != http.StatusBadRequest || !strings.Contains(body, tc.want) {
			t.Errorf("%s: %d %q, want 400 with %q", tc.name, code, body, tc.want)
		}
		if code, _ := post(t, srv, reviewBody("admission.k8s.io/v1", "CREATE", denyAll)); code != http.StatusOK {
			t.Fatalf("after %s: a good review got %d", tc.name, code)
		}
	}
	resp, err := srv.Client().Get(srv.URL + "/validate")
	if err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("GET /validate: %v %v", resp.Status, err)
	}
	resp, err = srv.Client().Post(srv.URL+"/validate", "text/plain", bytes.NewReader(nil))
	if err != nil || resp.StatusCode != http.StatusBadRequest {
		t.Errorf("text/plain: %v %v", resp.Status, err)
	}
}

func TestEndpoints(t *testing.T) {
	t.Parallel()
	srv := exampleServer(t, guard.ModeWarn)
	post(t, srv, reviewBody("admission.k8s.io/v1", "CREATE", denyAll))
	post(t, srv, `{`)
	for path, want := range map[string]string{
		"/healthz": "ok", "/readyz": "ok",
		"/metrics": `podreach_guard_decisions_total{decision="warned"} 1`,
	} {
		resp, err := srv.Client().Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(body), want) {
			t.Errorf("%s: %d, want %q in:\n%.2000s", path, resp.StatusCode, want, body)
		}
		if path == "/metrics" && !regexp.MustCompile(`\npodreach_guard_model_workloads [1-9][0-9]*\n`).Match(body) {
			t.Errorf("/metrics: no model size")
		}
		if path == "/metrics" {
			for _, m := range []string{`podreach_guard_bad_requests_total{reason="malformed"} 1`, "podreach_guard_review_duration_seconds_bucket",
				"podreach_guard_model_policies 0\n", "podreach_guard_sync_age_seconds", `podreach_guard_requests_total{kind="NetworkPolicy",operation="CREATE"} 1`} {
				if !strings.Contains(string(body), m) {
					t.Errorf("/metrics lacks %q", m)
				}
			}
		}
	}
}

func TestNotReadyBeforeSync(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(New(fixed{}).Handler())
	defer srv.Close()
	resp, err := srv.Client().Get(srv.URL + "/readyz")
	if err != nil || resp.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("/readyz before sync: %v %v", resp.Status, err)
	}
	code, body := post(t, srv, reviewBody("admission.k8s.io/v1", "CREATE", denyAll))
	if code != 200 || !strings.Contains(body, `"allowed":true`) || !strings.Contains(body, "not synced yet") {
		t.Errorf("review before sync: %d %s", code, body)
	}
}

// TestServeShutsDownGracefully: Serve answers over TLS, and returns nil
// once its context is done.
func TestServeShutsDownGracefully(t *testing.T) {
	t.Parallel()
	ts := httptest.NewUnstartedServer(nil)
	ts.StartTLS() // only for its certificate and client
	cfg := ts.TLS
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- New(fixed{}).Serve(ctx, ln, cfg, 5*time.Second) }()
	url := "https://" + ln.Addr().String() + "/healthz"
	var resp *http.Response
	for i := 0; i < 50; i++ {
		if resp, err = ts.Client().Get(url); err == nil {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("healthz: %v", err)
	}
	resp.Body.Close()
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve: %v", err)
	}
	ts.Close()
}
