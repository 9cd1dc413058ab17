package guard

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// TestReplayEqualsDiff: on random NetworkPolicy creates, replacements and
// deletes, one after another on the same state (so that a bad undo shows
// in the next answer), the replayed count of removed connections equals
// reach.Diff's on the two full analyses.
func TestReplayEqualsDiff(t *testing.T) {
	t.Parallel()
	for _, tc := range optionCases([]clusterCase{
		{"example", exampleCluster(t, examplePath("deny-all-ingress.yaml"), "testdata/allow-labelled-namespaces.yaml")},
		{"synthetic S", synth.Generate(synth.SizeS.Config(3))},
	}) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, _, err := New(tc.c, tc.opts...)
			if err != nil {
				t.Fatal(err)
			}
			st := g.cur.Load()
			if st.rp == nil {
				t.Fatal("no replayer")
			}
			rnd := rand.New(rand.NewPCG(1, 2))
			replayed := 0
			defer func() {
				if replayed < 10 {
					t.Errorf("only %d edits replayed", replayed)
				}
			}()
			for i := range 40 {
				after, editedNS, editedName := randomPolicyEdit(st.c, rnd)
				old, new, _ := policyEdit(st.c, after, Request{Kind: "NetworkPolicy", Namespace: editedNS, Name: editedName})
				if old == nil && new == nil || !reach.SameCuts(st.c, after) {
					continue // not replayed (Guard.afterState)
				}
				replayed++
				ast, err := g.analyse(after, st.prof)
				if err != nil {
					t.Fatal(err)
				}
				d, err := reach.Diff(st.a, ast.a)
				if err != nil {
					t.Fatal(err)
				}
				want, _ := d.Counts()
				got, _, err := st.rp.judge(after, old, new, nil)
				if err != nil {
					t.Fatal(err)
				}
				if got != want {
					t.Fatalf("edit %d of %s/%s (old %v, new %v): replay removes %d, Diff %d", i, editedNS, editedName, old != nil, new != nil, got, want)
				}
			}
		})
	}
}

type clusterCase struct {
	name string
	c    *model.Cluster
}

type optionCase struct {
	name string
	c    *model.Cluster
	opts []Option
}

// optionCases runs each cluster with the library's defaults and with the
// options podreach guard passes (external ranges as nodes, ipBlocks
// matching pod IPs or not).
func optionCases(cs []clusterCase) []optionCase {
	var out []optionCase
	for _, c := range cs {
		out = append(out, optionCase{c.name, c.c, nil},
			optionCase{c.name + ", CLI, match", c.c, []Option{WithReachOptions(reach.WithExternalRanges(true)), WithIPBlockPods(true)}},
			optionCase{c.name + ", CLI, ignore", c.c, []Option{WithReachOptions(reach.WithExternalRanges(true)), WithIPBlockPods(false)}})
	}
	return out
}

// TestIncrementalVerdictEqualsFull: on random NetworkPolicy edits sent as
// requests, the verdict judged incrementally (check.Rechecker and the
// replay) equals the verdict of a full analysis of the edited cluster;
// edits whose ipBlocks cut the external ranges anew are judged (on full
// analyses, compared at the boundaries of both).
func TestIncrementalVerdictEqualsFull(t *testing.T) {
	for _, tc := range optionCases([]clusterCase{
		{"example", exampleCluster(t, examplePath("deny-all-ingress.yaml"), "testdata/allow-labelled-namespaces.yaml", authzExample)},
		{"synthetic S", synth.Generate(synth.SizeS.Config(4))},
	}) {
		t.Run(tc.name, func(t *testing.T) {
			g, _, err := New(tc.c, append(tc.opts, WithMode(ModeEnforce))...)
			if err != nil {
				t.Fatal(err)
			}
			st := g.cur.Load()
			rnd := rand.New(rand.NewPCG(3, 4))
			incremental := 0
			for i := range 30 {
				after, editedNS, editedName := randomPolicyEdit(st.c, rnd)
				r := Request{Kind: "NetworkPolicy", Namespace: editedNS, Name: editedName, Operation: OpDelete}
				old, new, _ := policyEdit(st.c, after, r)
				if new != nil {
					np := new.NetworkPolicy.DeepCopy()
					np.APIVersion, np.Kind = "networking.k8s.io/v1", "NetworkPolicy"
					if r.Object, err = json.Marshal(np); err != nil {
						t.Fatal(err)
					}
					r.Operation = OpCreate
					if old != nil {
						r.Operation = OpUpdate
					}
				}
				got, want, inc := reviewBothWays(t, g, st, r)
				if inc {
					incremental++
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("edit %d (%s %s/%s): verdict (-full +incremental):\n%s", i, r.Operation, r.Namespace, r.Name, diff)
				}
			}
			if incremental < 10 {
				t.Errorf("only %d edits judged incrementally", incremental)
			}
		})
	}
}

// reviewBothWays reviews r (incrementally where the guard can), and
// judges it on a full analysis of the edited cluster; inc says whether the
// review was incremental. New ipBlock boundaries too: reach.Diff recuts.
func reviewBothWays(t *testing.T, g *Guard, st *state, r Request) (got, want Verdict, inc bool) {
	t.Helper()
	got, gotErr := g.Review(r)
	applied, err := apply(st.c, r)
	if err != nil || applied == nil || gotErr != nil {
		t.Fatal(applied, err, gotErr)
	}
	ast, err := g.afterState(st, applied, r)
	if err != nil {
		t.Fatal(err)
	}
	full, err := g.analyse(applied, st.prof)
	if err != nil {
		t.Fatal(err)
	}
	if want, err = g.judge(r, st, full); err != nil {
		t.Fatal(err)
	}
	return got, want, ast.incremental
}

// randomPolicyEdit returns a copy of c with one NetworkPolicy deleted,
// replaced by another's spec, or created with another's spec, and the
// namespace and name of the policy edited.
func randomPolicyEdit(c *model.Cluster, rnd *rand.Rand) (edited *model.Cluster, ns, name string) {
	out := *c
	out.Policies = append([]model.Policy(nil), c.Policies...)
	src := c.Policies[rnd.IntN(len(c.Policies))]
	switch rnd.IntN(3) {
	case 0: // delete
		i := rnd.IntN(len(out.Policies))
		ns, name = out.Policies[i].NetworkPolicy.Namespace, out.Policies[i].NetworkPolicy.Name
		out.Policies = append(out.Policies[:i], out.Policies[i+1:]...)
	case 1: // replace the spec
		i := rnd.IntN(len(out.Policies))
		p := out.Policies[i]
		np := *p.NetworkPolicy
		np.Spec = *src.NetworkPolicy.Spec.DeepCopy()
		p.NetworkPolicy = &np
		out.Policies[i] = p
		ns, name = np.Namespace, np.Name
	default: // create in another namespace
		ns, name = c.Namespaces[rnd.IntN(len(c.Namespaces))].Name, "random-edit"
		np := *src.NetworkPolicy.DeepCopy()
		np.Namespace, np.Name = ns, name
		p := src
		p.NetworkPolicy = &np
		out.Policies = append(out.Policies, p)
	}
	return &out, ns, name
}
