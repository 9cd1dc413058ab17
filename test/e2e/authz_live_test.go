package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The Linkerd objects of the authorization test: the emojivoto
// authorization example and the kinds it does not use.
const (
	authzFile      = "../../examples/emojivoto-authz/authz.yaml"
	authzExtraFile = "testdata/authz-extra.yaml"
)

// policyCRD is a Linkerd (or Gateway API) policy kind and the versions its
// test CRD serves, the first stored.
type policyCRD struct {
	group, plural, kind string
	versions            []string
}

// policyCRDs are the kinds podreach reads, served as Linkerd's CRDs serve
// them (Server also in the deprecated v1beta1 the extra file uses, so the
// live read must pick v1beta3).
var policyCRDs = []policyCRD{
	{"policy.linkerd.io", "servers", "Server", []string{"v1beta3", "v1beta1"}},
	{"policy.linkerd.io", "serverauthorizations", "ServerAuthorization", []string{"v1beta1"}},
	{"policy.linkerd.io", "authorizationpolicies", "AuthorizationPolicy", []string{"v1alpha1"}},
	{"policy.linkerd.io", "meshtlsauthentications", "MeshTLSAuthentication", []string{"v1alpha1"}},
	{"policy.linkerd.io", "networkauthentications", "NetworkAuthentication", []string{"v1alpha1"}},
	{"policy.linkerd.io", "httproutes", "HTTPRoute", []string{"v1beta3"}},
	{"gateway.networking.k8s.io", "httproutes", "HTTPRoute", []string{"v1"}},
	{"gateway.networking.k8s.io", "grpcroutes", "GRPCRoute", []string{"v1"}},
	{"policy.linkerd.io", "egressnetworks", "EgressNetwork", []string{"v1alpha1"}},
}

// policyGVR is the resource of a policy object of policyCRDs.
func policyGVR(obj *unstructured.Unstructured) (schema.GroupVersionResource, bool) {
	gv, err := schema.ParseGroupVersion(obj.GetAPIVersion())
	if err != nil {
		return schema.GroupVersionResource{}, false
	}
	for _, p := range policyCRDs {
		if p.group == gv.Group && p.kind == obj.GetKind() {
			return gv.WithResource(p.plural), true
		}
	}
	return schema.GroupVersionResource{}, false
}

// crd is a minimal CustomResourceDefinition for p: namespaced, its schema
// left open (podreach, not the API server, is under test). *.k8s.io groups
// are protected: the CRD says its API was not approved (KEP-1111).
func (p policyCRD) crd() *unstructured.Unstructured {
	var versions []any
	for i, v := range p.versions {
		versions = append(versions, map[string]any{"name": v, "served": true, "storage": i == 0,
			"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}})
	}
	meta := map[string]any{"name": p.plural + "." + p.group}
	if strings.HasSuffix(p.group, ".k8s.io") {
		meta["annotations"] = map[string]any{"api-approved.kubernetes.io": "unapproved, a podreach e2e fixture"}
	}
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition", "metadata": meta,
		"spec": map[string]any{"group": p.group, "scope": "Namespaced", "versions": versions,
			"names": map[string]any{"plural": p.plural, "singular": strings.ToLower(p.kind), "kind": p.kind, "listKind": p.kind + "List"}},
	}}
}

// newAuthzCluster starts a kube-apiserver of its own (the shared cluster
// has no Linkerd CRDs, and its answers are pinned elsewhere), installs the
// policy CRDs, and creates the emojivoto example without its
// deny-all-ingress, the authorization example, the extra kinds, and the
// ReplicaSets and pods controllers would have made.
func newAuthzCluster(t *testing.T) *cluster {
	t.Helper()
	srv := ownServer(t)
	c := &cluster{srv: srv, generated: filepath.Join(srv.dir, "generated.yaml")}
	var err error
	if c.admin, err = srv.kubeconfig("admin", "e2e"); err != nil {
		t.Fatal(err)
	}
	installPolicyCRDs(t, c)
	inputs := []string{exampleDir + "namespaces.yaml", exampleDir + "linkerd-control-plane.yaml",
		exampleDir + "linkerd-viz.yaml", exampleDir + "emojivoto.yaml", authzFile, authzExtraFile}
	if err := c.populateFrom(inputs...); err != nil {
		t.Fatal(err)
	}
	c.manifests = append(flagEach("-f", inputs), "-f", c.generated)
	return c
}

// installPolicyCRDs creates the CRDs and waits until each is served.
func installPolicyCRDs(t *testing.T, c *cluster) {
	t.Helper()
	dc, err := c.client()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, p := range policyCRDs {
		if _, err := dc.Resource(crdGVR).Create(ctx, p.crd(), metav1.CreateOptions{}); err != nil {
			t.Fatal(err)
		}
	}
	for _, p := range policyCRDs {
		gvr := schema.GroupVersionResource{Group: p.group, Version: p.versions[0], Resource: p.plural}
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(100 * time.Millisecond) {
			if _, err := dc.Resource(gvr).List(ctx, metav1.ListOptions{}); err == nil {
				break
			} else if time.Now().After(deadline) {
				t.Fatalf("%s is not served: %v", gvr, err)
			}
		}
	}
}

// TestLiveLinkerdAuthorization: with Linkerd's policy CRDs installed,
// every Linkerd-layer answer from the live cluster equals the answer from
// the same objects as manifests (read in pages of 3 and of 500), and
// shows the objects that decide it — so the live read did read them.
func TestLiveLinkerdAuthorization(t *testing.T) {
	c := newAuthzCluster(t)
	cases := map[string]struct {
		args []string
		want string // a line the answer must hold
	}{
		"mesh-tls-denies": {[]string{"explain", "--from", "emojivoto/vote-bot", "--to", "emojivoto/voting", "--port", "grpc"},
			"× AuthorizationPolicy emojivoto/voting-from-web requires MeshTLSAuthentication emojivoto/web"},
		"service-json": {[]string{"explain", "--from", "emojivoto/web", "--to", "svc/emojivoto/voting-svc", "--port", "8080", "-o", "json"},
			`"code":"server_authorized","server":"emojivoto/voting-grpc"`},
		"admin-port": {[]string{"explain", "--from", "linkerd-viz/prometheus", "--to", "emojivoto/web", "--port", "4191", "--layer", "linkerd"},
			"Server emojivoto/proxy-admin selects emojivoto/web"},
		"server-authorization": {[]string{"explain", "--from", "linkerd-viz/metrics-api", "--to", "linkerd-viz/prometheus", "--port", "9090"},
			"✔ ServerAuthorization linkerd-viz/prometheus-from-metrics-api"},
		"v1beta1-server-denies": {[]string{"explain", "--from", "linkerd-viz/tap", "--to", "linkerd-viz/prometheus", "--port", "9090"},
			"× Linkerd: denied (server_denies)"},
		"network-authentication-routes": {[]string{"explain", "--from", "emojivoto/web", "--to", "linkerd-viz/web", "--port", "8084"},
			"AuthorizationPolicy linkerd-viz/web-api-from-pods requires NetworkAuthentication linkerd-viz/pod-network"},
		"grpc-route": {[]string{"explain", "--from", "linkerd-viz/web", "--to", "linkerd-viz/tap", "--port", "8088"},
			"✔ Linkerd: allowed (routes_authorized)"},
		"egress-network": {[]string{"explain", "--from", "linkerd-viz/web", "--to", "203.0.113.1/32", "--port", "443"},
			"‼ could change this: EgressNetwork linkerd-viz/viz-egress"},
		"matrix-linkerd": {[]string{"matrix", "--layer", "linkerd"},
			"emojivoto/emoji          emojivoto/voting             TCP:1-4190,4192-8079,8081-8800,8802-65535"},
		"matrix-both-json": {[]string{"matrix", "-o", "json"}, `"from":"linkerd-viz/tap"`},
		"check": {[]string{"check", "--mesh", "linkerd", "-o", "short"},
			"linkerd-viz/web → linkerd-viz/metrics-api:8085: Linkerd deny (server_denies)"},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			man := append(append(append([]string{}, tc.args...), c.manifests...), "-n", "emojivoto", "-A")
			live := append(append([]string{}, tc.args...), "--kubeconfig", c.admin)
			got := c.sameAnswer(t, live, man)
			c.sameAnswer(t, append(live, "--chunk-size", "3"), man)
			if !strings.Contains(squeeze(got.out), squeeze(tc.want)) {
				t.Errorf("the live answer does not hold %q:\n%s", tc.want, got.out)
			}
		})
	}
}

// squeeze collapses runs of spaces (column widths depend on the names).
func squeeze(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.Join(strings.Fields(l), " ")
	}
	return strings.Join(lines, "\n")
}

// TestLiveLinkerdRBAC: deploy/rbac.yaml is enough to read the policy
// kinds (the reader's answers are the admin's); a user refused one kind
// gets a warning naming it, and every answer that depends on that kind is
// "cannot know" (exit 3), never what the objects read say — while the
// answers that do not depend on it stay decided.
func TestLiveLinkerdRBAC(t *testing.T) {
	c := newAuthzCluster(t)
	if err := c.apply("../../deploy/rbac.yaml"); err != nil {
		t.Fatal(err)
	}
	for res, user := range map[string]string{"authorizationpolicies": "partial", "egressnetworks": "nobody"} {
		f := filepath.Join(c.srv.dir, "no-"+res+".yaml")
		if err := os.WriteFile(f, []byte(rbacWithout(t, res, user)), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := c.apply(f); err != nil {
			t.Fatal(err)
		}
	}
	reader, _ := c.srv.kubeconfig("reader", "e2e")
	partial, _ := c.srv.kubeconfig("partial", "e2e")
	denied := []string{"explain", "--from", "emojivoto/vote-bot", "--to", "emojivoto/voting", "--port", "grpc"}
	for _, args := range [][]string{denied, {"matrix", "--layer", "linkerd", "-o", "json"}} {
		admin, aerr := c.run(append(args, "--kubeconfig", c.admin)...)
		got, rerr := c.run(append(args, "--kubeconfig", reader)...)
		if diff := cmp.Diff(admin, got, cmp.AllowUnexported(result{})); diff != "" {
			t.Errorf("%v: the reader's answer differs from the admin's (-admin +reader):\n%s\nreader stderr:\n%s\nadmin stderr:\n%s", args, diff, rerr, aerr)
		}
		if strings.Contains(rerr, "Forbidden") {
			t.Errorf("%v: the reader was refused something:\n%s", args, rerr)
		}
	}

	const warning = "warning: live:e2e: authorizationpolicies.policy.linkerd.io could not be read cluster-wide (Forbidden)"
	got, errOut := c.run(append(denied, "--kubeconfig", partial)...)
	wantOut := "cannot know: authorizationpolicies.policy.linkerd.io could not be read cluster-wide (Forbidden), and an AuthorizationPolicy may apply to Server emojivoto/voting-grpc"
	if got.code != 3 || !strings.Contains(got.out, wantOut) || !strings.Contains(errOut, warning) {
		t.Errorf("explain without AuthorizationPolicies: exit %d, want 3, stdout holding %q and a warning %q\nstdout:\n%s\nstderr:\n%s", got.code, wantOut, warning, got.out, errOut)
	}
	// No Server selects emoji's port 9999: the default policy decides,
	// whatever the AuthorizationPolicies say.
	got, errOut = c.run("explain", "--from", "emojivoto/vote-bot", "--to", "emojivoto/emoji", "--port", "9999", "--kubeconfig", partial)
	if got.code != 0 || !strings.Contains(got.out, "✔ Linkerd: allowed (default_allows)") {
		t.Errorf("explain on a port no Server selects: exit %d, want 0 and default_allows\nstdout:\n%s\nstderr:\n%s", got.code, got.out, errOut)
	}
	got, errOut = c.run("matrix", "--layer", "linkerd", "--kubeconfig", partial)
	if got.code != 3 || !strings.Contains(errOut, "CANNOT KNOW") || !strings.Contains(got.out, "INCOMPLETE") {
		t.Errorf("matrix without AuthorizationPolicies: exit %d, want 3, CANNOT KNOW on stderr and INCOMPLETE\nstdout:\n%s\nstderr:\n%s", got.code, got.out, errOut)
	}
	// A kind podreach keeps as not evaluated (EgressNetwork), or a tier,
	// refused everywhere: no answer at all.
	noEgress, _ := c.srv.kubeconfig("nobody", "e2e")
	got, errOut = c.run("matrix", "--kubeconfig", noEgress)
	if got.code != 2 || got.out != "" || !strings.Contains(errOut, "not allowed to list egressnetworks.policy.linkerd.io cluster-wide") {
		t.Errorf("matrix without EgressNetworks: exit %d, want 2, nothing on stdout and the refused resource named\nstdout:\n%s\nstderr:\n%s", got.code, got.out, errOut)
	}
}

// rbacWithout is deploy/rbac.yaml's ClusterRole without resource res,
// bound to user.
func rbacWithout(t *testing.T, res, user string) string {
	t.Helper()
	objs, err := readObjects("../../deploy/rbac.yaml")
	if err != nil || len(objs) == 0 || objs[0].GetKind() != "ClusterRole" {
		t.Fatalf("deploy/rbac.yaml: %v", err)
	}
	role := objs[0].DeepCopy()
	role.SetName("reader-without-" + res)
	rules, _, _ := unstructured.NestedSlice(role.Object, "rules")
	removed := false
	for _, r := range rules {
		m := r.(map[string]any)
		var keep []any
		for _, x := range m["resources"].([]any) {
			if x == res {
				removed = true
				continue
			}
			keep = append(keep, x)
		}
		m["resources"] = keep
	}
	if !removed {
		t.Fatalf("deploy/rbac.yaml grants no %s", res)
	}
	unstructured.SetNestedSlice(role.Object, rules, "rules")
	path := filepath.Join(t.TempDir(), "role.yaml")
	if err := writeYAML(path, []*unstructured.Unstructured{role}); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(data) + strings.NewReplacer("ROLE", role.GetName(), "USER", user).Replace(`---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: USER-ROLE}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: ROLE}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: USER}]
`)
}
