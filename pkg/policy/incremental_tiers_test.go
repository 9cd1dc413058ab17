package policy_test

import (
	"fmt"
	"slices"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// tierEdits are the edits of clusters with cluster policy tiers: a
// cluster policy added (from another generated cluster), modified (its
// priority, a rule's action, its subject) and deleted.
var tierEdits = []edit{
	{"add cluster policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		if len(w.donorCPs) == 0 {
			return policy.Delta{}, false
		}
		cnp := w.donorCPs[w.r.IntN(len(w.donorCPs))].CNP.DeepCopy()
		cnp.Name = fmt.Sprintf("edit-%d", w.n)
		return w.setClusterPolicy(x, model.ClusterPolicy{CNP: cnp})
	}},
	{"modify cluster policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		if len(w.c.ClusterPolicies) == 0 {
			return policy.Delta{}, false
		}
		cnp := w.c.ClusterPolicies[w.r.IntN(len(w.c.ClusterPolicies))].CNP.DeepCopy()
		actions := []v1alpha2.ClusterNetworkPolicyRuleAction{v1alpha2.ClusterNetworkPolicyRuleActionAccept,
			v1alpha2.ClusterNetworkPolicyRuleActionDeny, v1alpha2.ClusterNetworkPolicyRuleActionPass}
		switch w.r.IntN(4) {
		case 0:
			cnp.Spec.Priority = int32(w.r.IntN(100))
		case 1:
			if len(cnp.Spec.Ingress) > 0 {
				cnp.Spec.Ingress[0].Action = actions[w.r.IntN(3)]
			}
		case 2:
			if len(cnp.Spec.Egress) > 0 {
				cnp.Spec.Egress[0].Action = actions[w.r.IntN(3)]
			}
		default:
			if len(w.donorCPs) > 0 {
				cnp.Spec.Subject = w.donorCPs[w.r.IntN(len(w.donorCPs))].CNP.Spec.Subject
			}
		}
		return w.setClusterPolicy(x, model.ClusterPolicy{CNP: cnp})
	}},
	{"relabel pod's tier", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		// The generator's tier subjects and pods peers select by the
		// label tier.
		return w.relabelPod(x, func(l map[string]string) {
			l["tier"] = []string{"frontend", "backend", "data", "system"}[w.r.IntN(4)]
		})
	}},
	{"delete cluster policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		if len(w.c.ClusterPolicies) == 0 {
			return policy.Delta{}, false
		}
		i := w.r.IntN(len(w.c.ClusterPolicies))
		id := w.c.ClusterPolicies[i].ID()
		w.c.ClusterPolicies = slices.Delete(w.c.ClusterPolicies, i, i+1)
		d, err := x.DeleteClusterPolicy(id)
		if err != nil {
			panic(err)
		}
		return d, true
	}},
}

// setClusterPolicy sets p in the edited cluster and in x.
func (w *edited) setClusterPolicy(x *policy.Incremental, p model.ClusterPolicy) (policy.Delta, bool) {
	d, err := x.SetClusterPolicy(p)
	if err != nil {
		panic(fmt.Sprintf("SetClusterPolicy %s: %v", p.ID(), err))
	}
	if i := slices.IndexFunc(w.c.ClusterPolicies, func(q model.ClusterPolicy) bool { return q.ID() == p.ID() }); i >= 0 {
		w.c.ClusterPolicies[i] = p
	} else {
		w.c.ClusterPolicies = append(w.c.ClusterPolicies, p)
	}
	return d, true
}

// TestIncrementalTiers applies random edits (cluster policies added,
// modified, deleted; pods and namespaces relabelled, so that tier subjects
// and peers flip; NetworkPolicies edited; pods added and removed) to
// Incremental engines on generated clusters with cluster policy tiers:
// after each edit the incremental answer equals a fresh engine's on every
// pair, the Delta lists exactly the pairs that changed, and sampled pairs
// equal the reference evaluator's.
func TestIncrementalTiers(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 10; seed++ {
		if testing.Short() && seed > 3 {
			break
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			cfg := diffConfig(seed)
			cfg.PodIPs = true
			cfg.ClusterPolicies = 2 + int(seed%7)
			donor := cfg
			donor.Seed += 1000
			runEdits(t, synth.Generate(cfg), synth.Generate(donor), uint64(seed), 30, 20)
		})
	}
	t.Run("S", func(t *testing.T) {
		t.Parallel()
		runEdits(t, synth.Generate(synth.SizeS.Tiered(1)), synth.Generate(synth.SizeS.Tiered(2)), 7, 25, 30)
	})
}

// TestWithClusterPolicy: WithClusterPolicy and WithoutClusterPolicy return
// an engine that answers for the edited cluster (every pair against a
// fresh engine, the delta exactly the pairs that changed) and leave the
// engine they were asked of answering as before: an Admin-tier Deny of
// all ingress added, then removed from the new engine.
func TestWithClusterPolicy(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeS.Tiered(3))
	w := &edited{c: c, eps: endpointsOf(c)}
	w.live = slices.Repeat([]bool{true}, len(w.eps))
	x, err := policy.NewIncremental(c, w.eps)
	if err != nil {
		t.Fatal(err)
	}
	all := &metav1.LabelSelector{}
	deny := model.ClusterPolicy{CNP: &v1alpha2.ClusterNetworkPolicy{ObjectMeta: metav1.ObjectMeta{Name: "deny-all"},
		Spec: v1alpha2.ClusterNetworkPolicySpec{Tier: v1alpha2.AdminTier, Priority: 0, Subject: v1alpha2.ClusterNetworkPolicySubject{Namespaces: all},
			Ingress: []v1alpha2.ClusterNetworkPolicyIngressRule{{Action: v1alpha2.ClusterNetworkPolicyRuleActionDeny,
				From: []v1alpha2.ClusterNetworkPolicyIngressPeer{{Namespaces: all}}}}}}}
	// with is w with the cluster policies cps.
	with := func(cps []model.ClusterPolicy) *edited {
		ew, cc := *w, *c
		cc.ClusterPolicies = cps
		ew.c = &cc
		return &ew
	}
	withDeny := with(append(slices.Clone(c.ClusterPolicies), deny))
	before, denied := matrixOf(t, w), matrixOf(t, withDeny)
	y, d, err := x.WithClusterPolicy(deny)
	if err != nil {
		t.Fatal(err)
	}
	checkAgainst(t, "added: the engine asked", x, before)
	checkAgainst(t, "added: the new engine", y, denied)
	checkDelta(t, "added", withDeny, y, d, before, denied)
	z, d, err := y.WithoutClusterPolicy(deny.ID())
	if err != nil {
		t.Fatal(err)
	}
	checkAgainst(t, "removed: the engine asked", y, denied)
	checkAgainst(t, "removed: the new engine", z, before)
	checkDelta(t, "removed", w, z, d, denied, before)
	if len(d.Changes) == 0 {
		t.Errorf("removing a Deny of all ingress changed nothing")
	}
}
