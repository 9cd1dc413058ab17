package e2e

import (
	"context"
	"strings"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

var (
	crdGVR = schema.GroupVersionResource{Group: "apiextensions.k8s.io", Version: "v1", Resource: "customresourcedefinitions"}
	anpGVR = schema.GroupVersionResource{Group: "policy.networking.k8s.io", Version: "v1alpha1", Resource: "adminnetworkpolicies"}
)

// anpCRD is a CustomResourceDefinition serving AdminNetworkPolicy
// v1alpha1 (cluster-scoped), its schema left open: the guard, not the API
// server, is under test.
func anpCRD() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "apiextensions.k8s.io/v1", "kind": "CustomResourceDefinition",
		// *.k8s.io groups are protected: a CRD must say whether its API
		// was approved (KEP-1111); a fixture says it was not.
		"metadata": map[string]any{"name": "adminnetworkpolicies.policy.networking.k8s.io",
			"annotations": map[string]any{"api-approved.kubernetes.io": "unapproved, a podreach e2e fixture"}},
		"spec": map[string]any{
			"group": "policy.networking.k8s.io", "scope": "Cluster",
			"names": map[string]any{"plural": "adminnetworkpolicies", "singular": "adminnetworkpolicy", "kind": "AdminNetworkPolicy", "listKind": "AdminNetworkPolicyList"},
			"versions": []any{map[string]any{"name": "v1alpha1", "served": true, "storage": true,
				"schema": map[string]any{"openAPIV3Schema": map[string]any{"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}},
		},
	}}
}

// denyIdentity is an Admin-tier Deny of all ingress to linkerd-identity.
func denyIdentity() *unstructured.Unstructured {
	return &unstructured.Unstructured{Object: map[string]any{
		"apiVersion": "policy.networking.k8s.io/v1alpha1", "kind": "AdminNetworkPolicy",
		"metadata": map[string]any{"name": "deny-identity"},
		"spec": map[string]any{
			"priority": int64(10),
			"subject": map[string]any{"pods": map[string]any{
				"namespaceSelector": map[string]any{"matchLabels": map[string]any{"kubernetes.io/metadata.name": "linkerd"}},
				"podSelector":       map[string]any{"matchLabels": map[string]any{"linkerd.io/control-plane-component": "identity"}},
			}},
			"ingress": []any{map[string]any{"name": "deny-all", "action": "Deny", "from": []any{map[string]any{"namespaces": map[string]any{}}}}},
		},
	}}
}

// TestGuardJudgesAdminTier: with the AdminNetworkPolicy CRD installed,
// the guard (registered for the tier kinds as deploy/guard/guard.yaml
// registers them) warns when an Admin-tier Deny of linkerd-identity's
// ingress is created through the API server, naming the flow and the
// tier; once created, its informer brings the policy into the model.
func TestGuardJudgesAdminTier(t *testing.T) {
	e := newGuardEnv(t)
	ctx := context.Background()
	if _, err := e.dc.Resource(crdGVR).Create(ctx, anpCRD(), metav1.CreateOptions{}); err != nil {
		t.Fatal(err)
	}
	anps := e.dc.Resource(anpGVR)
	deadline := time.Now().Add(30 * time.Second)
	for { // the CRD is served once established
		if _, err := anps.List(ctx, metav1.ListOptions{}); err == nil {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the CRD is not served: %v", err)
		}
		time.Sleep(200 * time.Millisecond)
	}
	stop := e.startGuard(t)
	defer stop()
	e.register(t)

	create := func(dryRun bool) ([]string, error) {
		opts := metav1.CreateOptions{}
		if dryRun {
			opts.DryRun = []string{metav1.DryRunAll}
		}
		_, err := anps.Create(ctx, denyIdentity(), opts)
		return e.warnings.take(), err
	}
	var w []string
	for deadline := time.Now().Add(30 * time.Second); len(w) == 0; time.Sleep(200 * time.Millisecond) {
		var err error
		if w, err = create(true); err != nil {
			t.Fatalf("dry run: %v", err)
		}
		if time.Now().After(deadline) {
			t.Fatal("the API server never called the guard for an AdminNetworkPolicy")
		}
	}
	const want = "✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 11/12 sources blocked by AdminNetworkPolicy deny-identity; see: podreach explain --context e2e --live -f FILE --from "
	if len(w) == 0 || !strings.HasPrefix(w[0], want) || len(w[0]) > 256 {
		t.Fatalf("warnings:\n%s\nwant the first to start with\n%s", strings.Join(w, "\n"), want)
	}
	t.Logf("kubectl apply -f deny-identity.yaml (AdminNetworkPolicy, warn):\n  Warning: %s", strings.Join(w, "\n  Warning: "))

	if _, err := create(false); err != nil {
		t.Fatal(err)
	}
	// Once the informer brought it into the model, the same change breaks
	// nothing more.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(200 * time.Millisecond) {
		if _, err := anps.Update(ctx, withResourceVersion(t, anps, denyIdentity()), metav1.UpdateOptions{DryRun: []string{metav1.DryRunAll}}); err != nil {
			t.Fatal(err)
		}
		if w := e.warnings.take(); len(w) == 0 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("the guard's model never held the AdminNetworkPolicy: %q", w)
		}
	}
}

// withResourceVersion sets obj's resourceVersion to the stored one's.
func withResourceVersion(t *testing.T, ri interface {
	Get(context.Context, string, metav1.GetOptions, ...string) (*unstructured.Unstructured, error)
}, obj *unstructured.Unstructured) *unstructured.Unstructured {
	t.Helper()
	cur, err := ri.Get(context.Background(), obj.GetName(), metav1.GetOptions{})
	if err != nil {
		t.Fatal(err)
	}
	obj.SetResourceVersion(cur.GetResourceVersion())
	return obj
}
