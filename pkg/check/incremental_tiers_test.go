package check

import (
	"errors"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestClusterPolicyEditOnEqualsRun: on random cluster policy creates,
// replacements (priority, actions) and deletes in tiered clusters, the
// report judged on the edited incremental engine equals Run's on the
// edited cluster, line for line.
func TestClusterPolicyEditOnEqualsRun(t *testing.T) {
	t.Parallel()
	changed := 0
	for _, seed := range []int64{1, 2, 3} {
		c := synth.Generate(synth.SizeS.Tiered(seed))
		p, _, err := linkerd.Detect(c, "")
		if err != nil || p == nil {
			t.Fatal("no mesh", err)
		}
		x, base, a, err := NewRechecker(c, p)
		if err != nil || x == nil {
			t.Fatal("no rechecker", err)
		}
		inc, err := policy.NewIncremental(a.Cluster(), a.Engine().Endpoints())
		if err != nil {
			t.Fatal(err)
		}
		rnd := rand.New(rand.NewPCG(uint64(seed), 9))
		judged := 0
		for i := range 16 {
			after, e := randomClusterPolicyEdit(c, rnd)
			want, _, err := Run(after, p)
			if err != nil {
				t.Fatal(err)
			}
			var y *policy.Incremental
			if e.New != nil {
				y, _, err = inc.WithClusterPolicy(*e.New)
			} else {
				y, _, err = inc.WithoutClusterPolicy(e.Old.ID())
			}
			if err != nil {
				t.Fatal(err)
			}
			v, err := y.View(after.Policies)
			if err != nil {
				t.Fatal(err)
			}
			got, err := x.ClusterPolicyEditOn(after, e, v)
			if errors.Is(err, ErrFullAnalysis) {
				continue
			}
			if err != nil {
				t.Fatal(err)
			}
			judged++
			if cmp.Diff(base, want) != "" {
				changed++
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("seed %d edit %d (%v → %v): report differs (-Run +ClusterPolicyEditOn):\n%s", seed, i, e.Old != nil, e.New != nil, diff)
			}
		}
		if judged < 8 {
			t.Errorf("seed %d: only %d edits judged", seed, judged)
		}
	}
	if changed < 4 {
		t.Errorf("only %d edits changed the check", changed)
	}
}

// randomClusterPolicyEdit returns a copy of c with one cluster policy
// deleted, its priority changed, its actions flipped, or a copy of it
// created at another priority.
func randomClusterPolicyEdit(c *model.Cluster, rnd *rand.Rand) (*model.Cluster, ClusterPolicyEdit) {
	out := *c
	out.ClusterPolicies = slices.Clone(c.ClusterPolicies)
	i := rnd.IntN(len(c.ClusterPolicies))
	old := c.ClusterPolicies[i]
	cnp := old.CNP.DeepCopy()
	actions := []v1alpha2.ClusterNetworkPolicyRuleAction{v1alpha2.ClusterNetworkPolicyRuleActionAccept,
		v1alpha2.ClusterNetworkPolicyRuleActionDeny, v1alpha2.ClusterNetworkPolicyRuleActionPass}
	switch rnd.IntN(6) {
	case 4, 5: // a namespace's ingress decided in a random tier with a random action
		ns, action := c.Namespaces[rnd.IntN(len(c.Namespaces))].Name, actions[rnd.IntN(3)]
		if rnd.IntN(2) == 0 { // a Deny into the control plane every meshed pod reaches
			ns, action = "linkerd", v1alpha2.ClusterNetworkPolicyRuleActionDeny
		}
		tiers := []v1alpha2.Tier{v1alpha2.AdminTier, v1alpha2.BaselineTier}
		p := model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "edit-" + ns},
			Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: tiers[rnd.IntN(2)], Priority: int32(rnd.IntN(100)),
				Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: ns}}},
				Ingress: []v1alpha2.ClusterNetworkPolicyIngressRule{{Action: action,
					From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Namespaces: &metav1.LabelSelector{}}}}}}}}
		out.ClusterPolicies = append(out.ClusterPolicies, p)
		return &out, ClusterPolicyEdit{New: &p}
	case 0:
		out.ClusterPolicies = slices.Delete(out.ClusterPolicies, i, i+1)
		return &out, ClusterPolicyEdit{Old: &old}
	case 1:
		cnp.Spec.Priority = int32(rnd.IntN(100))
	case 2:
		for j := range cnp.Spec.Ingress {
			cnp.Spec.Ingress[j].Action = actions[rnd.IntN(3)]
		}
		for j := range cnp.Spec.Egress {
			cnp.Spec.Egress[j].Action = actions[rnd.IntN(3)]
		}
	default:
		cnp.Name += "-copy"
		cnp.Spec.Priority = int32(rnd.IntN(100))
		p := model.ClusterPolicy{CNP: cnp}
		out.ClusterPolicies = append(out.ClusterPolicies, p)
		return &out, ClusterPolicyEdit{New: &p}
	}
	p := model.ClusterPolicy{CNP: cnp}
	out.ClusterPolicies[i] = p
	return &out, ClusterPolicyEdit{Old: &old, New: &p}
}
