package reach_test

import (
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

// BenchmarkFocusMatrix computes the L preset's workload matrix as runs on
// every core (what -o json-compact writes), whole and focused on one
// namespace and on one workload; the model is built outside the timer.
func BenchmarkFocusMatrix(b *testing.B) {
	a := buildAnalysis(b, benchCluster(b, synth.SizeL))
	w := a.Nodes()[0]
	for _, tc := range []struct {
		name  string
		focus reach.Focus
	}{
		{"whole", reach.Focus{}},
		{"namespace", reach.Focus{Namespaces: []string{w.Namespace}}},
		{"from-workload", reach.Focus{From: []string{w.ID}}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			runs := 0
			cputime.Loop(b, func() {
				f := a
				if !tc.focus.IsZero() {
					var err error
					if f, err = a.Focus(tc.focus); err != nil {
						b.Fatal(err)
					}
				}
				runs = 0
				err := reach.Blocks(f, f.Workers(), func(blk *reach.Block) (int, error) {
					n := 0
					err := blk.Runs(func(int, []reach.Run) error { n++; return nil })
					return n, err
				}, func(n int) error { runs += n; return nil })
				if err != nil {
					b.Fatal(err)
				}
			})
			b.ReportMetric(float64(runs), "rows")
		})
	}
}
