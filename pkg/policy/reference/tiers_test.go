package reference_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// tierCase is one API sentence encoded: a cluster, one connection, the
// outcome and the chain (or undecided/ambiguity text) the API implies.
type tierCase struct {
	name     string
	cps      []model.ClusterPolicy
	nps      []model.Policy
	src, dst int
	proto    model.Protocol
	port     int
	want     tier.Outcome
	chain    string // substring of the deciding side's chain (or of Undecided/Ambiguous)
}

var all = sel() // an empty selector: everything

// TestTierRules: one row per API sentence (docs/tiers.md lists them with
// their sources).
func TestTierRules(t *testing.T) {
	t.Parallel()
	nsA, nsB := sel("team", "a"), sel("team", "b")
	cases := []tierCase{
		// "If Admin tier has made a final decision (Accept or Deny) on a connection, then no further evaluation is done."
		{name: "admin_accept_is_final", cps: []model.ClusterPolicy{cnp("acc", admin, 10, nsB, in(accept, nil, fromNS(nsA)))},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "Admin tier: Accept by clusternetworkpolicy/acc rule 0"},
		{name: "admin_deny_is_final", cps: []model.ClusterPolicy{cnp("den", admin, 10, nsB, in(deny, nil, fromNS(nsA)))},
			nps: []model.Policy{allowAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Admin tier: Deny by clusternetworkpolicy/den rule 0"},
		// "Pass: Skips all further ClusterNetworkPolicy rules in the current tier for the selected traffic, and passes evaluation to the next tier."
		{name: "admin_pass_goes_to_networkpolicy", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsB, in(pass, nil, fromNS(nsA))), cnp("q", admin, 2, nsB, in(accept, nil, fromNS(nsA)))},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Admin tier: Pass by clusternetworkpolicy/p rule 0 → NetworkPolicy: denied"},
		// "Policies with lower priority values have higher precedence, and are checked before policies with higher priority values in the same tier."
		{name: "lower_priority_value_first", cps: []model.ClusterPolicy{cnp("z-deny", admin, 20, nsB, in(deny, nil, fromNS(nsA))), cnp("y-accept", admin, 5, nsB, in(accept, nil, fromNS(nsA)))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "Accept by clusternetworkpolicy/y-accept"},
		// "a rule that appears at the top of the ingress rules would take the highest precedence."
		{name: "rules_in_written_order", cps: []model.ClusterPolicy{cnp("o", admin, 1, nsB, in(deny, nil, fromNS(nsA)).then(in(accept, nil, fromNS(nsA))))},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/o rule 0"},
		// "v1.NetworkPolicy always makes a final decision for selected pods. Further evaluation only happens for Pods not selected by a v1.NetworkPolicy."
		{name: "networkpolicy_overrides_baseline", cps: []model.ClusterPolicy{cnp("base", baseline, 1, nsB, in(deny, nil, fromNS(all)))},
			nps: []model.Policy{allowAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "NetworkPolicy: allowed by b/allow-all rule 0"},
		// The same, per direction: a NetworkPolicy of the other direction (policyTypes [Egress]) does not select the pod for ingress.
		{name: "baseline_ingress_despite_egress_networkpolicy", cps: []model.ClusterPolicy{cnp("base", baseline, 1, nsB, in(deny, nil, fromNS(all)))},
			nps: []model.Policy{egressOnly("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Baseline tier: Deny by clusternetworkpolicy/base rule 0"},
		// "Baseline tier is a cluster-wide policy that can be overridden by the v1.NetworkPolicy."
		{name: "baseline_decides_unselected_pods", cps: []model.ClusterPolicy{cnp("base", baseline, 1, nsB, in(deny, nil, fromNS(all)))},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Baseline tier: Deny by clusternetworkpolicy/base rule 0"},
		{name: "baseline_pass_goes_to_default", cps: []model.ClusterPolicy{cnp("bp", baseline, 1, nsB, in(pass, nil, fromNS(all))), cnp("bd", baseline, 2, nsB, in(deny, nil, fromNS(all)))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "Baseline tier: Pass by clusternetworkpolicy/bp rule 0 → default"},
		// "If a given connection wasn't allowed or denied by any of the tiers, the default kubernetes policy is applied"
		{name: "default_allows", cps: []model.ClusterPolicy{cnp("other", admin, 1, nsA, in(deny, nil, fromNS(nsB)))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "default: allowed"},
		// "CNPs with no ingress rules do not affect ingress traffic."
		{name: "no_ingress_rules_no_effect", cps: []model.ClusterPolicy{cnp("eg", admin, 1, nsB, out(deny, nil, toNS(all)))},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "NetworkPolicy: denied"},
		// "Accept: ... No further egress ClusterNetworkPolicy or NetworkPolicy rules will be processed but any ingress rules at the destination do apply."
		{name: "egress_accept_leaves_ingress", cps: []model.ClusterPolicy{cnp("eacc", admin, 1, nsA, out(accept, nil, toNS(all)))},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "NetworkPolicy: denied"},
		// "Note that host-networked pods are not included in subject selection."
		{name: "subject_excludes_host_network", cps: []model.ClusterPolicy{cnp("all", admin, 1, all, in(deny, nil, fromNS(all)))},
			src: epB, dst: epH, port: 80, want: tier.Allowed, chain: "default"},
		// "Namespaces defines a way to select all pods within a set of Namespaces. Note that host-networked pods are not included in this type of peer."
		{name: "namespaces_peer_excludes_host_network", cps: []model.ClusterPolicy{cnp("d", admin, 1, nsB, in(deny, nil, fromNS(all)))},
			src: epH, dst: epB, port: 80, want: tier.Allowed, chain: "default"},
		// "Pods is used to select pods via namespace AND pod selectors."
		{name: "pods_peer_needs_both", cps: []model.ClusterPolicy{cnp("d", admin, 1, nsB, in(deny, nil, fromPods(nsA, sel("app", "other"))))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "default"},
		{name: "pods_peer_matches", cps: []model.ClusterPolicy{cnp("d", admin, 1, nsB, in(deny, nil, fromPods(nsA, sel("app", "a"))))},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/d"},
		// "It selects the nodeIPs as the peer type by matching on the IPs present in the node.Status.Addresses field of the node."
		{name: "nodes_peer_matches_node_address", cps: []model.ClusterPolicy{cnp("n", admin, 1, nsA, out(deny, nil, toNodes(sel("role", "control"))))},
			src: epA, dst: epN2, port: 443, want: tier.Denied, chain: "Deny by clusternetworkpolicy/n"},
		{name: "nodes_peer_matches_host_network_pod", cps: []model.ClusterPolicy{cnp("n", admin, 1, nsA, out(deny, nil, toNodes(all)))},
			src: epA, dst: epH, port: 10250, want: tier.Denied, chain: "Deny by clusternetworkpolicy/n"},
		{name: "nodes_peer_not_pods", cps: []model.ClusterPolicy{cnp("n", admin, 1, nsA, out(deny, nil, toNodes(all)))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "default"},
		// "note that cluster-internal traffic will be checked against the rule as well. So if you Accept or Deny traffic to "0.0.0.0/0", that will allow or deny all IPv4 pod-to-pod traffic as well."
		{name: "networks_match_pods", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(deny, nil, toNets("0.0.0.0/0")))},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/net"},
		// A networks or nodes peer holding only part of an external range (x is 8.8.0.0/16) acts on some of
		// the connections the range stands for: the verdict is "cannot know" unless both ways agree, never
		// "allowed" for addresses a Deny denies (podreach's choice; pkg/reach cuts ranges at these boundaries).
		{name: "deny_networks_part_of_external_range", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(deny, nil, toNets("8.8.8.0/24")))},
			src: epA, dst: epX, port: 53, want: tier.Unknown, chain: "clusternetworkpolicy/net rule 0 peer 0 covers only part of 8.8.0.0/16 (its networks 8.8.8.0/24 hold some of them): denied for those, allowed for the others"},
		{name: "pass_networks_part_of_external_range", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(pass, nil, toNets("8.8.8.0/24")).then(out(accept, nil, toNets("0.0.0.0/0"))))},
			nps: []model.Policy{denyAllEgress("a")}, src: epA, dst: epX, port: 53, want: tier.Unknown, chain: "peer 0 covers only part of 8.8.0.0/16 (its networks 8.8.8.0/24 hold some of them): denied for those, allowed for the others"},
		{name: "pass_networks_part_decided_when_both_agree", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(pass, nil, toNets("8.8.8.0/24")).then(out(accept, nil, toNets("0.0.0.0/0"))))},
			src: epA, dst: epX, port: 53, want: tier.Allowed, chain: "Admin tier: Accept by clusternetworkpolicy/net rule 1"},
		{name: "accept_networks_part_of_external_range", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(accept, nil, toNets("8.8.8.0/24")).then(out(deny, nil, toNets("0.0.0.0/0"))))},
			src: epA, dst: epX, port: 53, want: tier.Unknown, chain: "allowed for those, denied for the others"},
		{name: "nodes_peer_part_of_external_range", cps: []model.ClusterPolicy{cnp("n", admin, 1, nsA, out(deny, nil, toNodes(all)))},
			src: epA, dst: epNodes30, port: 443, want: tier.Unknown, chain: "peer 0 covers only part of 192.168.0.8/30 (its nodes, every node, hold some of them)"},
		{name: "nodes_peer_covers_external_range", cps: []model.ClusterPolicy{cnp("n", admin, 1, nsA, out(deny, nil, toNodes(all)))},
			src: epA, dst: epNodes31, port: 443, want: tier.Denied, chain: "Admin tier: Deny by clusternetworkpolicy/n rule 0"},
		{name: "networks_cover_external_range_together", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(deny, nil, toNets("8.8.128.0/17", "8.8.0.0/17")))},
			src: epA, dst: epX, port: 53, want: tier.Denied, chain: "Admin tier: Deny by clusternetworkpolicy/net rule 0"},
		{name: "networks_hold_external_range", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(deny, nil, toNets("8.0.0.0/8")))},
			src: epA, dst: epX, port: 53, want: tier.Denied, chain: "Admin tier: Deny by clusternetworkpolicy/net rule 0"},
		{name: "networks_miss_external_range", cps: []model.ClusterPolicy{cnp("net", admin, 1, nsA, out(deny, nil, toNets("8.9.0.0/16", "9.0.0.0/8")))},
			src: epA, dst: epX, port: 53, want: tier.Allowed, chain: "default"},
		// "DestinationPort for the match." / "Range defines a contiguous range of ports."
		{name: "port_number", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsB, in(deny, protos(tcp(80)), fromNS(all)))},
			src: epA, dst: epB, port: 81, want: tier.Allowed, chain: "default"},
		{name: "port_range_protocol", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsB, in(deny, protos(udpRange(50, 60)), fromNS(all)))},
			src: epA, dst: epB, proto: model.UDP, port: 55, want: tier.Denied, chain: "Deny by clusternetworkpolicy/p"},
		{name: "port_range_other_protocol", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsB, in(deny, protos(udpRange(50, 60)), fromNS(all)))},
			src: epA, dst: epB, port: 55, want: tier.Allowed, chain: "default"},
		// "DestinationNamedPort selects a destination port on a pod based on the ContainerPort name."
		{name: "destination_named_port", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsB, in(deny, protos(namedPort("http")), fromNS(all)))},
			src: epA, dst: epB, port: 8080, want: tier.Denied, chain: "Deny by clusternetworkpolicy/p"},
		{name: "named_port_not_on_nodes", cps: []model.ClusterPolicy{cnp("p", admin, 1, nsA, out(deny, protos(namedPort("http")), toNodes(all)))},
			src: epA, dst: epH, port: 8080, want: tier.Allowed, chain: "default"},
		// DomainNames: resolution is not in the manifests: the verdict says so unless both answers agree.
		{name: "domain_names_undecidable", cps: []model.ClusterPolicy{cnp("fqdn", admin, 1, nsA, out(accept, nil, toDomains("*.example.com")).then(out(deny, nil, toNets("0.0.0.0/0"))))},
			src: epA, dst: epX, port: 443, want: tier.Unknown, chain: "matches by domainNames"},
		{name: "domain_names_decided_when_both_agree", cps: []model.ClusterPolicy{cnp("fqdn", admin, 1, nsA, out(accept, nil, toDomains("example.com")).then(out(accept, nil, toNets("0.0.0.0/0"))))},
			src: epA, dst: epX, port: 443, want: tier.Allowed, chain: "Accept by clusternetworkpolicy/fqdn rule 1"},
		// "For "Accept" rules, "fail closed" means: "treat the rule as matching no traffic"."
		{name: "fail_closed_accept_matches_nothing", cps: []model.ClusterPolicy{cnp("bad", admin, 1, nsB, in(accept, nil, v1alpha2.ClusterNetworkPolicyIngressPeer{}))},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "NetworkPolicy: denied"},
		// "For "Deny" and "Pass" rules, "fail closed" means: "treat the rule as a 'Deny all' rule"."
		{name: "fail_closed_deny_denies_all", cps: []model.ClusterPolicy{cnp("bad", admin, 1, nsB, in(deny, nil, v1alpha2.ClusterNetworkPolicyIngressPeer{}))},
			src: epH, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/bad rule 0"},
		{name: "fail_closed_pass_denies_all", cps: []model.ClusterPolicy{cnp("bad", admin, 1, nsB, in(pass, nil, v1alpha2.ClusterNetworkPolicyIngressPeer{}))},
			nps: []model.Policy{allowAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/bad rule 0"},
		// "DomainNames is only supported for Accept rules."
		{name: "domain_names_in_deny_fail_closed", cps: []model.ClusterPolicy{cnp("bad", admin, 1, nsA, out(deny, nil, toDomains("example.com")))},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by clusternetworkpolicy/bad rule 0"},
		// "If two (or more) policies in the same tier with the same priority could match a connection, then the implementation can apply any of the matching policies"
		{name: "equal_priority_flagged", cps: []model.ClusterPolicy{cnp("b-deny", admin, 5, nsB, in(deny, nil, fromNS(all))), cnp("a-accept", admin, 5, nsB, in(accept, nil, fromNS(all)))},
			src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "share priority 5"},
		// v1alpha1: "Allow: allows the selected traffic (even if it would otherwise have been denied by NetworkPolicy)"
		{name: "anp_allow_overrides_networkpolicy", cps: []model.ClusterPolicy{anp("allow-a", 3, nsB, nsA, v1alpha1.AdminNetworkPolicyRuleActionAllow, nil)},
			nps: []model.Policy{denyAllIngress("b")}, src: epA, dst: epB, port: 80, want: tier.Allowed, chain: "Admin tier: Accept by adminnetworkpolicy/allow-a rule 0"},
		// v1alpha1 Pass: "If the pod is not selected by any NetworkPolicies then execution is passed to any BaselineAdminNetworkPolicies that select the pod."
		{name: "anp_pass_to_banp", cps: []model.ClusterPolicy{anp("p", 3, nsB, nsA, v1alpha1.AdminNetworkPolicyRuleActionPass, nil), banp(nsB, all, v1alpha1.BaselineAdminNetworkPolicyRuleActionDeny)},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Pass by adminnetworkpolicy/p rule 0 → Baseline tier: Deny by baselineadminnetworkpolicy/default rule 0"},
		// v1alpha1 ports: "If not specified, this field defaults to TCP."
		{name: "anp_port_defaults_to_tcp", cps: []model.ClusterPolicy{anp("p", 3, nsB, nsA, v1alpha1.AdminNetworkPolicyRuleActionDeny,
			&[]v1alpha1.AdminNetworkPolicyPort{{PortNumber: &v1alpha1.Port{Port: 80}}})},
			src: epA, dst: epB, port: 80, want: tier.Denied, chain: "Deny by adminnetworkpolicy/p"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			runTierCase(t, tc)
		})
	}
}

func runTierCase(t *testing.T, tc tierCase) {
	t.Helper()
	c := &model.Cluster{Namespaces: namespaces, Nodes: nodes, Policies: tc.nps, ClusterPolicies: tc.cps}
	r, err := reference.New(c, true)
	if err != nil {
		t.Fatal(err)
	}
	proto := tc.proto
	if proto == model.ProtocolUnknown {
		proto = model.TCP
	}
	v := r.Evaluate(endpoints, tc.src, tc.dst, proto, tc.port)
	text := strings.Join([]string{v.Egress.ChainString(), v.Ingress.ChainString(), v.Egress.Undecided, v.Ingress.Undecided,
		strings.Join(v.Egress.Ambiguous, "; "), strings.Join(v.Ingress.Ambiguous, "; ")}, " | ")
	if v.Outcome != tc.want || !strings.Contains(text, tc.chain) {
		t.Errorf("%s → %s: %s, want %s containing %q; got %s", endpoints[tc.src].ID, endpoints[tc.dst].ID, v.Outcome, tc.want, tc.chain, text)
	}
	engineAgrees(t, c, endpoints, tc.port)
}
