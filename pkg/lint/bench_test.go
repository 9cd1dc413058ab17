package lint_test

import (
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/lint"
)

// BenchmarkRun times lint.Run alone (the analysis is built once, outside
// the timer) on the synthetic presets; L is 10k pods and 2k policies.
// cpu-ms/op is the process's CPU per run (wall time is inflated by other
// processes on a shared machine).
func BenchmarkRun(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL} {
		b.Run("size="+s.String(), func(b *testing.B) {
			a, _, err := effective.Analyze(synth.Generate(s.Config(1)))
			if err != nil {
				b.Fatal(err)
			}
			n := 0
			cputime.Loop(b, func() {
				rep, err := lint.Run(a)
				if err != nil {
					b.Fatal(err)
				}
				n = len(rep.Findings)
			})
			b.ReportMetric(float64(n), "findings")
		})
	}
}
