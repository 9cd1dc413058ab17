package cli

import (
	"strings"
	"testing"
)

// TestNamespacePlacement: objects that name no namespace go where kubectl
// puts them (-n, else "default" when no cluster is read), and stderr says
// how many, from which source, and why; the same object twice in one
// input is an input error naming both places.
func TestNamespacePlacement(t *testing.T) {
	const manifest = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: c, image: i}]}\n"
	tests := []struct {
		name, stdin string
		args        []string
		code        int
		stderr      string
	}{
		{"default", manifest, []string{"matrix", "-f", "-"}, ExitOK,
			`warning: placed 1 object that names no namespace in namespace "default" (kubectl's default: no -n given): <stdin> (1)`},
		{"given", manifest, []string{"matrix", "-f", "-", "-n", "shop"}, ExitOK,
			`notice: placed 1 object that names no namespace in namespace "shop" (given with -n): <stdin> (1)`},
		{"duplicate in one input", manifest + "---\n" + manifest, []string{"matrix", "-f", "-", "-n", "shop"}, ExitInput,
			"podreach: <stdin>:10: Deployment shop/web: defined twice in one input, first at <stdin>:1 (only a later source may replace an object)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, tt.stdin, tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr+"\n") {
				t.Errorf("exit %d, stderr:\n%s\nwant exit %d and the line %q", code, errOut, tt.code, tt.stderr)
			}
		})
	}
}
