package manifest

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/filetree"
)

// TestDuplicateWithinOneInput: the same object twice within one input
// (a file, a List, a directory walk) is an error naming both places;
// another kind with the same name is not a duplicate.
func TestDuplicateWithinOneInput(t *testing.T) {
	t.Parallel()
	_, diags, err := Decode("in.yaml", []byte(docs(
		deployment("ns", "web", "  replicas: 1"),
		obj("v1", "Service", "ns", "web"),
		deployment("ns", "web", "  replicas: 5"),
	)))
	if err == nil {
		t.Fatal("no error")
	}
	want := "error: in.yaml:19: Deployment ns/web: defined twice in one input, first at in.yaml:1 (only a later source may replace an object)"
	if got := diagStrings(diags.Errors()); len(got) != 1 || got[0] != want {
		t.Errorf("errors = %q, want [%q]", got, want)
	}
	root := filetree.Write(t, map[string]string{"a/web.yaml": deployment("ns", "web"), "b/web.yaml": deployment("ns", "web")})
	_, diags, _ = Load(context.Background(), []string{root})
	want = "error: " + filepath.Join(root, "b/web.yaml") + ":1: Deployment ns/web: defined twice in one input, first at " + filepath.Join(root, "a/web.yaml") + ":1 (only a later source may replace an object)"
	if got := diagStrings(diags.Errors()); len(got) != 1 || got[0] != want {
		t.Errorf("directory walk: errors = %q, want [%q]", got, want)
	}
}

// TestPlacedInDefault: namespaced objects that name no namespace are
// placed in the default namespace and counted per source.
func TestPlacedInDefault(t *testing.T) {
	t.Parallel()
	b := NewBuilder(WithDefaultNamespace("shop"))
	b.Decode("chart.yaml", []byte(docs(deployment("", "web"), obj("v1", "Service", "", "web"), obj("v1", "Namespace", "", "x"))))
	b.Decode("other.yaml", []byte(docs(deployment("prod", "api"), deployment("", "db"))))
	c, _, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[string]int{"chart.yaml": 2, "other.yaml": 1}, b.Placed()); diff != "" {
		t.Errorf("placed (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"Deployment prod/api:", "Deployment shop/db:", "Deployment shop/web:"}, workloadNames(c)); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
}
