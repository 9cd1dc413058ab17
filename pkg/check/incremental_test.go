package check

import (
	"context"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// TestRecheckerEqualsRun: on random NetworkPolicy creates, replacements
// and deletes, the rechecker's report equals Run's on the edited cluster,
// line for line.
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
			x, _, _, err := NewRechecker(tc.c, p)
			if err != nil || x == nil {
				t.Fatal("no rechecker", err)
			}
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
			if rechecked < tc.edits/4 {
				t.Errorf("only %d of %d edits touched a flow", rechecked, tc.edits)
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
