package reach_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// TestFocusAgainstFilter: on generated clusters, at both levels, a
// focused matrix — by Matrix, and by Blocks' runs on several workers — is
// the unfocused matrix filtered pair by pair as Focus documents it (the
// naive reading), narrowed to the port.
func TestFocusAgainstFilter(t *testing.T) {
	t.Parallel()
	for _, level := range []reach.Level{reach.LevelWorkload, reach.LevelPod} {
		a, err := reach.Analyze(synth.Generate(synth.SizeS.Config(7)), reach.WithLevel(level))
		if err != nil {
			t.Fatal(err)
		}
		var full []reach.Connection
		if err := a.Matrix(func(c reach.Connection) error { full = append(full, c); return nil }); err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(7, uint64(level)))
		nonEmpty := 0
		for k := range 40 {
			f := randomFocus(rng, a)
			name := fmt.Sprintf("%s/%d", level, k)
			fa, err := a.Focus(f)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			want := naiveFocus(a, f, full)
			got := matrixConns(t, fa)
			if len(got) > 0 && len(got) < len(full) {
				nonEmpty++
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %+v: Matrix (-naive +focused):\n%s", name, f, diff)
			}
			for _, workers := range []int{1, 3} {
				if diff := cmp.Diff(want, runConnections(t, fa, workers)); diff != "" {
					t.Errorf("%s workers=%d: Blocks' runs (-naive +focused):\n%s", name, workers, diff)
				}
			}
		}
		if nonEmpty < 8 {
			t.Errorf("%s: only %d of 40 focuses show some but not all connections: the test checks little", level, nonEmpty)
		}
	}
}

// randomFocus picks namespaces, node names and selectors of a.
func randomFocus(rng *rand.Rand, a *reach.Analysis) reach.Focus {
	nodes := a.Nodes()
	pick := func() string { return nodes[rng.IntN(len(nodes))].ID }
	ns := func() string {
		for {
			if n := nodes[rng.IntN(len(nodes))]; n.Namespace != "" {
				return n.Namespace
			}
		}
	}
	var f reach.Focus
	if rng.IntN(2) == 0 {
		f.Namespaces = []string{ns()}
	}
	label := func() labels.Selector { // one label of a random node
		for {
			i, _ := a.EndpointIndex(pick())
			for k, v := range a.Engine().Endpoints()[i].Labels {
				return labels.SelectorFromSet(labels.Set{k: v})
			}
		}
	}
	if rng.IntN(3) == 0 {
		f.Selector = label()
	}
	switch rng.IntN(4) {
	case 0:
		f.From = []string{pick(), pick()}
	case 1:
		f.From = []string{"namespace/" + ns()}
	}
	switch rng.IntN(4) {
	case 0:
		f.To = []string{pick()}
	case 1:
		f.ToSelector = label()
	}
	if rng.IntN(3) == 0 {
		f.Port = reach.PortSpec{Number: []int{53, 80, 443, 8080}[rng.IntN(4)], Protocol: model.TCP}
	}
	return f
}

type conn struct {
	From, To, Allowed string
	Dataplane         bool
}

func matrixConns(t *testing.T, a *reach.Analysis) []conn {
	t.Helper()
	var out []conn
	err := a.Matrix(func(c reach.Connection) error {
		out = append(out, conn{c.From, c.To, c.Allowed.String(), c.Dataplane})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func runConnections(t *testing.T, a *reach.Analysis, workers int) []conn {
	t.Helper()
	nodes := a.Nodes()
	var out []conn
	err := reach.Blocks(a, workers, func(b *reach.Block) ([]conn, error) {
		var cs []conn
		err := b.Runs(func(from int, runs []reach.Run) error {
			for _, r := range runs {
				for to := r.Lo; to <= r.Hi; to++ {
					cs = append(cs, conn{nodes[from].ID, nodes[to].ID, b.Set(r.SetID).String(), r.Dataplane})
				}
			}
			return nil
		})
		return cs, err
	}, func(cs []conn) error { out = append(out, cs...); return nil })
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// naiveFocus filters the unfocused connections as Focus documents it.
func naiveFocus(a *reach.Analysis, f reach.Focus, full []reach.Connection) []conn {
	shows := naiveShows(a, f)
	var out []conn
	for _, c := range full {
		if !shows(c.From, c.To) {
			continue
		}
		set := c.Allowed
		if f.Port.Number != 0 {
			if set = set.Intersect(ports.Of(f.Port.Protocol, f.Port.Number, f.Port.Number)); set.IsEmpty() {
				continue
			}
		}
		out = append(out, conn{c.From, c.To, set.String(), c.Dataplane})
	}
	return out
}

// naiveShows reports, pair by pair, whether Focus documents the pair of
// nodes of a as shown under f.
func naiveShows(a *reach.Analysis, f reach.Focus) func(from, to string) bool {
	eps := a.Engine().Endpoints()
	node := map[string]reach.Node{}
	for _, n := range a.Nodes() {
		node[n.ID] = n
	}
	lbl := func(id string) (labels.Set, bool) {
		i, _ := a.EndpointIndex(id)
		return labels.Set(eps[i].Labels), node[id].Kind == model.KindExternal
	}
	matches := func(s labels.Selector, id string) bool {
		l, ext := lbl(id)
		return s == nil || !ext && s.Matches(l)
	}
	named := func(refs []string, id string) bool {
		return len(refs) == 0 || slices.Contains(refs, id) ||
			node[id].Kind != model.KindExternal && slices.Contains(refs, "namespace/"+node[id].Namespace)
	}
	scope := func(id string) bool {
		inNS := len(f.Namespaces) == 0 || node[id].Kind != model.KindExternal && slices.Contains(f.Namespaces, node[id].Namespace)
		return inNS && matches(f.Selector, id)
	}
	return func(from, to string) bool {
		return named(f.From, from) && matches(f.FromSelector, from) && named(f.To, to) && matches(f.ToSelector, to) &&
			(scope(from) || scope(to))
	}
}
