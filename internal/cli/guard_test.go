package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	admissionv1 "k8s.io/api/admission/v1"

	"github.com/podreach/podreach/internal/webhook"
)

// servingCerts writes a serving pair for 127.0.0.1 as tls.crt and tls.key
// into a new directory.
func servingCerts(t *testing.T) (string, webhook.Certs) {
	t.Helper()
	dir := t.TempDir()
	certs, err := webhook.NewCerts([]string{"127.0.0.1"}, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"tls.crt": certs.Cert, "tls.key": certs.Key} {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir, certs
}

// TestGuardFromManifests: guard -f serves the judgement of the manifests:
// the example without its deny-all-ingress warns of the flows that
// deny-all-ingress breaks, and a cancelled context shuts it down (exit 0).
func TestGuardFromManifests(t *testing.T) {
	dir, certs := servingCerts(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	ex := "../../examples/emojivoto-linkerd/"
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	var logs bytes.Buffer
	go func() {
		done <- Run(ctx, "podreach", []string{"guard", "-f", ex + "namespaces.yaml", "-f", ex + "emojivoto.yaml", "-f", ex + "linkerd-control-plane.yaml",
			"-f", ex + "linkerd-viz.yaml", "--listen", addr, "--tls-cert-file", filepath.Join(dir, "tls.crt"), "--tls-key-file", filepath.Join(dir, "tls.key")},
			Streams{In: strings.NewReader(""), Out: &logs, ErrOut: &logs})
	}()
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(certs.CA)
	client := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	obj := `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all-ingress","namespace":"linkerd"},"spec":{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}],"policyTypes":["Ingress"]}}`
	body := fmt.Sprintf(`{"apiVersion":"admission.k8s.io/v1","kind":"AdmissionReview","request":{"uid":"u","kind":{"group":"networking.k8s.io","version":"v1","kind":"NetworkPolicy"},"namespace":"linkerd","name":"deny-all-ingress","operation":"CREATE","dryRun":true,"object":%s}}`, obj)
	var resp *http.Response
	for i := 0; i < 100; i++ {
		if resp, err = client.Post("https://"+addr+"/validate", "application/json", strings.NewReader(body)); err == nil {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		cancel()
		t.Fatalf("guard never answered: %v\n%s", err, logs.String())
	}
	var r admissionv1.AdmissionReview
	json.NewDecoder(resp.Body).Decode(&r)
	resp.Body.Close()
	want := "✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 9/12 sources blocked by linkerd/deny-all-ingress; see: podreach explain -f FILE --from emojivoto/emoji --to linkerd/linkerd-identity --port 8080"
	if r.Response == nil || !r.Response.Allowed || len(r.Response.Warnings) != 5 || r.Response.Warnings[0] != want {
		t.Errorf("response %+v, want 5 warnings, the first starting %q", r.Response, want)
	}
	cancel()
	if code := <-done; code != 0 {
		t.Errorf("exit code %d after shutdown:\n%s", code, logs.String())
	}
}

func TestGuardCerts(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	out, errOut, code := run(t, "", "guard", "certs", "--out", dir, "-n", "guard-ns")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, f := range []string{"ca.crt", "tls.crt", "tls.key", "guard.yaml"} {
		if !strings.Contains(out, filepath.Join(dir, f)) {
			t.Errorf("output %q lacks %s", out, f)
		}
	}
	if fi, err := os.Stat(filepath.Join(dir, "tls.key")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("tls.key: %v %v, want mode 0600", fi, err)
	}
	if _, errOut, code := run(t, "", "guard", "certs"); code != ExitInput || !strings.Contains(errOut, "--out is required") {
		t.Errorf("without --out: %d %q", code, errOut)
	}
}
