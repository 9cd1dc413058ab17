package policy_test

import (
	"syscall"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/policy"
)

func cpuNow() int64 {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}

func BenchmarkScratchScan(b *testing.B) {
	c := synth.Generate(synth.SizeL.Config(1))
	eps := endpointsOf(c)
	all := make([]int, len(eps))
	for i := range all {
		all[i] = i
	}
	e, _ := policy.New(c, eps)
	start := cpuNow()
	for b.Loop() {
		sc := e.NewScanner(all)
		open := 0
		for src := range eps {
			sc.Row(src)
			for dst := range eps {
				if !sc.Allowed(dst).IsEmpty() {
					open++
				}
			}
		}
	}
	b.ReportMetric(float64(cpuNow()-start)/float64(b.N)/1e6, "cpu-ms/op")
	b.ReportMetric(float64(policy.Fills)/float64(b.N), "fills")
}
