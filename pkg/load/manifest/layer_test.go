package manifest

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestParseObjectRef(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want ObjectRef
		err  string
	}{
		{in: "netpol/shop/deny-all", want: ObjectRef{"NetworkPolicy", "shop", "deny-all"}},
		{in: "deploy/shop/web", want: ObjectRef{"Deployment", "shop", "web"}},
		{in: "Deployment/shop/web", want: ObjectRef{"Deployment", "shop", "web"}},
		{in: "networkpolicy.networking.k8s.io/shop/x", want: ObjectRef{"NetworkPolicy", "shop", "x"}},
		{in: "deployments.apps/shop/web", want: ObjectRef{"Deployment", "shop", "web"}},
		{in: "ns/shop", want: ObjectRef{"Namespace", "", "shop"}},
		{in: "mutatingwebhookconfiguration/inj", want: ObjectRef{"MutatingWebhookConfiguration", "", "inj"}},
		{in: "svc/shop/web", want: ObjectRef{"Service", "shop", "web"}},
		{in: "web", err: "want KIND/NAMESPACE/NAME"},
		{in: "a/b/c/d", err: "want KIND/NAMESPACE/NAME"},
		{in: "secret/shop/x", err: `unknown kind "secret"`},
		{in: "deploy/web", err: "want deploy/NAMESPACE/NAME"},
		{in: "ns/a/b", err: "Namespace is cluster-scoped"},
		{in: "deploy//web", err: "empty name"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseObjectRef(tt.in)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("err = %v, want it to mention %q", err, tt.err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

// A live-like cluster: a Deployment with its ReplicaSet and pod, a bare
// pod, a policy, in two namespaces.
var layered = docs(
	obj("v1", "Namespace", "", "shop"),
	deployment("shop", "web"),
	obj("apps/v1", "ReplicaSet", "shop", "web-abc",
		"  labels: {pod-template-hash: abc}",
		"  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: web, uid: u, controller: true}]",
		"spec: {selector: {matchLabels: {app: web}}, template: {metadata: {labels: {app: web, pod-template-hash: abc}}, spec: {containers: [{name: c, image: img}]}}}"),
	pod("shop", "web-abc-1", "labels: {app: web, pod-template-hash: abc}", "ownerReferences: [{apiVersion: apps/v1, kind: ReplicaSet, name: web-abc, uid: u, controller: true}]"),
	pod("shop", "debug", "labels: {app: debug}"),
	obj("networking.k8s.io/v1", "NetworkPolicy", "shop", "deny", "spec: {podSelector: {}}"),
	deployment("other", "api"),
)

func TestDelete(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		deletes []string
		want    []string // workloadNames, or the Error diagnostics
		npol    int
	}{
		{"nothing", nil, []string{"Deployment other/api:", "Pod shop/debug:debug", "Deployment shop/web:web-abc-1"}, 1},
		{"a Deployment takes its ReplicaSet and pods", []string{"deploy/shop/web"}, []string{"Deployment other/api:", "Pod shop/debug:debug"}, 1},
		{"a ReplicaSet takes its pods, not its owner", []string{"rs/shop/web-abc"}, []string{"Deployment other/api:", "Pod shop/debug:debug", "Deployment shop/web:"}, 1},
		{"a policy", []string{"netpol/shop/deny"}, []string{"Deployment other/api:", "Pod shop/debug:debug", "Deployment shop/web:web-abc-1"}, 0},
		{"a namespace takes everything in it", []string{"ns/shop"}, []string{"Deployment other/api:"}, 0},
		{"an object that is not there", []string{"deploy/shop/nope"}, []string{"error: Deployment shop/nope: cannot delete: no such object in the input"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := NewBuilder()
			b.Decode("in.yaml", []byte(layered))
			for _, d := range tt.deletes {
				b.Delete(mustRef(t, d))
			}
			c, diags, err := b.Finish()
			checkResult(t, c, diags, err)
			got := diagStrings(diags.Errors())
			if err == nil {
				got = workloadNames(c)
				if len(c.Policies) != tt.npol {
					t.Errorf("%d policies, want %d", len(c.Policies), tt.npol)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func mustRef(t *testing.T, s string) ObjectRef {
	t.Helper()
	r, err := ParseObjectRef(s)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestBuilderLayers: a served (live) layer, then a manifest that replaces
// one object: the manifest wins with a notice naming both sources; served
// objects have sources without lines.
func TestBuilderLayers(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	served := `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web","namespace":"shop"},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"c","image":"i"}]}}}}
{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop","labels":{"kubernetes.io/metadata.name":"shop"}},"spec":{"finalizers":["kubernetes"]},"status":{"phase":"Active"}}
`
	b.DecodeServed("live:prod.yaml", []byte(served))
	if err := b.Load(context.Background(), "testdata/overlay/web.yaml"); err != nil {
		t.Fatal(err)
	}
	c, diags, err := b.Finish()
	checkResult(t, c, diags, err)
	if got := sources(c); !cmp.Equal(got, []string{"testdata/overlay/web.yaml:2 Deployment shop/web", "live:prod.yaml Namespace shop"}) {
		t.Errorf("sources = %q", got)
	}
	if c.Workloads[0].Replicas != 5 {
		t.Errorf("replicas = %d, want the overlay's 5", c.Workloads[0].Replicas)
	}
	want := "notice: testdata/overlay/web.yaml:2: Deployment shop/web: replaces the definition at live:prod.yaml"
	if got := diagStrings(diags); !cmp.Equal(got, []string{want}) {
		t.Errorf("diagnostics = %q, want %q", got, want)
	}
}
