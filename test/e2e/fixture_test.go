package e2e

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
	"k8s.io/client-go/dynamic"
	"k8s.io/client-go/tools/clientcmd"
	"sigs.k8s.io/yaml"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// The objects of the shared cluster: the shipped example, the extra kinds,
// and the ReplicaSets and pods a controller manager would have made (they
// are generated, created through the API, and written out as manifests).
const (
	exampleDir = "../../examples/emojivoto-linkerd/"
	extraFile  = "testdata/extra.yaml"
	seedFix    = "../../examples/seed-fix/seed-fix.yaml"
)

// cluster is the shared test cluster, set up once.
type cluster struct {
	srv       *server
	generated string   // manifest file of the generated ReplicaSets and pods
	manifests []string // -f arguments giving the same objects as manifests
	admin     string   // kubeconfig of the admin user (context "e2e")
	setup     time.Duration
}

var (
	sharedOnce sync.Once
	shared     *cluster
	sharedErr  error
	cleanups   []func()
)

func TestMain(m *testing.M) {
	// Every command names its kubeconfig: never a developer's cluster.
	os.Setenv("KUBECONFIG", filepath.Join(os.TempDir(), "podreach-e2e-no-such-kubeconfig"))
	code := m.Run()
	for _, f := range cleanups {
		f()
	}
	os.Exit(code)
}

// env returns the shared cluster, starting it on first use. It skips under
// -short and when the binaries are missing (fails instead when CI=true).
func env(t *testing.T) *cluster {
	t.Helper()
	if testing.Short() {
		t.Skip("starts a real kube-apiserver; skipped with -short")
	}
	bins := binaries(t)
	first := false
	sharedOnce.Do(func() { first = true; shared, sharedErr = newCluster(bins) })
	if sharedErr != nil {
		t.Fatalf("setting up the test cluster: %v", sharedErr)
	}
	if first {
		t.Logf("test cluster: etcd + kube-apiserver ready in %s, objects created in %s", shared.srv.started.Round(time.Millisecond), shared.setup.Round(time.Millisecond))
	}
	return shared
}

func newCluster(bins string) (*cluster, error) {
	dir, err := os.MkdirTemp("", "podreach-e2e-")
	if err != nil {
		return nil, err
	}
	srv, err := startServer(bins, dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	cleanups = append(cleanups, func() { srv.stop(); os.RemoveAll(dir) })
	c := &cluster{srv: srv, generated: filepath.Join(dir, "generated.yaml")}
	if c.admin, err = srv.kubeconfig("admin", "e2e"); err != nil {
		return nil, err
	}
	begin := time.Now()
	if err := c.populate(); err != nil {
		return nil, err
	}
	c.setup = time.Since(begin)
	c.manifests = []string{"-f", exampleDir, "-f", extraFile, "-f", c.generated}
	return c, nil
}

// client returns a dynamic client acting as the admin.
func (c *cluster) client() (dynamic.Interface, error) {
	cfg, err := clientcmd.BuildConfigFromFlags("", c.admin)
	if err != nil {
		return nil, err
	}
	cfg.QPS, cfg.Burst = 200, 400 // client-go's default of 5 per second would dominate the set-up
	return dynamic.NewForConfig(cfg)
}

// gvrs maps the kinds the fixtures hold to their resources.
var gvrs = map[string]schema.GroupVersionResource{
	"Namespace":                      {Version: "v1", Resource: "namespaces"},
	"Pod":                            {Version: "v1", Resource: "pods"},
	"Service":                        {Version: "v1", Resource: "services"},
	"ConfigMap":                      {Version: "v1", Resource: "configmaps"},
	"ReplicationController":          {Version: "v1", Resource: "replicationcontrollers"},
	"Deployment":                     {Group: "apps", Version: "v1", Resource: "deployments"},
	"ReplicaSet":                     {Group: "apps", Version: "v1", Resource: "replicasets"},
	"StatefulSet":                    {Group: "apps", Version: "v1", Resource: "statefulsets"},
	"DaemonSet":                      {Group: "apps", Version: "v1", Resource: "daemonsets"},
	"Job":                            {Group: "batch", Version: "v1", Resource: "jobs"},
	"CronJob":                        {Group: "batch", Version: "v1", Resource: "cronjobs"},
	"NetworkPolicy":                  {Group: "networking.k8s.io", Version: "v1", Resource: "networkpolicies"},
	"MutatingWebhookConfiguration":   {Group: "admissionregistration.k8s.io", Version: "v1", Resource: "mutatingwebhookconfigurations"},
	"ValidatingWebhookConfiguration": {Group: "admissionregistration.k8s.io", Version: "v1", Resource: "validatingwebhookconfigurations"},
	"APIService":                     {Group: "apiregistration.k8s.io", Version: "v1", Resource: "apiservices"},
	"ClusterRole":                    {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterroles"},
	"ClusterRoleBinding":             {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "clusterrolebindings"},
	"Role":                           {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "roles"},
	"RoleBinding":                    {Group: "rbac.authorization.k8s.io", Version: "v1", Resource: "rolebindings"},
}

// readObjects decodes every object of YAML files and directories.
func readObjects(paths ...string) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	for _, p := range paths {
		files := []string{p}
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			files, _ = filepath.Glob(filepath.Join(p, "*.yaml"))
		}
		for _, f := range files {
			data, err := os.ReadFile(f)
			if err != nil {
				return nil, err
			}
			dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
			for {
				var m map[string]any
				if err := dec.Decode(&m); errors.Is(err, io.EOF) {
					break
				} else if err != nil {
					return nil, fmt.Errorf("%s: %w", f, err)
				}
				if m != nil {
					out = append(out, &unstructured.Unstructured{Object: m})
				}
			}
		}
	}
	return out, nil
}

// create creates obj (whose status, if any, is then written through the
// status subresource, as a kubelet would) and returns the stored object.
func create(ctx context.Context, dc dynamic.Interface, obj *unstructured.Unstructured) (*unstructured.Unstructured, error) {
	gvr, ok := gvrs[obj.GetKind()]
	if pg, isPolicy := policyGVR(obj); isPolicy {
		gvr, ok = pg, true
	}
	if !ok {
		return nil, fmt.Errorf("no resource known for kind %s", obj.GetKind())
	}
	ri := dynamic.ResourceInterface(dc.Resource(gvr))
	if ns := obj.GetNamespace(); ns != "" || isNamespaced(obj.GetKind()) {
		if ns == "" {
			ns = "default"
		}
		ri = dc.Resource(gvr).Namespace(ns)
	}
	status, hasStatus := obj.Object["status"]
	got, err := ri.Create(ctx, obj, metav1.CreateOptions{})
	if err != nil {
		return nil, fmt.Errorf("creating %s %s: %w", obj.GetKind(), obj.GetName(), err)
	}
	if hasStatus && obj.GetKind() == "Pod" {
		got.Object["status"] = status
		if got, err = ri.UpdateStatus(ctx, got, metav1.UpdateOptions{}); err != nil {
			return nil, fmt.Errorf("status of %s %s: %w", obj.GetKind(), obj.GetName(), err)
		}
	}
	return got, nil
}

func isNamespaced(kind string) bool {
	switch kind {
	case "Namespace", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService", "ClusterRole", "ClusterRoleBinding":
		return false
	}
	return true
}

// apply creates every object of the given files in order.
func (c *cluster) apply(paths ...string) error {
	dc, err := c.client()
	if err != nil {
		return err
	}
	objs, err := readObjects(paths...)
	if err != nil {
		return err
	}
	for _, o := range objs {
		if _, err := create(context.Background(), dc, o); err != nil {
			return err
		}
	}
	return nil
}

// writeYAML writes objects as one multi-document YAML file.
func writeYAML(path string, objs []*unstructured.Unstructured) error {
	var b bytes.Buffer
	for _, o := range objs {
		data, err := yaml.Marshal(o.Object)
		if err != nil {
			return err
		}
		b.WriteString("---\n")
		b.Write(data)
	}
	return os.WriteFile(path, b.Bytes(), 0o644)
}
