package reach

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/model"
)

// TestTierChanges: every kind of cluster policy change the diff names, one
// row each; an unchanged policy names nothing.
func TestTierChanges(t *testing.T) {
	t.Parallel()
	nsA := &metav1.LabelSelector{MatchLabels: map[string]string{"team": "a"}}
	nsB := &metav1.LabelSelector{MatchLabels: map[string]string{"team": "b"}}
	rule := func(a v1alpha2.ClusterNetworkPolicyRuleAction, from *metav1.LabelSelector, port int32) v1alpha2.ClusterNetworkPolicyIngressRule {
		r := v1alpha2.ClusterNetworkPolicyIngressRule{Action: a, From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Namespaces: from}}}
		if port > 0 {
			r.Protocols = []v1alpha2.ClusterNetworkPolicyProtocol{{TCP: &v1alpha2.ClusterNetworkPolicyProtocolTCP{DestinationPort: &v1alpha2.Port{Number: port}}}}
		}
		return r
	}
	cnp := func(name string, t v1alpha2.Tier, prio int32, subject *metav1.LabelSelector, rules ...v1alpha2.ClusterNetworkPolicyIngressRule) model.ClusterPolicy {
		return model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: name},
			Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: t, Priority: prio, Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: subject}, Ingress: rules}}}
	}
	const (
		admin, baseline = v1alpha2.AdminTier, v1alpha2.BaselineTier
		accept, deny    = v1alpha2.ClusterNetworkPolicyRuleActionAccept, v1alpha2.ClusterNetworkPolicyRuleActionDeny
		pass            = v1alpha2.ClusterNetworkPolicyRuleActionPass
	)
	base := cnp("x", admin, 10, nsA, rule(accept, nsB, 80), rule(pass, nsB, 0))
	tests := []struct {
		name          string
		before, after []model.ClusterPolicy
		want          []string
	}{
		{"unchanged", []model.ClusterPolicy{base}, []model.ClusterPolicy{base}, nil},
		{"added", nil, []model.ClusterPolicy{base}, []string{"clusternetworkpolicy/x added (Admin tier, priority 10)"}},
		{"removed", []model.ClusterPolicy{base}, nil, []string{"clusternetworkpolicy/x removed (Admin tier, priority 10)"}},
		{"priority", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 20, nsA, rule(accept, nsB, 80), rule(pass, nsB, 0))},
			[]string{"clusternetworkpolicy/x priority 10→20"}},
		{"action_flip", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 10, nsA, rule(accept, nsB, 80), rule(deny, nsB, 0))},
			[]string{"clusternetworkpolicy/x ingress rule 1 action Pass→Deny"}},
		{"tier", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", baseline, 10, nsA, rule(accept, nsB, 80), rule(pass, nsB, 0))},
			[]string{"clusternetworkpolicy/x tier Admin→Baseline"}},
		{"subject", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 10, nsB, rule(accept, nsB, 80), rule(pass, nsB, 0))},
			[]string{"clusternetworkpolicy/x subject namespaces team=a→namespaces team=b"}},
		{"peers", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 10, nsA, rule(accept, nsA, 80), rule(pass, nsB, 0))},
			[]string{"clusternetworkpolicy/x ingress rule 0 peers [namespaces team=b]→[namespaces team=a]"}},
		{"ports", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 10, nsA, rule(accept, nsB, 443), rule(pass, nsB, 0))},
			[]string{"clusternetworkpolicy/x ingress rule 0 ports [TCP/80]→[TCP/443]"}},
		{"rule_added", []model.ClusterPolicy{base}, []model.ClusterPolicy{cnp("x", admin, 10, nsA, rule(accept, nsB, 80), rule(pass, nsB, 0), rule(deny, nsA, 0))},
			[]string{"clusternetworkpolicy/x ingress rule 2 added (Deny)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, c := range tierChanges(&model.Cluster{ClusterPolicies: tc.before}, &model.Cluster{ClusterPolicies: tc.after}) {
				got = append(got, c.String())
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("changes (-want +got):\n%s", diff)
			}
		})
	}
}
