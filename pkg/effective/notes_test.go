package effective

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/reach"
)

// TestLintNotes: check's results carry the lint findings that may explain
// them — a typo in the peer of the policy meant to admit meshed pods to
// linkerd-identity; a peer on linkerd.io/proxy-deployment that misses a
// StatefulSet's pods on the way to linkerd-destination — and only under
// the flows whose blocking policies they are about.
func TestLintNotes(t *testing.T) {
	t.Parallel()
	rep, a := checkWithNotes(t, "../../examples/emojivoto-linkerd/", "testdata/lint-notes.yaml")
	want := map[string]string{
		"proxy-to-identity":    "lint: selector-no-match (NetworkPolicy linkerd/allow-identity, spec.ingress[0].from[0].podSelector) may be why: podSelector linkerd.io/control-plane-ns=linkerdd",
		"proxy-to-destination": "lint: mesh-proxy-deployment-selector (NetworkPolicy linkerd/allow-destination, spec.ingress[0].from[0].podSelector) may be why:",
		"proxy-to-policy":      "lint: mesh-proxy-deployment-selector (NetworkPolicy linkerd/allow-destination",
	}
	wantNotes(t, rep, want)

	// Every flow passes without the two policies' mistakes: lint is not asked.
	clean := &check.Report{Results: []check.Result{{ID: "ok", Status: check.StatusOK}}}
	if err := LintNotes(clean, a); err != nil || clean.Results[0].Notes != nil {
		t.Errorf("all passed: notes %q, err %v; want none", clean.Results[0].Notes, err)
	}
}

// TestTierLintNotes: findings about cluster policies go under the flows
// whose verdict names that policy's Deny — an Admin-tier
// ClusterNetworkPolicy (v1alpha2), an AdminNetworkPolicy and a
// BaselineAdminNetworkPolicy (v1alpha1) that each admit the meshed pods
// through a selector that matches nothing before denying one port — and
// only on the port of the rule found; a mistake in a rule after the Deny
// (meshed-to-destination's third rule) is never a note.
func TestTierLintNotes(t *testing.T) {
	t.Parallel()
	rep, _ := checkWithNotes(t, "../../examples/emojivoto-tiers/cluster/", "testdata/tier-notes.yaml")
	wantNotes(t, rep, map[string]string{
		"proxy-to-identity":    "lint: selector-no-match (ClusterNetworkPolicy meshed-to-identity, spec.ingress[0].from[0].namespaces) may be why: namespace selector kubernetes.io/metadata.nam in (emojivoto,linkerd-viz)",
		"proxy-to-destination": "lint: selector-no-match (AdminNetworkPolicy meshed-to-destination, spec.ingress[0].from[0].pods.podSelector) may be why: podSelector linkerd.io/control-plane-ns=linkerdd",
		"proxy-to-policy":      "lint: selector-no-match (BaselineAdminNetworkPolicy default, spec.egress[0].to[0].namespaces) may be why:",
	})
}

// checkWithNotes checks the meshed cluster of paths and adds lint's notes.
func checkWithNotes(t *testing.T, paths ...string) (*check.Report, *reach.Analysis) {
	t.Helper()
	rep, a, _, err := Check(load(t, paths...), []Option{WithMesh(MeshLinkerd)})
	if err != nil {
		t.Fatal(err)
	}
	if err := LintNotes(rep, a); err != nil {
		t.Fatal(err)
	}
	return rep, a
}

// wantNotes requires exactly one note, starting as want says, under each
// result want names, and none under the others.
func wantNotes(t *testing.T, rep *check.Report, want map[string]string) {
	t.Helper()
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

}
