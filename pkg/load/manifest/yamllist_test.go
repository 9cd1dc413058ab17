package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

// decodeSplit is Decode with YAML Lists of at least split bytes read item
// by item.
func decodeSplit(name string, data []byte, split int) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(nil))
	b.listSplit = split
	b.decode(name, data)
	return b.finish()
}

// sameSplitOrWhole checks that reading Lists item by item gives what
// reading them whole does. An input the cut cannot read (a quoted string
// or flow collection continued at the items' indentation, which goyaml
// accepts) may be an error cut and not whole; it is never another answer.
func sameSplitOrWhole(t testing.TB, data []byte) {
	t.Helper()
	want, wantDiags, wantErr := decodeSplit("in.yaml", data, 1<<40)
	got, gotDiags, gotErr := decodeSplit("in.yaml", data, 1)
	if gotErr != nil && wantErr == nil {
		t.Logf("read whole, not cut: %v", diagStrings(gotDiags.Errors()))
		return
	}
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("error: whole %v, cut %v", wantErr, gotErr)
	}
	if wantErr != nil {
		return // both refuse the input; the diagnostics may differ in how many items were read
	}
	if diff := cmp.Diff(diagStrings(wantDiags), diagStrings(gotDiags)); diff != "" {
		t.Fatalf("diagnostics differ (-whole +cut):\n%s", diff)
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Fatalf("clusters differ (-whole +cut):\n%s", diff)
	}
}

func listOf(head, tail string, items ...string) string {
	s := head + "items:\n"
	for _, it := range items {
		s += "- " + indentItem(it)
	}
	return s + tail
}

var listCases = map[string]string{
	"kubectl get -o yaml": listOf("apiVersion: v1\nkind: List\n", "metadata:\n  resourceVersion: \"\"\n",
		obj("v1", "ConfigMap", "ns", "a"), deployment("ns", "web", "  replicas: 2"), policy("podSelector: {}")),
	"PodList, items indented, comments between": "apiVersion: v1\nkind: PodList\nitems:\n  # first\n  - " +
		strings.ReplaceAll(indentItem(pod("ns", "p1")), "\n  ", "\n    ") + "\n# between\n  - " +
		strings.ReplaceAll(indentItem(pod("ns", "p2")), "\n  ", "\n    "),
	"block scalar in an item": listOf("apiVersion: v1\nkind: List\n", "",
		obj("v1", "ConfigMap", "ns", "a", "data:", "  f: |", "    - not an item", "    # not a comment")),
	"not a List: a ConfigMap with items": "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nitems:\n- a\n- b\n",
	"anchors: read whole":                listOf("apiVersion: v1\nkind: List\n", "", "apiVersion: v1\nkind: ConfigMap\nmetadata: &m {name: a, namespace: ns}", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  <<: *m\n  name: b"),
	"syntax error in an item":            listOf("apiVersion: v1\nkind: List\n", "", obj("v1", "ConfigMap", "ns", "a"), "apiVersion: v1\nkind: [\n"),
	"head without kind":                  listOf("apiVersion: v1\n", "", obj("v1", "ConfigMap", "ns", "a")),
	"two items keys":                     listOf("apiVersion: v1\nkind: List\n", "items: []\n", obj("v1", "ConfigMap", "ns", "a")),
	"List in a List":                     listOf("apiVersion: v1\nkind: List\n", "", listOf("apiVersion: v1\nkind: List\n", "", obj("v1", "ConfigMap", "ns", "a"))),
	"a stream of Lists":                  docs(listOf("apiVersion: v1\nkind: List\n", "", obj("v1", "ConfigMap", "ns", "a")), listOf("apiVersion: v1\nkind: List\n", "kind: ServiceList\n", obj("v1", "ConfigMap", "ns", "b"))),
	"quoted string continued":            listOf("apiVersion: v1\nkind: List\n", "", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ns}\ndata: {x: \"one\ntwo\"}"),
}

func TestListItemByItem(t *testing.T) {
	t.Parallel()
	for name, in := range listCases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sameSplitOrWhole(t, []byte(in))
		})
	}
}

// TestListItemLines: items read a batch at a time keep the lines of the
// document, and so do the keys after the items.
func TestListItemLines(t *testing.T) {
	t.Parallel()
	var items []string
	for i := range 2000 { // about 200 KiB: several batches
		items = append(items, obj("v1", "ConfigMap", "ns", fmt.Sprintf("cm-%04d", i), "  labels: {a: b}", "data: {k: v}"))
	}
	in := listOf("apiVersion: v1\nkind: List\n", "metadata: {resourceVersion: \"\"}\n", items...)
	c, _, err := decodeSplit("in.yaml", []byte(in), 1)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(in, "\n")
	for _, o := range c.Objects {
		l := o.Source.Line
		if text := strings.Join(lines[l-1:l+3], "\n"); !strings.HasPrefix(text, "- apiVersion: v1") || !strings.Contains(text, o.Name) {
			t.Fatalf("%s at line %d: %q", o.Name, l, text)
		}
	}
	sameSplitOrWhole(t, []byte(in+"kind: [\n"))
}

// TestFindList: which documents are cut.
func TestFindList(t *testing.T) {
	t.Parallel()
	for name, want := range map[string]bool{
		"kubectl get -o yaml":                       true,
		"PodList, items indented, comments between": true,
		"block scalar in an item":                   true,
		"not a List: a ConfigMap with items":        true, // cut, but its head is no List's: read whole
		"anchors: read whole":                       false,
		"two items keys":                            true, // the second is in the head: read whole
		"quoted string continued":                   true,
	} {
		if _, got := findList([]byte(listCases[name])); got != want {
			t.Errorf("%s: findList = %v, want %v", name, got, want)
		}
	}
	for in, want := range map[string]bool{
		"%YAML 1.1\n---\nkind: List\nitems:\n- a\n": false,
		"kind: List\nitems: [a]\n":                  false,
		"kind: List\nitems:\n  - a\n - b\n":         false,
		"kind: List\nitems: # c\n- a\n":             true,
	} {
		if _, got := findList([]byte(in)); got != want {
			t.Errorf("%q: findList = %v, want %v", in, got, want)
		}
	}
}

func FuzzListSplit(f *testing.F) {
	for _, in := range listCases {
		f.Add([]byte(in))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		sameSplitOrWhole(t, data)
	})
}
