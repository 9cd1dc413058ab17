package check_test

import (
	"flag"
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

// BenchmarkCheck is podreach check --mesh linkerd on a generated cluster
// with a Linkerd control plane and meshed namespaces: detection, the
// injected model, and every flow. Besides ns/op (wall time, inflated by
// other processes on a shared machine) it reports cpu-ms/op; XL and XXL run
// with -podreach.large.

var benchLarge = flag.Bool("podreach.large", false, "also benchmark the XL and XXL sizes")

func BenchmarkCheck(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeXL, synth.SizeXXL, synth.SizeDense} {
		b.Run("size="+s.String(), func(b *testing.B) {
			if (s == synth.SizeXL || s == synth.SizeXXL) && !*benchLarge {
				b.Skip("XL and XXL run with -podreach.large")
			}
			c := synth.Generate(s.Config(1))
			start := cputime.Now()
			results := 0
			for b.Loop() {
				in, _, err := linkerd.Detect(c, "")
				if err != nil {
					b.Fatal(err)
				}
				rep, _, err := check.Run(c, in)
				if err != nil {
					b.Fatal(err)
				}
				results = len(rep.Results)
			}
			b.ReportMetric(float64(cputime.Now()-start)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(results), "checks")
		})
	}
}
