package reach_test

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// TestFocusExternalsAndDataplane: with external ranges and an ipBlock
// holding a pod IP, a focused matrix (Matrix and Blocks' runs) is the
// unfocused one filtered as Focus documents it, dataplane marks included
// (so no pair of two externals either); Pairs counts the shown pairs but
// those between two externals, and Nodes lists the ends of those pairs.
func TestFocusExternalsAndDataplane(t *testing.T) {
	t.Parallel()
	c := loadCluster(t, extShop)
	for _, match := range []bool{true, false} {
		for _, level := range []reach.Level{reach.LevelWorkload, reach.LevelPod} {
			name := fmt.Sprintf("match=%v/%s", match, level)
			a := analyzeWith(t, c, reach.WithExternalRanges(true), reach.WithIPBlockPods(match), reach.WithLevel(level))
			var full []reach.Connection
			if err := a.Matrix(func(c reach.Connection) error { full = append(full, c); return nil }); err != nil {
				t.Fatal(err)
			}
			var ext string // an external node
			for _, n := range a.Nodes() {
				if n.Kind == model.KindExternal {
					ext = n.ID
				}
			}
			focuses := []reach.Focus{{}, {Namespaces: []string{"shop"}}, {From: []string{ext}}, {To: []string{ext}}}
			rng := rand.New(rand.NewPCG(11, uint64(level)))
			for range 30 {
				focuses = append(focuses, randomFocus(rng, a))
			}
			marked := 0
			for k, f := range focuses {
				marked += checkFocus(t, fmt.Sprintf("%s/%d %+v", name, k, f), a, f, full)
			}
			if match && marked == 0 {
				t.Errorf("%s: no focus shows a dataplane-dependent pair: the test checks little", name)
			}
		}
	}
}

// checkFocus compares a focused by f with the naive filter of full (a's
// matrix) and returns how many shown pairs are dataplane-dependent.
func checkFocus(t *testing.T, name string, a *reach.Analysis, f reach.Focus, full []reach.Connection) int {
	t.Helper()
	fa, err := a.Focus(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	want := naiveFocus(a, f, full)
	if diff := cmp.Diff(want, matrixConns(t, fa)); diff != "" {
		t.Errorf("%s: Matrix (-naive +focused):\n%s", name, diff)
	}
	for _, workers := range []int{1, 3} {
		if diff := cmp.Diff(want, runConnections(t, fa, workers)); diff != "" {
			t.Errorf("%s workers=%d: Blocks' runs (-naive +focused):\n%s", name, workers, diff)
		}
	}
	shows, nodes, pairs := naiveShows(a, f), a.Nodes(), 0
	ends := map[string]bool{}
	for _, s := range nodes {
		for _, d := range nodes {
			both := s.Kind == model.KindExternal && d.Kind == model.KindExternal
			if s.ID != d.ID && !both && shows(s.ID, d.ID) {
				pairs++
				ends[s.ID], ends[d.ID] = true, true
			}
		}
	}
	if got := fa.Pairs(); got != pairs {
		t.Errorf("%s: Pairs() = %d, want %d", name, got, pairs)
	}
	var wantNodes, gotNodes []string
	for _, n := range nodes {
		if ends[n.ID] {
			wantNodes = append(wantNodes, n.ID)
		}
	}
	for _, n := range fa.Nodes() {
		gotNodes = append(gotNodes, n.ID)
	}
	if diff := cmp.Diff(wantNodes, gotNodes); diff != "" {
		t.Errorf("%s: Nodes (-ends of shown pairs +focused):\n%s", name, diff)
	}
	marked := 0
	for _, c := range want {
		if c.Dataplane {
			marked++
		}
	}
	return marked
}
