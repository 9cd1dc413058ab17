package synth_test

import (
	"bytes"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestTieredPreset: the tiered preset has the shape (L: 200
// cluster policies, half Admin, half Baseline, every action), every
// policy compiles with no invalid rule, and the cluster loads back from
// its manifests with the same cluster policies and Nodes.
func TestTieredPreset(t *testing.T) {
	t.Parallel()
	if n := synth.SizeL.Tiered(1).ClusterPolicies; n != 200 {
		t.Errorf("L tiered: %d cluster policies, want 200", n)
	}
	c := synth.Generate(synth.SizeM.Tiered(3))
	ps, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		t.Fatal(err)
	}
	tiers, actions := map[tier.Tier]int{}, map[tier.Action]int{}
	for _, p := range ps {
		tiers[p.Tier]++
		for _, rs := range p.Rules {
			for _, r := range rs {
				actions[r.Action]++
				if r.Invalid != "" {
					t.Errorf("%s rule %d: %s", p.ID, r.Index, r.Invalid)
				}
			}
		}
	}
	if tiers[tier.Admin] != len(ps)/2 || tiers[tier.Baseline] != len(ps)-len(ps)/2 || actions[tier.Accept] == 0 || actions[tier.Deny] == 0 || actions[tier.Pass] == 0 {
		t.Errorf("tiers %v, actions %v", tiers, actions)
	}
	if len(c.Nodes) == 0 {
		t.Error("no Nodes")
	}
	var buf bytes.Buffer
	if err := synth.Write(&buf, c, synth.FormatYAML); err != nil {
		t.Fatal(err)
	}
	loaded, _, err := manifest.Decode("tiered.yaml", buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if len(loaded.ClusterPolicies) != len(c.ClusterPolicies) || len(loaded.Nodes) != len(c.Nodes) {
		t.Errorf("loaded %d cluster policies and %d nodes, generated %d and %d",
			len(loaded.ClusterPolicies), len(loaded.Nodes), len(c.ClusterPolicies), len(c.Nodes))
	}
}
