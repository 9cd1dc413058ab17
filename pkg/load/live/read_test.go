package live

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/spf13/pflag"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// connect returns a connection to url given by flags only (no kubeconfig).
func connect(t *testing.T, url string) *Connection {
	t.Helper()
	t.Setenv("KUBECONFIG", t.TempDir()+"/none")
	c := NewConnection()
	fs := pflag.NewFlagSet("t", pflag.ContinueOnError)
	c.AddFlags(fs)
	if err := fs.Parse([]string{"--server", url}); err != nil {
		t.Fatal(err)
	}
	return c
}

// TestReadAbsentAPI: an API the server does not serve (no aggregator, an
// old cluster) is skipped with a notice, not an error. A real kube-apiserver
// serves every API podreach reads, so this fault needs a fake server; the
// rest of Read is tested against a real one in test/e2e.
func TestReadAbsentAPI(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasPrefix(r.URL.Path, "/apis/apiregistration.k8s.io/"):
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"kind":"Status","apiVersion":"v1","status":"Failure","message":"the server could not find the requested resource","reason":"NotFound","code":404}`))
		case r.URL.Path == "/api/v1/namespaces":
			w.Write([]byte(`{"kind":"NamespaceList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"shop"}}]}`))
		case r.URL.Path == "/api/v1/pods":
			w.Write([]byte(`{"kind":"PodList","apiVersion":"v1","metadata":{},"items":[{"metadata":{"name":"web","namespace":"shop","labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]},"status":{"podIP":"10.0.0.1"}}]}`))
		default:
			w.Write([]byte(`{"metadata":{},"items":[]}`))
		}
	}))
	defer srv.Close()
	b := manifest.NewBuilder()
	gaps, err := connect(t, srv.URL).Read(context.Background(), b)
	if err != nil || len(gaps) > 0 {
		t.Fatalf("Read: %v, gaps %v", err, gaps)
	}
	c, diags, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Workloads) != 1 || c.Workloads[0].ID() != "shop/web" || c.Workloads[0].Pods[0].IPs[0].String() != "10.0.0.1" {
		t.Errorf("workloads = %+v", c.Workloads)
	}
	want := "notice: live: the API server does not serve apiservices.apiregistration.k8s.io v1; none read"
	found := false
	for _, d := range diags {
		found = found || d.String() == want
		if d.Severity >= model.Warning {
			t.Errorf("unexpected %s", d)
		}
	}
	if !found {
		t.Errorf("no %q in %v", want, diags)
	}
}
