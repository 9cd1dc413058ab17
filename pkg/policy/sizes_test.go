package policy_test

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

var large = flag.Bool("podreach.large", false, "also run the differential tests at L size (10k pods; a few CPU-minutes)")

// TestDifferentialSizes compares the engine with the reference evaluator on
// the preset clusters: S on every pair and sampled port (as
// TestDifferential), M and (with -podreach.large) L on every pair for the
// Scanner against Allowed, and on random pairs for Explain and the
// reference.
func TestDifferentialSizes(t *testing.T) {
	t.Parallel()
	t.Run("S", func(t *testing.T) {
		t.Parallel()
		c := synth.Generate(synth.SizeS.Config(1))
		eps := endpointsOf(c)
		for _, ipBlockPods := range []bool{true, false} {
			compareAll(t, c, eps, ipBlockPods, samplePorts(c, eps, 1))
		}
	})
	sizes := map[synth.Size]int{synth.SizeM: 1500}
	if *large {
		sizes[synth.SizeL] = 3000
	}
	for size, pairs := range sizes {
		t.Run(size.String(), func(t *testing.T) {
			if testing.Short() {
				t.Skip("-short: S only")
			}
			t.Parallel()
			compareSampled(t, synth.Generate(size.Config(1)), pairs)
		})
	}
}

// compareSampled checks the Scanner against Allowed on every pair, and
// random pairs against Explain and the reference on 24 random sampled
// ports of every protocol.
func compareSampled(t *testing.T, c *model.Cluster, pairs int) {
	eps := endpointsOf(c)
	b := build(t, c.Namespaces, c.Policies, eps, true)
	all := indexes(len(eps))
	sc := b.eng.NewScanner(all)
	for s := range eps {
		sc.Row(s)
		for d := range eps {
			if got, want := sc.Allowed(d), b.eng.Allowed(s, d); !got.Equal(want) {
				t.Fatalf("%s -> %s: Scanner %s, Allowed %s", eps[s].ID, eps[d].ID, got, want)
			}
		}
	}
	sample := samplePorts(c, eps, 1)
	r := rand.New(rand.NewPCG(1, 4))
	for range pairs {
		s, d := r.IntN(len(eps)), r.IntN(len(eps))
		set := b.eng.Allowed(s, d)
		if full := b.eng.Explain(s, d, model.ProtocolUnknown, 0); !full.Allowed.Equal(set) {
			t.Fatalf("%s -> %s: Explain(all).Allowed = %s, Allowed() = %s", eps[s].ID, eps[d].ID, full.Allowed, set)
		}
		for range 24 {
			port := sample[r.IntN(len(sample))]
			for _, proto := range model.Protocols {
				want := b.ref.Allowed(eps, s, d, proto, port)
				if !b.agree(t, set, s, d, proto, port, want, want) {
					t.FailNow()
				}
			}
		}
	}
}

// indexes returns 0, 1, ..., n-1.
func indexes(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i
	}
	return out
}

// TestConcurrentUse: Allowed, Explain and Scanners used from several
// goroutines at once answer as one goroutine does (run it with -race).
func TestConcurrentUse(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeS.Config(2))
	eps := endpointsOf(c)
	b := build(t, c.Namespaces, c.Policies, eps, true)
	want := make([][]string, len(eps))
	for s := range eps {
		for d := range eps {
			want[s] = append(want[s], b.eng.Allowed(s, d).String())
		}
	}
	errs := make([]string, 4)
	var wg sync.WaitGroup
	for g := range errs {
		wg.Go(func() { errs[g] = scanConcurrently(b, want, g) })
	}
	wg.Wait()
	for _, e := range errs {
		if e != "" {
			t.Error(e)
		}
	}
}

// scanConcurrently walks every row with a Scanner and Allowed, from a
// different starting row per goroutine g, and returns the first mismatch.
func scanConcurrently(b built, want [][]string, g int) string {
	n := len(b.eps)
	sc := b.eng.NewScanner(indexes(n))
	for i := range n {
		s := (i + g*7) % n
		sc.Row(s)
		for d := range n {
			if got := sc.Allowed(d).String(); got != want[s][d] {
				return fmt.Sprintf("scanner %d -> %d: %s, want %s", s, d, got, want[s][d])
			}
			if got := b.eng.Allowed(d, s).String(); got != want[d][s] {
				return fmt.Sprintf("Allowed %d -> %d: %s, want %s", d, s, got, want[d][s])
			}
		}
		b.eng.Explain(s, (s+1)%n, model.TCP, 80)
	}
	return ""
}
