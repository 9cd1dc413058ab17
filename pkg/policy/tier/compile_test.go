package tier_test

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestCompileErrors: what makes a whole policy uninterpretable is an
// error naming the field, never a silent allow or deny.
func TestCompileErrors(t *testing.T) {
	t.Parallel()
	all := &metav1.LabelSelector{}
	cnp := func(f func(*v1alpha2.ClusterNetworkPolicySpec)) model.ClusterPolicy {
		s := v1alpha2.ClusterNetworkPolicySpec{Tier: v1alpha2.AdminTier, Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: all}}
		f(&s)
		return model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p"}, Spec: s}}
	}
	cases := []struct {
		name string
		p    model.ClusterPolicy
		want string
	}{
		// "Priority is a value from 0 to 1000"
		{"priority_range", cnp(func(s *v1alpha2.ClusterNetworkPolicySpec) { s.Priority = 1001 }), "spec.priority: 1001 is outside 0-1000"},
		// "ClusterNetworkPolicy can use 2 of these tiers: Admin and Baseline."
		{"unknown_tier", cnp(func(s *v1alpha2.ClusterNetworkPolicySpec) { s.Tier = "Application" }), `spec.tier: unknown tier "Application"`},
		// Subject: "Exactly one field must be set."
		{"subject_none", cnp(func(s *v1alpha2.ClusterNetworkPolicySpec) { s.Subject.Namespaces = nil }), "spec.subject: exactly one"},
		{"subject_both", cnp(func(s *v1alpha2.ClusterNetworkPolicySpec) { s.Subject.Pods = &v1alpha2.NamespacedPod{} }), "spec.subject: exactly one"},
		{"subject_bad_selector", cnp(func(s *v1alpha2.ClusterNetworkPolicySpec) {
			s.Subject.Namespaces = &metav1.LabelSelector{MatchLabels: map[string]string{"bad key!": "x"}}
		}), "spec.subject.namespaces"},
		{"anp_priority", model.ClusterPolicy{ANP: &v1alpha1.AdminNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "a"},
			Spec: v1alpha1.AdminNetworkPolicySpec{Priority: -1, Subject: v1alpha1.AdminNetworkPolicySubject{Namespaces: all}}}}, "adminnetworkpolicy/a: spec.priority"},
		{"no_kind", model.ClusterPolicy{}, "no known kind"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := tier.Compile(&tc.p)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want one containing %q", err, tc.want)
			}
		})
	}
}

// TestInvalidRules: what makes one rule uninterpretable marks it Invalid
// (it then fails closed), with the reason.
func TestInvalidRules(t *testing.T) {
	t.Parallel()
	all := &metav1.LabelSelector{}
	rule := func(r v1alpha2.ClusterNetworkPolicyEgressRule) string {
		p := model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "p"},
			Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: v1alpha2.AdminTier, Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: all},
				Egress: []v1alpha2.ClusterNetworkPolicyEgressRule{r}}}}
		c, err := tier.Compile(&p)
		if err != nil {
			t.Fatal(err)
		}
		return c.Rules[tier.EgressSide][0].Invalid
	}
	deny := v1alpha2.ClusterNetworkPolicyRuleActionDeny
	ns := v1alpha2.ClusterNetworkPolicyEgressPeer{Namespaces: all}
	cases := []struct {
		name string
		r    v1alpha2.ClusterNetworkPolicyEgressRule
		want string
	}{
		{"valid", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{ns}}, ""},
		// "This field must be defined and contain at least one item."
		{"no_peers", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny}, "no peers"},
		// "Exactly one of the fields must be set for a given peer"
		{"two_peer_fields", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{Namespaces: all, Nodes: all}}}, "2 peer fields set"},
		{"bad_cidr", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{{Networks: []v1alpha2.CIDR{"10.0.0.1/8"}}}}, `invalid CIDR "10.0.0.1/8"`},
		// "Start port must be less than End port"
		{"range_start_end", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{ns},
			Protocols: []v1alpha2.ClusterNetworkPolicyProtocol{{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1alpha2.Port{Range: &v1alpha2.PortRange{Start: 90, End: 80}}}}}}, "invalid port range 90-80"},
		// Protocol: "Exactly one field must be set."
		{"two_protocols", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{ns},
			Protocols: []v1alpha2.ClusterNetworkPolicyProtocol{{DestinationNamedPort: "http", TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{}}}}, "exactly one of tcp"},
		// Port: "You must specify either Port or Range."
		{"tcp_without_port", v1alpha2.ClusterNetworkPolicyEgressRule{Action: deny, To: []v1alpha2.ClusterNetworkPolicyEgressPeer{ns},
			Protocols: []v1alpha2.ClusterNetworkPolicyProtocol{{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{}}}}, "exactly one of destinationPort.number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := rule(tc.r); (tc.want == "") != (got == "") || !strings.Contains(got, tc.want) {
				t.Errorf("Invalid = %q, want %q", got, tc.want)
			}
		})
	}
}
