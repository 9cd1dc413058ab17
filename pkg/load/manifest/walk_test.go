package manifest

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/filetree"

	"github.com/google/go-cmp/cmp"
)

const helmTemplateFile = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}\n  labels:\n    {{- include \"x.labels\" . | nindent 4 }}\n"

// TestClassify: one row per rule deciding whether a walk reads a file.
func TestClassify(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, file, data string
		want             skipReason
	}{
		{"object", "a.yaml", deployment("shop", "web"), readFile},
		{"values", "values.yaml", "replicas: 1\nimage: x\n", noObject},
		{"workflow", "ci.yml", "name: ci\non: [push]\njobs: {}\n", noObject},
		{"chart metadata has apiVersion but no kind", "Chart.yaml", "apiVersion: v2\nname: x\n", noObject},
		{"nested kind is not top level", "v.yaml", "app:\n  apiVersion: v1\n  kind: Pod\n", noObject},
		{"empty file is read", "e.yaml", "# nothing\n---\n", readFile},
		{"helm template", "t.yaml", helmTemplateFile, helmTemplate},
		{"template in a block scalar is valid YAML", "cm.yaml", obj("v1", "ConfigMap", "shop", "c", "data:", "  t: |", "    {{ .Name }}"), readFile},
		{"quoted template value", "cm.yaml", obj("v1", "ConfigMap", "shop", "c", "data:", `  t: "{{ .Name }}"`), readFile},
		{"flow mapping object", "f.yaml", "{apiVersion: v1, kind: Namespace, metadata: {name: x}}\n", readFile},
		{"json object", "a.json", `{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "x"}}`, readFile},
		{"json without kind", "package.json", `{"name": "x", "version": "1.0.0"}`, noObject},
		{"one document of several is an object", "m.yaml", docs("a: 1\n", deployment("shop", "web")), readFile},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := classify(tt.file, []byte(tt.data)); got != tt.want {
				t.Errorf("classify = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestWalkSkipsNonObjects: a repository's non-object files and Helm chart
// are skipped with one notice each; its manifests are read.
func TestWalkSkipsNonObjects(t *testing.T) {
	t.Parallel()
	root := filetree.Write(t, map[string]string{
		"apps/web.yaml":                     docs(obj("v1", "Namespace", "", "shop"), deployment("shop", "web")),
		"values.yaml":                       "replicas: 1\n",
		".github/workflows/ci.yml":          "name: ci\non: [push]\n",
		"templates/web.yaml":                helmTemplateFile,
		"charts/metrics/Chart.yaml":         "apiVersion: v2\nname: metrics\nversion: 0.1.0\n",
		"charts/metrics/templates/dep.yaml": helmTemplateFile,
	})
	c, diags, err := Load(context.Background(), []string{root}, WithDefaultNamespace("shop"))
	if err != nil {
		t.Fatal(err)
	}
	if got := workloadNames(c); len(got) != 1 || !strings.Contains(got[0], "shop/web") {
		t.Errorf("workloads %v, want only shop/web", got)
	}
	rel := func(p string) string { return filepath.Join(root, p) }
	want := []string{
		"notice: " + rel("charts/metrics") + " is a Helm chart (Chart.yaml), not read: render it with `helm template metrics " +
			rel("charts/metrics") + " --namespace shop > metrics.yaml` and read that file",
		"notice: skipped 3 files in directories that hold no Kubernetes objects: 2 without apiVersion and kind (not Kubernetes objects): " +
			rel(".github/workflows/ci.yml") + ", " + rel("values.yaml") + "; 1 Helm or Go templates ({{ … }}): " + rel("templates/web.yaml"),
	}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

// TestNamedNonObjectIsError: a file named as a source is read as it is,
// and one that holds no object is an error, as with kubectl -f.
func TestNamedNonObjectIsError(t *testing.T) {
	t.Parallel()
	root := filetree.Write(t, map[string]string{"values.yaml": "replicas: 1\n"})
	_, _, err := Load(context.Background(), []string{filepath.Join(root, "values.yaml")})
	if err == nil {
		t.Fatal("loaded values.yaml named explicitly; want an error")
	}
}

// TestWalkRefusesKustomization: a directory holding a kustomization, given
// or met in a walk, is an error naming its kustomization file and saying
// to use -k; nothing under it is read.
func TestWalkRefusesKustomization(t *testing.T) {
	t.Parallel()
	for _, name := range kustomizationNames {
		root := filetree.Write(t, map[string]string{
			"base/" + name:         "resources: [web.yaml]\n",
			"base/web.yaml":        deployment("shop", "web"),
			"overlay/" + name:      "resources: [../base]\n",
			"overlay/patch.yaml":   "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: shop}\nspec:\n  ingress: []\n",
			"plain/namespace.yaml": obj("v1", "Namespace", "", "shop"),
		})
		_, diags, err := Load(context.Background(), []string{root})
		if err == nil {
			t.Fatalf("%s: loaded a tree of kustomizations; want an error", name)
		}
		var errs []string
		for _, d := range diags.Errors() {
			errs = append(errs, d.Error())
		}
		want := []string{
			filepath.Join(root, "base", name) + ": this directory is a kustomization: its files are inputs to kustomize, not the objects it renders; use -k " + filepath.Join(root, "base") + " (as with kubectl apply -k)",
			filepath.Join(root, "overlay", name) + ": this directory is a kustomization: its files are inputs to kustomize, not the objects it renders; use -k " + filepath.Join(root, "overlay") + " (as with kubectl apply -k)",
		}
		if diff := cmp.Diff(want, errs); diff != "" {
			t.Errorf("%s: errors (-want +got):\n%s", name, diff)
		}
		_, _, err = Load(context.Background(), []string{filepath.Join(root, "overlay")})
		if err == nil || !strings.Contains(err.Error(), "use -k "+filepath.Join(root, "overlay")) {
			t.Errorf("%s: -f on the kustomization itself: %v", name, err)
		}
	}
}
