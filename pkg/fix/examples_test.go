package fix_test

import (
	"testing"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

const (
	current   = "../../examples/emojivoto-linkerd/"
	seedEra   = "../../examples/emojivoto-linkerd-seed-era/"
	seedFix   = "../../examples/seed-fix/seed-fix.yaml"
	seedLabel = "../../examples/seed-fix/seed-era-namespace-label.yaml"
	apiserver = "apiserver=172.16.0.2/32"
)

var exampleInputs = []struct {
	name  string
	paths []string
}{
	{"current", []string{current}},
	{"current+seed-fix", []string{current, seedFix}},
	{"seed-era", []string{seedEra}},
	{"seed-era+seed-fix", []string{seedEra, seedFix, seedLabel}},
}

// detect is linkerd.Detect that fails the test on error.
func detect(t testing.TB, c *model.Cluster) *linkerd.Install {
	t.Helper()
	in, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	return in
}

// TestExamples proposes fixes for the shipped examples in both styles, with
// and without the API server's address, and judges each by the reach
// matrix of the injected cluster: the fix succeeds, leaves nothing fixable
// failing, takes no connection away, and adds only what the mesh's flows
// require (style minimal: their wire ports between their peers; style
// broad: any port, but only between namespaces some flow connects and
// endpoints some flow involves, since broad rules select whole namespaces
// by design). The examples declare no pod instances, so the workload-level
// matrix is also the pod-level one.
func TestExamples(t *testing.T) {
	t.Parallel()
	for _, ex := range exampleInputs {
		for _, style := range []fix.Style{fix.StyleMinimal, fix.StyleBroad} {
			for _, externals := range [][]string{nil, {apiserver}} {
				name := ex.name + "/" + style.String() + "/no-external"
				if externals != nil {
					name = ex.name + "/" + style.String() + "/external"
				}
				t.Run(name, func(t *testing.T) {
					t.Parallel()
					c := load(t, ex.paths, externals...)
					in := detect(t, c)
					prop, err := fix.Propose(c, in, fix.WithStyle(style))
					if err != nil {
						t.Fatalf("Propose: %v", err)
					}
					for _, r := range prop.After.Results {
						if r.Status != check.StatusOK && r.Fixable && len(r.Blocked) > 0 {
							t.Errorf("still failing after the fix: %s %s (%v)", r.Status.Symbol(), r.Description, r.Details)
						}
					}
					selectsOnlyIsolated(t, c, in, prop)
					before, after := matrixOf(t, in.Inject(c)), matrixOf(t, in.Inject(withProposal(c, prop)))
					for _, p := range compare(before, after, required(in.Inject(c), in), style) {
						t.Error(p)
					}
					if externals == nil && len(prop.Unfixable) != len(prop.Placeholders) {
						t.Errorf("%d unfixable checks but %d placeholders: %q", len(prop.Unfixable), len(prop.Placeholders), prop.Unfixable)
					}
					if externals != nil && len(prop.Unfixable)+len(prop.Placeholders) > 0 {
						t.Errorf("with the API server's address nothing should stay unfixable: %q", prop.Unfixable)
					}
				})
			}
		}
	}
}

// TestExamplesNeedAFix guards the test above against vacuity: with the API
// server's address every example has something to fix (the seed's own fix
// never admitted the API server to the public API on 8085).
func TestExamplesNeedAFix(t *testing.T) {
	t.Parallel()
	for _, ex := range exampleInputs {
		c := load(t, ex.paths, apiserver)
		prop, err := fix.Propose(c, detect(t, c))
		if err != nil {
			t.Fatal(err)
		}
		if len(prop.Policies) == 0 {
			t.Errorf("%s: nothing proposed", ex.name)
		}
	}
}
