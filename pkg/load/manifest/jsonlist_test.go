package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestJSONListNotPlain: a JSON List with items the fast path cannot take
// is read item by item, with the exact path's answer and diagnostics.
func TestJSONListNotPlain(t *testing.T) {
	t.Parallel()
	item := func(name, extra string) string {
		return `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"` + name + `","namespace":"ns"},` +
			`"spec":{` + extra + `"selector":{"matchLabels":{"app":"` + name + `"}},"template":{"metadata":{"labels":{"app":"` + name + `"}},` +
			`"spec":{"containers":[{"name":"c","image":"i","ports":[{"containerPort":80}]}]}}}}`
	}
	deep := strings.Repeat(`{"a":`, maxDepth) + "1" + strings.Repeat("}", maxDepth)
	for name, in := range map[string]string{
		"a float":                  `{"apiVersion":"v1","kind":"List","items":[` + item("a", "") + ",\n" + item("b", `"replicas":2.0,`) + "]}",
		"a wrong float":            `{"apiVersion":"v1","kind":"List","items":[` + item("a", "") + ",\n" + item("b", `"replicas":2.5,`) + "]}",
		"a long number":            `{"apiVersion":"v1","kind":"DeploymentList","items":[` + "\n" + item("a", `"replicas":1000000000000000000000,`) + "]}",
		"nested too deep: exact":   `{"apiVersion":"v1","kind":"List","items":[` + item("a", "") + `,{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":` + deep + "}]}",
		"a List in it, not plain":  `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"List","items":[` + item("a", `"replicas":1e0,`) + "]}]}",
		"items not objects":        `{"apiVersion":"v1","kind":"List","items":[1.5, "x", null]}`,
		"two Lists: exact path":    `{"apiVersion":"v1","kind":"List","items":[1.5]}` + "\n" + `{"apiVersion":"v1","kind":"List","items":[]}`,
		"kind missing: exact path": `{"apiVersion":"v1","items":[1.5]}`,
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sameAsExact(t, "in.json", []byte(in), false)
		})
	}
}

// TestHugeJSONValueRefused: a top-level JSON value over maxDocument that
// only the tree path could read is an error, not a tree of gigabytes.
func TestHugeJSONValueRefused(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds a 64 MiB value")
	}
	in := `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"x":1.5,"data":{"k":"` + strings.Repeat("x", maxDocument) + "\"}}\n"
	_, diags, _ := Decode("in.json", []byte(`{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}`+"\n"+in))
	want := []string{"error: in.json:2: invalid JSON: a value of 64.0 MiB, larger than any object the API server accepts (64 MiB read whole at most); only a List (one per stream) may be this large, and it is read item by item"}
	if diff := cmp.Diff(want, diagStrings(diags.Errors())); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}
