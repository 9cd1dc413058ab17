package check

import (
	"testing"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestTierBlock: which tier a blocked flow's cause line names, one row
// per way a direction can deny.
func TestTierBlock(t *testing.T) {
	t.Parallel()
	step := func(layer, pol string, rule int, action string) tier.Step {
		return tier.Step{Layer: layer, Policy: pol, Rule: rule, Action: action}
	}
	region := func(o tier.Outcome, undecided string, steps ...tier.Step) tier.Region {
		return tier.Region{Result: tier.Result{Outcome: o, Chain: steps, Undecided: undecided}}
	}
	tests := []struct {
		name string
		side policy.Side
		want string
	}{
		{"admin_deny_is_named", policy.Side{Tiers: []tier.Region{region(tier.Denied, "", step("Admin tier", "clusternetworkpolicy/x", 2, "Deny"))}},
			"Admin tier: Deny by clusternetworkpolicy/x rule 2"},
		{"baseline_deny_is_named", policy.Side{Tiers: []tier.Region{region(tier.Denied, "", step("Baseline tier", "clusternetworkpolicy/b", 1, "Deny"))}},
			"Baseline tier: Deny by clusternetworkpolicy/b rule 1"},
		{"networkpolicy_after_pass_is_not_a_tier_block", policy.Side{Tiers: []tier.Region{region(tier.Denied, "",
			step("Admin tier", "clusternetworkpolicy/x", 0, "Pass"), step("NetworkPolicy", "ns/np", -1, "denied"))}}, ""},
		{"undecided_says_why", policy.Side{Tiers: []tier.Region{region(tier.Unknown, "clusternetworkpolicy/d rule 0 matches by domainNames",
			step("Admin tier", "clusternetworkpolicy/d", 0, "Accept (if a domain name matches)"))}},
			"Admin tier: Accept (if a domain name matches) by clusternetworkpolicy/d rule 0: clusternetworkpolicy/d rule 0 matches by domainNames"},
		{"allowed_regions_are_skipped", policy.Side{Tiers: []tier.Region{region(tier.Allowed, "", step("Admin tier", "clusternetworkpolicy/a", 0, "Accept")),
			region(tier.Denied, "", step("Baseline tier", "clusternetworkpolicy/b", 1, "Deny"))}}, "Baseline tier: Deny by clusternetworkpolicy/b rule 1"},
		{"no_tiers", policy.Side{}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tierBlock(tc.side); got != tc.want {
				t.Errorf("tierBlock = %q, want %q", got, tc.want)
			}
		})
	}
}
