package reach_test

import (
	"fmt"
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

// BenchmarkMatrixExternals walks the L workload matrix with and without
// ipBlocks: with them the external ranges the ipBlocks induce are matrix
// nodes; without them the matrix must cost what it did before there were
// any (docs/externals.md).
func BenchmarkMatrixExternals(b *testing.B) {
	for _, blocks := range []bool{true, false} {
		b.Run(fmt.Sprintf("size=L/ipblocks=%v", blocks), func(b *testing.B) {
			cfg := synth.SizeL.Config(1)
			if !blocks {
				cfg.Features = synth.AllFeatures &^ synth.FeatureIPBlock &^ synth.FeatureIPv6
			}
			c := synth.Generate(cfg)
			a := buildAnalysis(b, c)
			n := 0
			cputime.Loop(b, func() {
				n = 0
				a.Matrix(func(reach.Connection) error { n++; return nil })
			})
			b.ReportMetric(float64(len(a.Nodes())), "nodes")
			b.ReportMetric(float64(n), "connections")
		})
	}
}
