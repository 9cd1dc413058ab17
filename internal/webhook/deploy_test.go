package webhook

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"flag"
	"io"
	"os"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

var update = flag.Bool("update", false, "rewrite deploy/guard/guard.yaml")

const shipped = "../../deploy/guard/guard.yaml"

// TestShippedManifests: deploy/guard/guard.yaml is Render's output (no
// certificates): regenerate with go test ./internal/webhook -update.
func TestShippedManifests(t *testing.T) {
	var buf bytes.Buffer
	if err := Render(&buf, Deployment{Namespace: "podreach", Image: "ghcr.io/podreach/podreach:latest", Mode: "warn"}); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile(shipped, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(shipped)
	if err != nil || !bytes.Equal(got, buf.Bytes()) {
		t.Fatalf("%s is not Render's output (%v): run go test ./internal/webhook -update", shipped, err)
	}
}

// TestRenderWithCerts: the rendered manifests parse, carry the CA in
// caBundle and a Secret whose pair is valid for the Service's names, and
// keep the safety settings.
func TestRenderWithCerts(t *testing.T) {
	t.Parallel()
	certs, err := NewCerts(Hosts("guard-ns"), time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := Render(&buf, Deployment{Namespace: "guard-ns", Image: "example/podreach:v1", Mode: "enforce", Certs: certs}); err != nil {
		t.Fatal(err)
	}
	docs := map[string]map[string]any{}
	dec := yaml.NewDecoder(&buf)
	for {
		var d map[string]any
		if err := dec.Decode(&d); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		docs[d["kind"].(string)] = d
	}
	wh := docs["ValidatingWebhookConfiguration"]["webhooks"].([]any)[0].(map[string]any)
	if wh["timeoutSeconds"] != 2 || wh["failurePolicy"] != "Ignore" {
		t.Errorf("webhook %v: want timeoutSeconds 2, failurePolicy Ignore", wh)
	}
	ca, _ := base64.StdEncoding.DecodeString(wh["clientConfig"].(map[string]any)["caBundle"].(string))
	data := docs["Secret"]["data"].(map[string]any)
	crt, _ := base64.StdEncoding.DecodeString(data["tls.crt"].(string))
	key, _ := base64.StdEncoding.DecodeString(data["tls.key"].(string))
	pair, err := tls.X509KeyPair(crt, key)
	if err != nil {
		t.Fatal(err)
	}
	leaf, _ := x509.ParseCertificate(pair.Certificate[0])
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(ca)
	if _, err := leaf.Verify(x509.VerifyOptions{Roots: pool, DNSName: "podreach-guard.guard-ns.svc"}); err != nil {
		t.Errorf("serving certificate does not verify against caBundle for the Service name: %v", err)
	}
	spec := docs["Deployment"]["spec"].(map[string]any)
	if spec["replicas"] != 2 {
		t.Errorf("replicas %v", spec["replicas"])
	}
	for _, rule := range docs["ClusterRole"]["rules"].([]any) {
		for _, v := range rule.(map[string]any)["verbs"].([]any) {
			if v != "get" && v != "list" && v != "watch" {
				t.Errorf("ClusterRole grants %v", v)
			}
		}
	}
}
