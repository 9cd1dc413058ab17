package check

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestRecheckerEqualsRun: on random NetworkPolicy creates, replacements
// and deletes, the rechecker's report equals Run's on the edited cluster,
// line for line; with EditOn on an incremental engine over the state's
// endpoints too (edits in sequence, each undone after, for the edits
// without ipBlocks: those may cut the external ranges anew).
func TestRecheckerEqualsRun(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("..", "..", "examples", "emojivoto-linkerd")
	var files []string
	for _, f := range []string{"namespaces.yaml", "emojivoto.yaml", "linkerd-control-plane.yaml", "linkerd-viz.yaml", "deny-all-ingress.yaml"} {
		files = append(files, filepath.Join(dir, f))
	}
	example, _, err := manifest.Load(context.Background(), append(files, filepath.Join("..", "..", "examples", "emojivoto-authz", "authz.yaml")))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		c     *model.Cluster
		edits int
	}{
		{"example", example, 40},
		{"synthetic S", synth.Generate(synth.SizeS.Config(5)), 40},
		{"synthetic M", synth.Generate(synth.SizeM.Config(2)), 8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p, _, err := linkerd.Detect(tc.c, "")
			if err != nil || p == nil {
				t.Fatal("no mesh", err)
			}
			x, _, a, err := NewRechecker(tc.c, p)
			if err != nil || x == nil {
				t.Fatal("no rechecker", err)
			}
			inc, err := policy.NewIncremental(a.Cluster(), a.Engine().Endpoints())
			if err != nil {
				t.Fatal(err)
			}
			viewed := 0
			rnd := rand.New(rand.NewPCG(7, uint64(len(tc.c.Workloads))))
			// Most edits go to the namespaces of the flows' workloads.
			hot := map[string]bool{}
			for _, ws := range x.peers {
				for _, w := range ws {
					hot[tc.c.Workloads[w].Namespace] = true
				}
			}
			rechecked := 0
			for i := range tc.edits {
				after, e := randomEdit(tc.c, hot, rnd)
				want, _, err := Run(after, p)
				if err != nil {
					t.Fatal(err)
				}
				got, err := x.Edit(after, e)
				if err != nil {
					t.Fatal(err)
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Fatalf("edit %d (%v → %v): rechecked report differs (-Run +Edit):\n%s", i, e.Old != nil, e.New != nil, diff)
				}
				if !hasIPBlock(e.Old) && !hasIPBlock(e.New) {
					viewed++
					if got = editOn(t, x, inc, after, e); cmp.Diff(want, got) != "" {
						t.Fatalf("edit %d (%v → %v): report on the incremental engine differs (-Run +EditOn):\n%s", i, e.Old != nil, e.New != nil, cmp.Diff(want, got))
					}
				}
				sel, err := x.selected(e)
				if err != nil {
					t.Fatal(err)
				}
				for _, ws := range x.peers {
					if slices.ContainsFunc(ws, func(w int) bool { return sel[w] }) {
						rechecked++
						break
					}
				}
			}
			if rechecked < tc.edits/4 || viewed < tc.edits/4 {
				t.Errorf("only %d of %d edits touched a flow, %d judged on the incremental engine", rechecked, tc.edits, viewed)
			}
		})
	}
}

// randomEdit returns a copy of c with one NetworkPolicy deleted, given
// another's spec, or created with another's spec; three times in four in
// a hot namespace.
func randomEdit(c *model.Cluster, hot map[string]bool, rnd *rand.Rand) (*model.Cluster, PolicyEdit) {
	out := *c
	out.Policies = append([]model.Policy(nil), c.Policies...)
	src := c.Policies[rnd.IntN(len(c.Policies))]
	inHot := rnd.IntN(4) > 0
	var cands []int
	for i, p := range c.Policies {
		if !inHot || hot[p.NetworkPolicy.Namespace] {
			cands = append(cands, i)
		}
	}
	var nss []string
	for _, ns := range c.Namespaces {
		if !inHot || hot[ns.Name] {
			nss = append(nss, ns.Name)
		}
	}
	op := rnd.IntN(3)
	if len(cands) == 0 {
		op = 2
	}
	switch op {
	case 0:
		i := cands[rnd.IntN(len(cands))]
		old := out.Policies[i]
		out.Policies = append(out.Policies[:i], out.Policies[i+1:]...)
		return &out, PolicyEdit{Old: &old}
	case 1:
		i := cands[rnd.IntN(len(cands))]
		old := out.Policies[i]
		np := *old.NetworkPolicy
		np.Spec = *src.NetworkPolicy.Spec.DeepCopy()
		p := old
		p.NetworkPolicy = &np
		out.Policies[i] = p
		return &out, PolicyEdit{Old: &old, New: &p}
	}
	np := *src.NetworkPolicy.DeepCopy()
	np.Namespace, np.Name = nss[rnd.IntN(len(nss))], "random-edit"
	p := src
	p.NetworkPolicy = &np
	out.Policies = append(out.Policies, p)
	return &out, PolicyEdit{New: &p}
}

// editOn applies e to inc, rechecks with EditOn on its view, and undoes e.
func editOn(t *testing.T, x *Rechecker, inc *policy.Incremental, after *model.Cluster, e PolicyEdit) *Report {
	t.Helper()
	var err error
	if e.New != nil {
		_, err = inc.SetPolicy(*e.New)
	} else {
		inc.DeletePolicy(e.Old.NetworkPolicy.Namespace, e.Old.NetworkPolicy.Name)
	}
	if err != nil {
		t.Fatal(err)
	}
	v, err := inc.View(after.Policies)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := x.EditOn(after, e, v)
	if err != nil {
		t.Fatal(err)
	}
	if e.Old != nil {
		_, err = inc.SetPolicy(*e.Old)
	} else {
		inc.DeletePolicy(e.New.NetworkPolicy.Namespace, e.New.NetworkPolicy.Name)
	}
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

// hasIPBlock reports whether p has an ipBlock peer.
func hasIPBlock(p *model.Policy) bool {
	if p == nil {
		return false
	}
	for _, r := range p.NetworkPolicy.Spec.Ingress {
		if slices.ContainsFunc(r.From, func(pe networkingv1.NetworkPolicyPeer) bool { return pe.IPBlock != nil }) {
			return true
		}
	}
	for _, r := range p.NetworkPolicy.Spec.Egress {
		if slices.ContainsFunc(r.To, func(pe networkingv1.NetworkPolicyPeer) bool { return pe.IPBlock != nil }) {
			return true
		}
	}
	return false
}
