package policy_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/ports"
)

// runEdits applies steps random edits to an Incremental engine built on c
// and, after each, checks it against a fresh Engine (every pair), the
// Delta against the fresh engines before and after (every pair), and
// samples of pairs against the reference evaluator.
func runEdits(t *testing.T, c *model.Cluster, donor *model.Cluster, seed uint64, steps, refPairs int) {
	t.Helper()
	w := &edited{c: c, eps: endpointsOf(c), donor: donor.Policies, donorCPs: donor.ClusterPolicies, r: rand.New(rand.NewPCG(seed, 2))}
	kinds := edits
	if len(c.ClusterPolicies) > 0 {
		kinds = append(slices.Clone(edits), tierEdits...)
	}
	w.live = make([]bool, len(w.eps))
	for i := range w.live {
		w.live[i] = true
	}
	x, err := policy.NewIncremental(c, w.eps)
	if err != nil {
		t.Fatal(err)
	}
	before := matrixOf(t, w)
	for step := range steps {
		w.n = step
		e := kinds[w.r.IntN(len(kinds))]
		d, ok := e.apply(w, x)
		if !ok {
			continue
		}
		after := matrixOf(t, w)
		where := fmt.Sprintf("step %d (%s)", step, e.name)
		checkAgainst(t, where, x, after)
		checkDelta(t, where, w, x, d, before, after)
		checkReference(t, where, w, x, refPairs, seed+uint64(step))
		checkView(t, where, w, x, after, refPairs, seed+uint64(step))
		if t.Failed() {
			t.FailNow()
		}
		before = after
	}
}

// snapshot is a fresh engine on the edited cluster, answering by endpoint
// index of the edited cluster (removed endpoints have no answer).
type snapshot struct {
	eng *policy.Engine
	sc  *policy.Scanner
	pos []int // world index -> engine index, -1 when removed
	row int
}

func matrixOf(t *testing.T, w *edited) *snapshot {
	t.Helper()
	eps, idx := w.liveEndpoints()
	eng, err := policy.New(w.cluster(), eps)
	if err != nil {
		t.Fatal(err)
	}
	all := indexes(len(eps))
	sn := &snapshot{eng: eng, sc: eng.NewScanner(all), pos: make([]int, len(w.eps)), row: -1}
	for i := range sn.pos {
		sn.pos[i] = -1
	}
	for i, wi := range idx {
		sn.pos[wi] = i
	}
	return sn
}

// at returns the answer for s -> d (world indexes), and whether both exist.
func (sn *snapshot) at(s, d int) (ports.Set, bool) {
	if s >= len(sn.pos) || d >= len(sn.pos) || sn.pos[s] < 0 || sn.pos[d] < 0 {
		return ports.Set{}, false
	}
	if sn.row != s {
		sn.sc.Row(sn.pos[s])
		sn.row = s
	}
	return sn.sc.Allowed(sn.pos[d]), true
}

func checkAgainst(t *testing.T, where string, x *policy.Incremental, sn *snapshot) {
	t.Helper()
	bad := 0
	eps := x.Endpoints()
	for s := range sn.pos {
		for d := range sn.pos {
			want, ok := sn.at(s, d)
			if !ok {
				continue
			}
			if got := x.Allowed(s, d); !got.Equal(want) && bad < 5 {
				bad++
				t.Errorf("%s: %s -> %s: incremental %s, fresh engine %s", where, eps[s].ID, eps[d].ID, got, want)
			}
		}
	}
}

// checkDelta checks that d lists exactly the pairs whose answer changed
// between the fresh engines before and after the edit.
func checkDelta(t *testing.T, where string, w *edited, x *policy.Incremental, d policy.Delta, before, after *snapshot) {
	t.Helper()
	eps := x.Endpoints()
	reported := reportedPairs(t, where, eps, d)
	skip := map[int]bool{}
	for _, i := range append(slices.Clone(d.Added), d.Removed...) {
		skip[i] = true
	}
	for s := range after.pos {
		for dst := range after.pos {
			now, ok := after.at(s, dst)
			was, existed := before.at(s, dst)
			if !ok || !existed || skip[s] || skip[dst] {
				continue
			}
			c, rep := reported[[2]int{s, dst}]
			switch {
			case !was.Equal(now) && !rep:
				t.Errorf("%s: %s -> %s changed from %s to %s, not in the delta", where, eps[s].ID, eps[dst].ID, was, now)
			case rep && (!c.Before.Equal(was) || !c.After.Equal(now)):
				t.Errorf("%s: %s -> %s: delta says %s -> %s, engines say %s -> %s", where, eps[s].ID, eps[dst].ID, c.Before, c.After, was, now)
			case rep:
				delete(reported, [2]int{s, dst})
			}
		}
	}
	for k := range reported {
		t.Errorf("%s: delta reports %s -> %s, which did not change", where, eps[k[0]].ID, eps[k[1]].ID)
	}
}

// reportedPairs expands the changes of d by pair.
func reportedPairs(t *testing.T, where string, eps []policy.Endpoint, d policy.Delta) map[[2]int]policy.Change {
	t.Helper()
	reported := map[[2]int]policy.Change{}
	for _, c := range d.Changes {
		for _, a := range c.From {
			for _, b := range c.To {
				if a == b && eps[a].Single {
					continue
				}
				k := [2]int{int(a), int(b)}
				if _, dup := reported[k]; dup {
					t.Errorf("%s: pair %v reported twice", where, k)
				}
				reported[k] = c
			}
		}
	}
	return reported
}

// checkReference compares random live pairs with the reference evaluator
// on every sampled port.
func checkReference(t *testing.T, where string, w *edited, x *policy.Incremental, pairs int, seed uint64) {
	t.Helper()
	eps, idx := w.liveEndpoints()
	c := w.cluster()
	ref, err := reference.New(c, true)
	if err != nil {
		t.Fatal(err)
	}
	sample := samplePorts(c, eps, seed)
	r := rand.New(rand.NewPCG(seed, 3))
	for range pairs {
		s, d := r.IntN(len(eps)), r.IntN(len(eps))
		set := x.Allowed(idx[s], idx[d])
		for _, proto := range model.Protocols {
			for _, port := range sample {
				if want := ref.Allowed(eps, s, d, proto, port); set.Contains(proto, port) != want {
					t.Fatalf("%s: %s -> %s %s/%d: incremental %v, reference %v", where, eps[s].ID, eps[d].ID, proto, port, !want, want)
				}
			}
		}
	}
}

// TestIncremental applies random edits (policies added, modified, deleted;
// pods and namespaces relabelled; pods added and removed) to Incremental
// engines on small generated clusters and on the S and M presets (and L
// with -podreach.large).
func TestIncremental(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 12; seed++ {
		if testing.Short() && seed > 4 {
			break
		}
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			cfg := diffConfig(seed)
			cfg.PodIPs = true
			donor := cfg
			donor.Seed += 1000
			runEdits(t, synth.Generate(cfg), synth.Generate(donor), uint64(seed), 25, 20)
		})
	}
	sizes := []synth.Size{synth.SizeS, synth.SizeM}
	if *large {
		sizes = append(sizes, synth.SizeL)
	}
	for _, size := range sizes {
		if testing.Short() && size != synth.SizeS {
			continue
		}
		t.Run(size.String(), func(t *testing.T) {
			t.Parallel()
			steps := map[synth.Size]int{synth.SizeS: 20, synth.SizeM: 6, synth.SizeL: 2}[size]
			runEdits(t, synth.Generate(size.Config(1)), synth.Generate(size.Config(2)), 7, steps, 30)
		})
	}
}
