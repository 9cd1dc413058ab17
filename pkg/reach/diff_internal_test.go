package reach

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// TestDiffIncrementalEqualsScan: replaying a few edits on the incremental
// engine gives exactly the changes of scanning both matrices, for every
// kind of edit it replays (policies added, changed, deleted; cluster
// policies added, deleted, their priority changed, an action flipped, on
// tiered clusters; namespaces relabelled and added; nodes relabelled,
// replaced, added, removed), one kind at a time and all together, at both
// levels and in both ipBlock modes.
func TestDiffIncrementalEqualsScan(t *testing.T) {
	t.Parallel()
	kinds := []string{"policy", "namespace", "relabel", "replace", "add", "remove", "all", "tier", "all tiered"}
	seeds := 12
	if testing.Short() {
		seeds = 4
	}
	replayed, changes := 0, 0
	for seed := 1; seed <= seeds; seed++ {
		plain, tiered := synth.Generate(synth.SizeS.Config(int64(seed))), synth.Generate(synth.SizeS.Tiered(int64(seed)))
		for _, kind := range kinds {
			before := plain
			if strings.Contains(kind, "tier") {
				before = tiered
			}
			after := mutate(before, kind, rand.New(rand.NewPCG(uint64(seed), uint64(len(kind)))))
			for _, opts := range [][]Option{nil, {WithLevel(LevelPod)}, {WithIPBlockPods(false)}} {
				name := fmt.Sprintf("seed %d, %s, %d options", seed, kind, len(opts))
				b, err := Analyze(before, opts...)
				if err != nil {
					t.Fatal(err)
				}
				a, err := Analyze(after, opts...)
				if err != nil {
					t.Fatal(err)
				}
				merged := mergeNodes(b, a)
				got, ok, err := diffIncremental(b, a, merged)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !ok {
					t.Errorf("%s: not replayed", name)
					continue
				}
				replayed++
				want := diffScan(b, a, merged)
				changes += len(want)
				str := func(cs []Change) []string {
					var out []string
					for _, c := range cs {
						out = append(out, c.From+" → "+c.To+": "+c.Before.String()+" ⇒ "+c.After.String()+" -"+c.Lost.String()+" +"+c.Gained.String())
					}
					return out
				}
				if diff := cmp.Diff(str(want), str(got)); diff != "" {
					t.Errorf("%s: replay differs from scan (-scan +replay):\n%.3000s", name, diff)
				}
			}
		}
	}
	if changes == 0 {
		t.Fatalf("%d replays and no change at all: the mutations do nothing", replayed)
	}
	t.Logf("%d replays, %d changed pairs", replayed, changes)
}

// mutate returns a copy of c with a few edits of the kind.
func mutate(c *model.Cluster, kind string, r *rand.Rand) *model.Cluster {
	out := *c
	out.Policies = slices.Clone(c.Policies)
	out.Namespaces = slices.Clone(c.Namespaces)
	out.Workloads = slices.Clone(c.Workloads)
	all := strings.HasPrefix(kind, "all")
	if strings.Contains(kind, "tier") {
		mutateTiers(&out, r)
	}
	if kind == "policy" || all {
		for range 3 {
			i := r.IntN(len(out.Policies))
			np := out.Policies[i].NetworkPolicy.DeepCopy()
			switch r.IntN(3) {
			case 0: // changed
				np.Spec.PodSelector = metav1.LabelSelector{}
				out.Policies[i].NetworkPolicy = np
			case 1: // deleted
				out.Policies = slices.Delete(out.Policies, i, i+1)
			default: // added: a copy under a new name
				np.Name += "-copy"
				np.Spec.Ingress = nil
				out.Policies = append(out.Policies, model.Policy{NetworkPolicy: np})
			}
		}
	}
	if kind == "namespace" || all {
		ns := &out.Namespaces[r.IntN(len(out.Namespaces))]
		l := maps.Clone(ns.Labels)
		l["team"] = []string{"moved", "payments", "catalog"}[r.IntN(3)]
		delete(l, "env")
		ns.Labels = l
	}
	if kind == "add" || all { // a new namespace with a workload in it, and one more workload
		out.Namespaces = append(out.Namespaces, model.Namespace{Name: "new", Labels: map[string]string{"kubernetes.io/metadata.name": "new", "team": "payments"}})
		for _, ns := range []string{"new", out.Workloads[0].Namespace} {
			w := out.Workloads[r.IntN(len(out.Workloads))]
			w.Namespace, w.Name, w.Pods = ns, w.Name+"-added", nil
			out.Workloads = append(out.Workloads, w)
		}
	}
	for range 3 {
		i := r.IntN(len(out.Workloads))
		w := &out.Workloads[i]
		switch {
		case kind == "relabel" || all && r.IntN(2) == 0:
			relabel := func(s *model.PodSpec) {
				s.Labels = maps.Clone(s.Labels)
				s.Labels["version"] = "v9"
			}
			relabel(&w.Template)
			w.Pods = slices.Clone(w.Pods)
			for j := range w.Pods {
				relabel(&w.Pods[j].Spec)
			}
		case kind == "replace" || all && r.IntN(2) == 0:
			extra := func(s *model.PodSpec) {
				s.Containers = append(slices.Clone(s.Containers), model.Container{Name: "extra",
					Ports: []model.ContainerPort{{Container: "extra", Name: "extra", Port: 9999, Protocol: model.TCP}}})
			}
			extra(&w.Template)
			w.Pods = slices.Clone(w.Pods)
			for j := range w.Pods {
				extra(&w.Pods[j].Spec)
			}
		case kind == "remove" || all:
			out.Workloads = slices.Delete(out.Workloads, i, i+1)
		}
	}
	return &out
}

// mutateTiers edits a few cluster policies of c: a priority changed, an
// action flipped, one deleted, a copy added under a new name.
func mutateTiers(c *model.Cluster, r *rand.Rand) {
	c.ClusterPolicies = slices.Clone(c.ClusterPolicies)
	actions := []v1alpha2.ClusterNetworkPolicyRuleAction{v1alpha2.ClusterNetworkPolicyRuleActionAccept,
		v1alpha2.ClusterNetworkPolicyRuleActionDeny, v1alpha2.ClusterNetworkPolicyRuleActionPass}
	for range 3 {
		if len(c.ClusterPolicies) == 0 {
			return
		}
		i := r.IntN(len(c.ClusterPolicies))
		cnp := c.ClusterPolicies[i].CNP.DeepCopy()
		switch r.IntN(4) {
		case 0:
			cnp.Spec.Priority = int32(r.IntN(100))
		case 1:
			for j := range cnp.Spec.Ingress {
				cnp.Spec.Ingress[j].Action = actions[r.IntN(3)]
			}
			for j := range cnp.Spec.Egress {
				cnp.Spec.Egress[j].Action = actions[r.IntN(3)]
			}
		case 2:
			c.ClusterPolicies = slices.Delete(c.ClusterPolicies, i, i+1)
			continue
		default:
			cnp.Name += "-copy"
			cnp.Spec.Priority = int32(r.IntN(100))
			c.ClusterPolicies = append(c.ClusterPolicies, model.ClusterPolicy{CNP: cnp})
			continue
		}
		c.ClusterPolicies[i] = model.ClusterPolicy{CNP: cnp}
	}
}
