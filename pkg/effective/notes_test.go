package effective

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/check"
)

// TestLintNotes: check's results carry the lint findings that may explain
// them — a typo in the peer of the policy meant to admit meshed pods to
// linkerd-identity; a peer on linkerd.io/proxy-deployment that misses a
// StatefulSet's pods on the way to linkerd-destination — and only under
// the flows whose blocking policies they are about.
func TestLintNotes(t *testing.T) {
	t.Parallel()
	c := load(t, "../../examples/emojivoto-linkerd/", "testdata/lint-notes.yaml")
	rep, a, _, err := Check(c, []Option{WithMesh(MeshLinkerd)})
	if err != nil {
		t.Fatal(err)
	}
	if err := LintNotes(rep, a); err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"proxy-to-identity":    "lint: selector-no-match (NetworkPolicy linkerd/allow-identity, spec.ingress[0].from[0].podSelector) may be why: podSelector linkerd.io/control-plane-ns=linkerdd",
		"proxy-to-destination": "lint: mesh-proxy-deployment-selector (NetworkPolicy linkerd/allow-destination, spec.ingress[0].from[0].podSelector) may be why:",
		"proxy-to-policy":      "lint: mesh-proxy-deployment-selector (NetworkPolicy linkerd/allow-destination",
	}
	seen := 0
	for _, res := range rep.Results {
		w, ok := want[res.ID]
		if !ok {
			if len(res.Notes) > 0 {
				t.Errorf("%s: unexpected notes %q", res.ID, res.Notes)
			}
			continue
		}
		seen++
		if len(res.Notes) != 1 || !strings.HasPrefix(res.Notes[0], w) {
			t.Errorf("%s: notes %q, want one starting %q", res.ID, res.Notes, w)
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d flows %v", seen, len(want), want)
	}

	// Every flow passes without the two policies' mistakes: lint is not asked.
	clean := &check.Report{Results: []check.Result{{ID: "ok", Status: check.StatusOK}}}
	if err := LintNotes(clean, a); err != nil || clean.Results[0].Notes != nil {
		t.Errorf("all passed: notes %q, err %v; want none", clean.Results[0].Notes, err)
	}
}
