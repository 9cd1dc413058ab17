package policy_test

import (
	"testing"
	"time"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/policy"
)

// BenchmarkTieredMatrix measures New plus the full matrix (a Scanner, row
// by row) on the tiered presets (M, L: 200 cluster policies).
func BenchmarkTieredMatrix(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeM, synth.SizeL} {
		b.Run("size="+s.String(), func(b *testing.B) {
			c := synth.Generate(s.Tiered(1))
			eps := endpointsOf(c)
			all := indexes(len(eps))
			for b.Loop() {
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
			}
		})
	}
}
