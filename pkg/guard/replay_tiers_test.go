package guard

import (
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// TestIncrementalTierVerdictEqualsFull: on random cluster policy creates,
// updates (priority, actions) and deletes sent as requests, the verdict
// judged on the incremental engine (policy.Incremental.WithClusterPolicy,
// check.Rechecker.ClusterPolicyEditOn) equals the verdict of a full
// analysis of the edited cluster, broken lines and removed count
// included.
func TestIncrementalTierVerdictEqualsFull(t *testing.T) {
	t.Parallel()
	for _, tc := range optionCases([]clusterCase{
		{"example", exampleCluster(t, "testdata/baseline-and-allow.yaml", authzExample)},
		{"synthetic S tiered", synth.Generate(synth.SizeS.Tiered(2))},
	}) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, _, err := New(tc.c, append(tc.opts, WithMode(ModeEnforce))...)
			if err != nil {
				t.Fatal(err)
			}
			st := g.cur.Load()
			rnd := rand.New(rand.NewPCG(5, 6))
			incremental, broke, removed := 0, 0, 0
			for i := range 16 {
				r := randomTierRequest(t, st.c, rnd)
				got, want, inc := reviewBothWays(t, g, st, r)
				if inc {
					incremental++
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("edit %d (%s %s %s): verdict (-full +incremental):\n%s", i, r.Operation, r.Kind, r.Name, diff)
				}
				broke += len(got.Broken)
				removed += got.Removed
			}
			if incremental < 12 || broke == 0 || removed == 0 {
				t.Errorf("%d edits judged incrementally, %d lines broken, %d connections removed", incremental, broke, removed)
			}
		})
	}
}

// randomTierRequest is a request deleting one of c's cluster policies,
// updating a ClusterNetworkPolicy's priority or actions, or creating one
// that decides a namespace's ingress (linkerd's half of the time).
func randomTierRequest(t *testing.T, c *model.Cluster, rnd *rand.Rand) Request {
	t.Helper()
	actions := []v1alpha2.ClusterNetworkPolicyRuleAction{v1alpha2.ClusterNetworkPolicyRuleActionAccept,
		v1alpha2.ClusterNetworkPolicyRuleActionDeny, v1alpha2.ClusterNetworkPolicyRuleActionPass}
	kinds := map[string]string{"clusternetworkpolicy": "ClusterNetworkPolicy", "adminnetworkpolicy": "AdminNetworkPolicy",
		"baselineadminnetworkpolicy": "BaselineAdminNetworkPolicy"}
	var cnps []*v1alpha2.ClusterNetworkPolicy
	for _, cp := range c.ClusterPolicies {
		if cp.CNP != nil {
			cnps = append(cnps, cp.CNP)
		}
	}
	var cnp *v1alpha2.ClusterNetworkPolicy
	op := OpCreate
	switch n := rnd.IntN(4); {
	case n == 0 && len(c.ClusterPolicies) > 0:
		cp := c.ClusterPolicies[rnd.IntN(len(c.ClusterPolicies))]
		return Request{Operation: OpDelete, Group: groupTier, Kind: kinds[cp.Kind()], Name: cp.Name()}
	case n == 1 && len(cnps) > 0:
		op, cnp = OpUpdate, cnps[rnd.IntN(len(cnps))].DeepCopy()
		cnp.Spec.Priority = int32(rnd.IntN(100))
		for j := range cnp.Spec.Ingress {
			cnp.Spec.Ingress[j].Action = actions[rnd.IntN(3)]
		}
	default:
		ns, action := c.Namespaces[rnd.IntN(len(c.Namespaces))].Name, actions[rnd.IntN(3)]
		if rnd.IntN(2) == 0 {
			ns, action = "linkerd", v1alpha2.ClusterNetworkPolicyRuleActionDeny
		}
		tiers := []v1alpha2.Tier{v1alpha2.AdminTier, v1alpha2.BaselineTier}
		cnp = &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: fmt.Sprintf("edit-%s", ns)},
			Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: tiers[rnd.IntN(2)], Priority: int32(rnd.IntN(100)),
				Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: ns}}},
				Ingress: []v1alpha2.ClusterNetworkPolicyIngressRule{{Action: action,
					From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}}}}}
		if slices.ContainsFunc(c.ClusterPolicies, func(p model.ClusterPolicy) bool { return p.CNP != nil && p.CNP.Name == cnp.Name }) {
			op = OpUpdate
		}
	}
	cnp.APIVersion, cnp.Kind = "policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy"
	obj, err := json.Marshal(cnp)
	if err != nil {
		t.Fatal(err)
	}
	return Request{Operation: op, Group: groupTier, Kind: "ClusterNetworkPolicy", Name: cnp.Name, Object: obj}
}
