package check

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
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

// fqdnEgress is an Admin-tier ClusterNetworkPolicy of the pods of
// namespace ns: rule 0 accepts TCP/8086 to *.example.com (domainNames,
// which the manifests cannot resolve), rule 1 denies TCP/8086 to the
// linkerd namespace. withFQDN false leaves rule 0 out.
func fqdnEgress(name, ns string, withFQDN bool) model.ClusterPolicy {
	port := []v1alpha2.ClusterNetworkPolicyProtocol{{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1alpha2.Port{Number: 8086}}}}
	nsSel := func(n string) *metav1.LabelSelector {
		return &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: n}}
	}
	var rules []v1alpha2.ClusterNetworkPolicyEgressRule
	if withFQDN {
		rules = append(rules, v1alpha2.ClusterNetworkPolicyEgressRule{Name: "fqdn", Action: v1alpha2.ClusterNetworkPolicyRuleActionAccept,
			To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{DomainNames: []v1alpha2.DomainName{"*.example.com"}}}, Protocols: port})
	}
	rules = append(rules, v1alpha2.ClusterNetworkPolicyEgressRule{Name: "deny-destination", Action: v1alpha2.ClusterNetworkPolicyRuleActionDeny,
		To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{Namespaces: nsSel("linkerd")}}, Protocols: port})
	return model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name},
		Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: v1alpha2.AdminTier, Priority: 1,
			Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: nsSel(ns)}, Egress: rules}}}
}

// TestUndecidedFlow: a mesh flow whose connections a cluster policy rule
// leaves undecided (domainNames: allowed if a name resolves to the peer,
// denied if not) is ‼ "cannot know" naming the rule, never × with the
// policy merely listed, and never ✔; a × for other connections stays ×.
func TestUndecidedFlow(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		cps        []model.ClusterPolicy
		status     Status
		cannotKnow bool
		undecided  int
		details    []string // substrings, each of some detail line
	}{
		{"domain_names_rule_undecided_is_cannot_know", []model.ClusterPolicy{fqdnEgress("fqdn-egress", "emojivoto", true)}, StatusWarning, true, 3,
			[]string{"cannot know: 3 connections depend on a cluster policy rule the manifests cannot decide, e.g. emojivoto/",
				"undecided by a cluster policy (egress at emojivoto/web): Admin tier: Accept (if a domain name matches) by clusternetworkpolicy/fqdn-egress rule 0 (fqdn): clusternetworkpolicy/fqdn-egress rule 0 matches by domainNames, which the manifests cannot resolve: allowed if it matches, denied if not"}},
		{"deny_without_domain_names_blocks", []model.ClusterPolicy{fqdnEgress("deny-egress", "emojivoto", false)}, StatusError, false, 0,
			[]string{"blocked by a cluster policy (egress at emojivoto/web): Admin tier: Deny by clusternetworkpolicy/deny-egress rule 0 (deny-destination)"}},
		{"blocked_and_undecided_stays_error", []model.ClusterPolicy{fqdnEgress("fqdn-egress", "emojivoto", true), fqdnEgress("deny-books", "books", false)}, StatusError, false, 3,
			[]string{"blocked by a cluster policy (egress at books/app)", "cannot know: 3 connections", "undecided by a cluster policy (egress at emojivoto/"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := currentCluster()
			c.ClusterPolicies = tt.cps
			rep := mustRun(t, c, install(t, "edge-26.8.3", linkerd.WithComponents("destination", "identity", "proxy-injector")))
			r := resultByID(t, rep, "proxy-to-destination")
			if r.Status != tt.status || r.CannotKnow != tt.cannotKnow || len(r.Undecided) != tt.undecided || rep.CannotKnow() != tt.cannotKnow {
				t.Errorf("status %v cannotKnow %v (report %v) undecided %d; want %v %v %d (details %q)", r.Status, r.CannotKnow, rep.CannotKnow(),
					len(r.Undecided), tt.status, tt.cannotKnow, tt.undecided, r.Details)
			}
			for _, p := range r.Blocked {
				if p.Undecided {
					t.Errorf("undecided pair %s → %s among the blocked", p.From, p.To)
				}
			}
			text := strings.Join(r.Details, "\n")
			for _, d := range tt.details {
				if !strings.Contains(text, d) {
					t.Errorf("no detail contains %q:\n%s", d, text)
				}
			}
		})
	}
}
