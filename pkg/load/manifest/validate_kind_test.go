package manifest

import (
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	admissionv1 "k8s.io/api/admissionregistration/v1"
	admissionv1alpha1 "k8s.io/api/admissionregistration/v1alpha1"
	admissionv1beta1 "k8s.io/api/admissionregistration/v1beta1"
	appsv1 "k8s.io/api/apps/v1"
	appsv1beta1 "k8s.io/api/apps/v1beta1"
	appsv1beta2 "k8s.io/api/apps/v1beta2"
	batchv1 "k8s.io/api/batch/v1"
	batchv1beta1 "k8s.io/api/batch/v1beta1"
	corev1 "k8s.io/api/core/v1"
	extensionsv1beta1 "k8s.io/api/extensions/v1beta1"
	networkingv1 "k8s.io/api/networking/v1"
	networkingv1beta1 "k8s.io/api/networking/v1beta1"
	"k8s.io/apimachinery/pkg/runtime"
)

// TestServedKinds checks servedKinds against the kinds k8s.io/api
// registers for each group (the API server's own types): a kind missing
// from the table would be refused although the API server serves it.
// Registered types that are not objects one applies (lists, options, watch
// events, subresources) are left out.
func TestServedKinds(t *testing.T) {
	t.Parallel()
	scheme := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, appsv1beta1.AddToScheme, appsv1beta2.AddToScheme,
		batchv1.AddToScheme, batchv1beta1.AddToScheme, extensionsv1beta1.AddToScheme,
		networkingv1.AddToScheme, networkingv1beta1.AddToScheme,
		admissionv1.AddToScheme, admissionv1beta1.AddToScheme, admissionv1alpha1.AddToScheme,
	} {
		if err := add(scheme); err != nil {
			t.Fatal(err)
		}
	}
	notObjects := []string{"WatchEvent", "Status", "Eviction", "Scale", "DeploymentRollback",
		"PodStatusResult", "RangeAllocation", "SerializedReference", "APIGroup", "APIVersions"}
	got := map[string][]string{"apiregistration.k8s.io": servedKinds["apiregistration.k8s.io"]} // kube-aggregator
	for gvk := range scheme.AllKnownTypes() {
		if slices.Contains(notObjects, gvk.Kind) || strings.HasSuffix(gvk.Kind, "List") ||
			strings.HasSuffix(gvk.Kind, "Options") || gvk.Version == runtime.APIVersionInternal {
			continue
		}
		if !slices.Contains(got[gvk.Group], gvk.Kind) {
			got[gvk.Group] = append(got[gvk.Group], gvk.Kind)
		}
	}
	for _, g := range slices.Collect(maps.Keys(got)) {
		slices.Sort(got[g])
	}
	if diff := cmp.Diff(servedKinds, got); diff != "" {
		t.Errorf("servedKinds (-table +k8s.io/api):\n%s", diff)
	}
}
