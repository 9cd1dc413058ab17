package live

import (
	"bytes"
	"os"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	rbacv1 "k8s.io/api/rbac/v1"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

func TestDecodePage(t *testing.T) {
	t.Parallel()
	pods := resources[1]
	tests := []struct {
		name, page, want, cont string
	}{
		{"items get apiVersion and kind",
			`{"kind":"PodList","apiVersion":"v1","metadata":{"continue":"abc"},"items":[{"metadata":{"name":"a"}}, {"metadata":{"name":"b"},"spec":{}}]}`,
			`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}` + "\n" + `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"b"},"spec":{}}` + "\n", "abc"},
		{"items that have them keep them",
			`{"items":[{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}]}`,
			`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"a"}}` + "\n", ""},
		{"an empty object stays valid JSON", `{"items":[{ }]}`, `{"apiVersion":"v1","kind":"Pod" }` + "\n", ""},
		{"no items", `{"items":[]}`, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p, stream, err := decodePage([]byte(tt.page), pods)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(stream)); diff != "" {
				t.Errorf("stream (-want +got):\n%s", diff)
			}
			if p.Metadata.Continue != tt.cont {
				t.Errorf("continue = %q, want %q", p.Metadata.Continue, tt.cont)
			}
		})
	}
	if _, _, err := decodePage([]byte(`{"items":[1]}`), pods); err == nil {
		t.Error("a list of numbers decoded")
	}
}

func TestResourcePaths(t *testing.T) {
	t.Parallel()
	got := []string{
		strings.Join(resources[1].path(""), "/"),
		strings.Join(resources[1].path("shop"), "/"),
		strings.Join(resources[4].path("shop"), "/"),
		resources[4].name(),
	}
	want := []string{"/api/v1/pods", "/api/v1/namespaces/shop/pods", "/apis/apps/v1/namespaces/shop/deployments", "deployments.apps"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRBACFile: deploy/rbac.yaml grants list on exactly the resources Read
// lists (ConfigMaps by name only; the policy kinds whichever version is
// served), and nothing else.
func TestRBACFile(t *testing.T) {
	t.Parallel()
	data, err := os.ReadFile("../../../deploy/rbac.yaml")
	if err != nil {
		t.Fatal(err)
	}
	var role rbacv1.ClusterRole
	dec := utilyaml.NewYAMLOrJSONDecoder(bytes.NewReader(data), 4096)
	if err := dec.Decode(&role); err != nil || role.Kind != "ClusterRole" || role.Name != "podreach-reader" {
		t.Fatalf("first document is not ClusterRole podreach-reader: %v", err)
	}
	var granted []string
	for _, r := range role.Rules {
		if !slices.Equal(r.Verbs, []string{"list"}) {
			t.Errorf("rule %v: verbs %v, want only list", r, r.Verbs)
		}
		for _, g := range r.APIGroups {
			for _, res := range r.Resources {
				name := res
				if g != "" {
					name += "." + g
				}
				if len(r.ResourceNames) > 0 {
					name += "/" + strings.Join(r.ResourceNames, ",")
				}
				granted = append(granted, name)
			}
		}
	}
	var want []string
	for _, r := range resources {
		name := r.name()
		if r.fieldSelector != "" {
			name += "/" + strings.TrimPrefix(r.fieldSelector, "metadata.name=")
		}
		want = append(want, name)
	}
	for _, alts := range append(policyResources, readOnlyPolicies...) { // RBAC grants a resource in every version
		want = append(want, alts[0].name())
	}
	slices.Sort(granted)
	slices.Sort(want)
	if diff := cmp.Diff(want, granted); diff != "" {
		t.Errorf("deploy/rbac.yaml grants (-needed +granted):\n%s", diff)
	}
}
