package manifest

import (
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestYAMLDocuments(t *testing.T) {
	t.Parallel()
	cm := "apiVersion: v1\nkind: ConfigMap\n"
	tests := []struct {
		name, in string
		want     []string // error diagnostics
	}{
		{"aliases never cross documents (kubectl parses each alone)",
			cm + "metadata: &m {name: a, namespace: ns}\n---\n" + cm + "metadata: *m\n",
			[]string{"error: in.yaml:7: invalid YAML: alias *m refers to no anchor defined before it in its document"}},
		{"an undefined alias has its line", cm + "metadata: {name: a}\ndata:\n  x: *nowhere\n",
			[]string{"error: in.yaml:5: invalid YAML: alias *nowhere refers to no anchor defined before it in its document"}},
		{"a syntax error spoils only its document", cm + "metadata: {name: a\n---\n" + cm + "metadata: {name: b}\ndata: [\n",
			[]string{"error: in.yaml:2: invalid YAML: did not find expected ',' or '}'", "error: in.yaml:8: invalid YAML: did not find expected node content"}},
		{"--- with content, ... ends a document", "--- " + "{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}\n...\n%YAML 1.1\n---\n" + cm + "metadata: {name: b}\n", nil},
		{"preamble comments before ---", "# a comment\n\n---\n" + cm + "metadata: {name: a}\n", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, decodeErrors(tt.in)); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func decodeErrors(in string) []string {
	_, diags, _ := Decode("in.yaml", []byte(in))
	return diagStrings(diags.Errors())
}

// TestBinaryTag: kubectl (goyaml v2 under sigs.k8s.io/yaml) decodes a
// !!binary scalar's base64 into the string of its bytes.
func TestBinaryTag(t *testing.T) {
	t.Parallel()
	cm := "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels:\n    team: "
	c, _ := decodeOK(t, cm+"!!binary c2FsZXM=\n")
	if got := c.Namespaces[0].Labels["team"]; got != "sales" {
		t.Errorf("label = %q, want %q", got, "sales")
	}
	c, _ = decodeOK(t, cm+"!!binary |\n      c2Fs\n      ZXM=\n")
	if got := c.Namespaces[0].Labels["team"]; got != "sales" {
		t.Errorf("multi-line: label = %q, want %q", got, "sales")
	}
	want := []string{"error: in.yaml:6: Namespace shop: metadata.labels.team: !!binary value contains invalid base64 data"}
	if diff := cmp.Diff(want, decodeErrors(cm+"!!binary not*base64\n")); diff != "" {
		t.Errorf("invalid base64 (-want +got):\n%s", diff)
	}
}

// TestHugeDocumentRefused: a document over maxDocument that is no List is
// an error, not a tree of gigabytes; a List that large is read.
func TestHugeDocumentRefused(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds 64 MiB documents")
	}
	big := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata:\n  k: " + strings.Repeat("x", maxDocument) + "\n"
	want := []string{"error: in.yaml:1: invalid YAML: a document of 64.0 MiB, larger than any object the API server accepts (64 MiB read whole at most); only a List (block style, without anchors) may be this large, and it is read item by item"}
	if diff := cmp.Diff(want, decodeErrors(big)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	var items []string
	for i := range maxDocument / 200_000 {
		items = append(items, obj("v1", "ConfigMap", "ns", fmt.Sprintf("cm-%d", i), "data:", "  k: "+strings.Repeat("x", 200_000)))
	}
	if errs := decodeErrors(listOf("apiVersion: v1\nkind: List\n", "", items...)); len(errs) > 0 {
		t.Errorf("List: %v", errs)
	}
}
