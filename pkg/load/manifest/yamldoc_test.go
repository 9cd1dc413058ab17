package manifest

import (
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
