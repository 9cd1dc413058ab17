package e2e

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/internal/cli"
	"github.com/podreach/podreach/internal/webhook"
)

// guardEnv is a kube-apiserver of its own (the guard's tests create and
// delete policies: the shared cluster must not see them) holding the
// example without its deny-all-ingress, a guard serving on loopback and a
// ValidatingWebhookConfiguration that sends it the changes it judges.
type guardEnv struct {
	srv      *server
	admin    string // kubeconfig
	dir      string
	addr     string // 127.0.0.1:PORT of the guard
	certs    webhook.Certs
	warnings *warningLog
	dc       dynamic.Interface
}

// warningLog collects the API server's warning headers, as kubectl prints them.
type warningLog struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warningLog) HandleWarningHeader(code int, _ string, text string) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if code == 299 {
		w.msgs = append(w.msgs, text)
	}
}

func (w *warningLog) take() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := w.msgs
	w.msgs = nil
	return out
}

func newGuardEnv(t *testing.T) *guardEnv {
	t.Helper()
	srv := ownServer(t)
	e := &guardEnv{srv: srv, dir: srv.dir, warnings: &warningLog{}}
	var err error
	if e.admin, err = srv.kubeconfig("admin", "e2e"); err != nil {
		t.Fatal(err)
	}
	cfg, err := clientcmd.BuildConfigFromFlags("", e.admin)
	if err != nil {
		t.Fatal(err)
	}
	cfg.WarningHandler = e.warnings
	if e.dc, err = dynamic.NewForConfig(cfg); err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, f := range []string{"namespaces.yaml", "emojivoto.yaml", "linkerd-control-plane.yaml", "linkerd-viz.yaml"} {
		files = append(files, filepath.Join(exampleDir, f))
	}
	objs, err := readObjects(files...)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if _, err := create(context.Background(), e.dc, o); err != nil {
			t.Fatal(err)
		}
	}
	ports, err := freePorts(1)
	if err != nil {
		t.Fatal(err)
	}
	e.addr = fmt.Sprintf("127.0.0.1:%d", ports[0])
	if e.certs, err = webhook.NewCerts([]string{"127.0.0.1"}, 24*time.Hour); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string][]byte{"tls.crt": e.certs.Cert, "tls.key": e.certs.Key} {
		if err := os.WriteFile(filepath.Join(srv.dir, name), data, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return e
}

// startGuard runs `podreach guard` in-process against the server; stop
// shuts it down and returns its exit code and logs.
func (e *guardEnv) startGuard(t *testing.T, args ...string) (stop func() (int, string)) {
	t.Helper()
	logs, err := os.CreateTemp(e.dir, "guard-*.log")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan int, 1)
	args = append([]string{"guard", "--kubeconfig", e.admin, "--listen", e.addr, "--rebuild-interval", "100ms", "--log-json",
		"--tls-cert-file", filepath.Join(e.dir, "tls.crt"), "--tls-key-file", filepath.Join(e.dir, "tls.key")}, args...)
	go func() {
		done <- cli.Run(ctx, "podreach", args, cli.Streams{In: strings.NewReader(""), Out: logs, ErrOut: logs})
	}()
	stop = func() (int, string) {
		cancel()
		code := <-done
		data, _ := os.ReadFile(logs.Name())
		return code, string(data)
	}
	if err := waitHTTP(e.client(), "https://"+e.addr+"/readyz", "", 60*time.Second); err != nil {
		_, out := stop()
		t.Fatalf("guard not ready: %v\n%s", err, out)
	}
	return stop
}

// client trusts the guard's CA.
func (e *guardEnv) client() *http.Client {
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(e.certs.CA)
	return &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}, MaxIdleConnsPerHost: 64}}
}

// register creates the ValidatingWebhookConfiguration sending the guard
// what it judges: a url on loopback, the CA in caBundle, a 2 s timeout and
// failurePolicy Ignore (a guard that is down must never stop the cluster).
func (e *guardEnv) register(t *testing.T) {
	t.Helper()
	rule := func(group, resource string, ops ...any) map[string]any {
		return map[string]any{"apiGroups": []any{group}, "apiVersions": []any{"v1"}, "resources": []any{resource}, "operations": ops}
	}
	cfg := &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "admissionregistration.k8s.io/v1", "kind": "ValidatingWebhookConfiguration",
		"metadata": map[string]any{"name": "podreach-guard"},
		"webhooks": []any{map[string]any{
			"name":                    "guard.podreach.io",
			"clientConfig":            map[string]any{"url": "https://" + e.addr + "/validate", "caBundle": b64(e.certs.CA)},
			"admissionReviewVersions": []any{"v1"}, "sideEffects": "None", "timeoutSeconds": int64(2), "failurePolicy": "Ignore",
			"rules": []any{
				rule("networking.k8s.io", "networkpolicies", "CREATE", "UPDATE", "DELETE"),
				rule("", "namespaces", "UPDATE", "DELETE"),
				rule("apps", "deployments", "CREATE", "UPDATE", "DELETE"),
				rule("apps", "statefulsets", "CREATE", "UPDATE", "DELETE"),
				rule("apps", "daemonsets", "CREATE", "UPDATE", "DELETE"),
				map[string]any{"apiGroups": []any{"policy.networking.k8s.io"}, "apiVersions": []any{"v1alpha1", "v1alpha2"},
					"resources":  []any{"clusternetworkpolicies", "adminnetworkpolicies", "baselineadminnetworkpolicies"},
					"operations": []any{"CREATE", "UPDATE", "DELETE"}},
			},
		}},
	}}
	if _, err := create(context.Background(), e.dc, cfg); err != nil {
		t.Fatal(err)
	}
}

// policy reads one NetworkPolicy of a file.
func policyObject(t *testing.T, file, ns, name string) *unstructured.Unstructured {
	t.Helper()
	objs, err := readObjects(file)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if o.GetKind() == "NetworkPolicy" && o.GetNamespace() == ns && o.GetName() == name {
			return o
		}
	}
	t.Fatalf("%s: no NetworkPolicy %s/%s", file, ns, name)
	return nil
}

// apply creates obj as `kubectl apply` of a new object would, and returns
// the error and the warnings the API server sent.
func (e *guardEnv) apply(obj *unstructured.Unstructured, dryRun bool) ([]string, error) {
	opts := metav1.CreateOptions{}
	if dryRun {
		opts.DryRun = []string{metav1.DryRunAll}
	}
	_, err := e.dc.Resource(gvrs["NetworkPolicy"]).Namespace(obj.GetNamespace()).Create(context.Background(), obj.DeepCopy(), opts)
	return e.warnings.take(), err
}

func (e *guardEnv) deletePolicy(t *testing.T, ns, name string) []string {
	t.Helper()
	if err := e.dc.Resource(gvrs["NetworkPolicy"]).Namespace(ns).Delete(context.Background(), name, metav1.DeleteOptions{}); err != nil {
		t.Fatal(err)
	}
	return e.warnings.take()
}

// untilWarned retries a dry run of obj until the webhook answers (the API
// server loads a new webhook configuration asynchronously).
func (e *guardEnv) untilWarned(t *testing.T, obj *unstructured.Unstructured) []string {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		w, err := e.apply(obj, true)
		if err != nil || len(w) > 0 {
			if err != nil {
				t.Fatalf("dry run: %v", err)
			}
			return w
		}
		time.Sleep(200 * time.Millisecond)
	}
	t.Fatal("the API server never called the guard")
	return nil
}
