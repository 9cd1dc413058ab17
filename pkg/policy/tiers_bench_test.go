package policy_test

import (
	"testing"
	"time"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/policy"
)

// BenchmarkTieredMatrix measures New plus the full matrix (a Scanner, row
// by row) on the tiered presets (M, L: 200 cluster policies), and on the
// same clusters without their cluster policies (what the tiers cost).
func BenchmarkTieredMatrix(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeM, synth.SizeL} {
		for _, tiers := range []bool{true, false} {
			name := "size=" + s.String()
			if !tiers {
				name += "/untiered"
			}
			b.Run(name, func(b *testing.B) {
				benchTiered(b, s, tiers)
			})
		}
	}
}

func benchTiered(b *testing.B, s synth.Size, tiers bool) {
	c := synth.Generate(s.Tiered(1))
	if !tiers {
		c.ClusterPolicies = nil
	}
	eps := endpointsOf(c)
	all := indexes(len(eps))
	b.ReportAllocs()
	cputime.Loop(b, func() {
		t0 := time.Now()
		e, err := policy.New(c, eps)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		sc := e.NewScanner(all)
		for src := range eps {
			sc.Row(src)
		}
		b.Logf("new %v rows %v: %s", t1.Sub(t0), time.Since(t1), e.TierStats())
	})
}
