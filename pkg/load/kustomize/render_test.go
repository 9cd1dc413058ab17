package kustomize

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/filetree"
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: web}]}
`

const policy = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: web
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - ports: [{port: 8080}]
`

// TestRenderOverlay: an overlay's namespace and partial patch are applied
// to the base as kustomize does: the patched policy keeps its podSelector.
func TestRenderOverlay(t *testing.T) {
	root := filetree.Write(t, map[string]string{
		"base/kustomization.yaml":    "resources: [web.yaml, policy.yaml]\n",
		"base/web.yaml":              deployment,
		"base/policy.yaml":           policy,
		"overlay/kustomization.yaml": "namespace: shop\nresources: [../base]\npatches:\n- path: patch.yaml\n",
		"overlay/patch.yaml":         "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: web}\nspec:\n  ingress:\n  - ports: [{port: 9090}]\n",
	})
	out, err := Render(context.Background(), filepath.Join(root, "overlay"))
	if err != nil {
		t.Fatal(err)
	}
	got := string(out)
	for _, want := range []string{"namespace: shop", "app: web", "port: 9090", "kind: Deployment", "kind: NetworkPolicy"} {
		if !strings.Contains(got, want) {
			t.Errorf("rendered output lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "port: 8080") {
		t.Errorf("the patch's ingress list should replace the base's (no merge key):\n%s", got)
	}
	// kubectl kustomize's default (legacy) order: Deployment before NetworkPolicy
	// is not guaranteed, but the output is deterministic.
	again, err := Render(context.Background(), filepath.Join(root, "overlay"))
	if err != nil || string(again) != got {
		t.Errorf("second render differs (err %v)", err)
	}
}

// TestRenderRefusesNetwork: every reference kustomize would fetch over
// the network is an error naming the kustomization file and the field,
// raised before kustomize runs.
func TestRenderRefusesNetwork(t *testing.T) {
	tests := []struct {
		name, kustomization, wantField string
	}{
		{"git repository base", "resources:\n- github.com/org/repo//base?ref=v1\n", "resources[0]"},
		{"https resource", "resources:\n- web.yaml\n- https://example.com/x.yaml\n", "resources[1]"},
		{"scp-like git", "resources:\n- git@github.com:org/repo.git\n", "resources[0]"},
		{"host path without scheme", "resources:\n- github.com/org/repo/base\n", "resources[0]"},
		{"component over https", "components:\n- https://example.com/c\n", "components[0]"},
		{"patch by URL", "resources: [web.yaml]\npatches:\n- path: https://example.com/p.yaml\n", "patches[0].path"},
		{"generator file by URL", "resources: [web.yaml]\nconfigMapGenerator:\n- name: c\n  files: [k=https://example.com/f]\n", "configMapGenerator[0].files[0]"},
		{"helm chart", "helmCharts:\n- name: x\n  repo: https://charts.example.com\n", "helmCharts"},
		{"strategic merge patch by URL", "resources: [web.yaml]\npatchesStrategicMerge:\n- https://example.com/p.yaml\n", "patchesStrategicMerge[0]"},
		{"openapi schema by URL", "resources: [web.yaml]\nopenapi:\n  path: https://example.com/schema.json\n", "openapi.path"},
		{"remote in a base", "resources: [../base]\n", "resources[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := filetree.Write(t, map[string]string{
				"k/kustomization.yaml":    tt.kustomization,
				"k/web.yaml":              deployment,
				"base/kustomization.yaml": "resources:\n- https://example.com/remote.yaml\n",
			})
			_, err := Render(context.Background(), filepath.Join(root, "k"))
			if err == nil {
				t.Fatal("rendered; want an error")
			}
			if !strings.Contains(err.Error(), "kustomization.yaml: "+tt.wantField) {
				t.Errorf("error %q does not name the file and field %s", err, tt.wantField)
			}
		})
	}
}

// TestRenderNotAKustomization: kustomize's own message, naming the directory.
func TestRenderNotAKustomization(t *testing.T) {
	dir := t.TempDir()
	_, err := Render(context.Background(), dir)
	want := "unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '" + dir + "'"
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("error %v, want it to contain %q", err, want)
	}
}

// TestRenderKustomizeError: kustomize's own errors (a missing file) are
// returned with the directory.
func TestRenderKustomizeError(t *testing.T) {
	root := filetree.Write(t, map[string]string{"k/kustomization.yaml": "resources: [web.yaml]\npatches:\n- path: missing.yaml\n", "k/web.yaml": deployment})
	_, err := Render(context.Background(), filepath.Join(root, "k"))
	if err == nil || !strings.Contains(err.Error(), "missing.yaml") || !strings.HasPrefix(err.Error(), "kustomize "+filepath.Join(root, "k")) {
		t.Errorf("error %v, want kustomize's, naming missing.yaml", err)
	}
}

// TestRenderCanceled: a done context stops before any work.
func TestRenderCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := Render(ctx, t.TempDir()); err != context.Canceled {
		t.Errorf("err %v, want context.Canceled", err)
	}
}

func TestIsURL(t *testing.T) {
	for s, want := range map[string]bool{
		"https://example.com/x.yaml": true,
		"ssh://git@host/repo":        true,
		"git@github.com:org/repo":    true,
		"repo//sub?ref=v1":           true,
		"../base":                    false,
		"web.yaml":                   false,
		`C:\manifests\base`:          false,
	} {
		if got := isURL(s); got != want {
			t.Errorf("isURL(%q) = %v, want %v", s, got, want)
		}
	}
}
