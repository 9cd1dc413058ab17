package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
)

// TestFieldLines: a finding's line moves from its object's first line to
// its field's, in plain documents and List items; what is not found keeps
// the deepest line found.
func TestFieldLines(t *testing.T) {
	const doc = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec:
  podSelector: {}
  ingress:
  - ports: [{port: 80}]
  - from:
    - podSelector: {matchLabels: {app: web}}
    - namespaceSelector:
        matchLabels: {team: ops}
---
apiVersion: v1
kind: List
items:
- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: b, namespace: shop}
  spec:
    egress:
    - to: [{ipBlock: {cidr: 0.0.0.0/0}}]
`
	path := filepath.Join(t.TempDir(), "p.yaml")
	if err := os.WriteFile(path, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name   string
		object int
		field  string
		want   int
	}{
		{"spec", 1, "spec", 4},
		{"podSelector", 1, "spec.podSelector", 5},
		{"second rule", 1, "spec.ingress[1]", 8},
		{"peer", 1, "spec.ingress[1].from[1]", 10},
		{"selector in a block mapping", 1, "spec.ingress[1].from[1].namespaceSelector", 10},
		{"port entry", 1, "spec.ingress[0].ports[0].port", 7},
		{"missing field: deepest found", 1, "spec.egress", 4},
		{"index out of range", 1, "spec.ingress[5]", 6},
		{"List item", 16, "spec.egress[0].to[0].ipBlock", 21},
		{"no field", 1, "", 1},
	} {
		t.Run(tt.name, func(t *testing.T) {
			fs := []lint.Finding{{Field: tt.field, Source: model.Source{File: path, Line: tt.object}}}
			fieldLines(fs)
			if fs[0].Source.Line != tt.want {
				t.Errorf("line %d, want %d", fs[0].Source.Line, tt.want)
			}
		})
	}
}

// FuzzFieldLine: any field path, over any YAML, gives a line of the object
// (never a panic, never a line outside the document).
func FuzzFieldLine(f *testing.F) {
	f.Add("spec:\n  ingress:\n  - from: [{podSelector: {}}]\n", "spec.ingress[0].from[0].podSelector")
	f.Add("spec: {egress: [1, 2]}\n", "spec.egress[-1]")
	f.Add("a: [[x]]\n", "a[0][0]")
	f.Fuzz(func(t *testing.T, doc, path string) {
		var n yaml.Node
		if yaml.Unmarshal([]byte(doc), &n) != nil || len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			t.Skip()
		}
		lines := strings.Count(doc, "\n") + 1
		if got := fieldLine(n.Content[0], path); got < 1 || got > lines {
			t.Errorf("line %d of a %d-line document", got, lines)
		}
	})
}
