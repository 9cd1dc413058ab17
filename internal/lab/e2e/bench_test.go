package e2e_test

import (
	"context"
	"testing"

	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/internal/synth"
)

// large is a generated cluster of 208 pods (202 in the lab: 6 use the host network).
var large = synth.Config{Seed: 200, Namespaces: 8, Workloads: 120, Policies: 60, PodIPs: true}

// BenchmarkLab200Pods measures set-up and probing of a 200-pod cluster,
// 2000 sampled pairs on every port: go test ./internal/lab/e2e -run '^$'
// -bench Lab200 -benchtime 1x.
func BenchmarkLab200Pods(b *testing.B) { benchLarge(b, lab.Pairs{Sample: 2000}) }

// BenchmarkLab200PodsAllPairs probes every ordered pair (about 2.5 million
// connections).
func BenchmarkLab200PodsAllPairs(b *testing.B) { benchLarge(b, lab.Pairs{}) }

func benchLarge(b *testing.B, pairs lab.Pairs) {
	if err := lab.CheckEnv(); err != nil {
		b.Skip(err)
	}
	c := synth.Generate(large)
	for b.Loop() {
		rep, err := lab.Run(context.Background(), c, lab.WithPairs(pairs))
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Summary.OK() {
			b.Errorf("%d disagreements", rep.Summary.Disagreed())
		}
		b.ReportMetric(float64(rep.Pods), "pods")
		b.ReportMetric(float64(rep.Namespaces), "netns")
		b.ReportMetric(rep.Setup.Seconds(), "setup-s")
		b.ReportMetric(rep.Probing.Seconds(), "probe-s")
		b.ReportMetric(float64(rep.Summary.Connections-rep.Summary.NotProbed), "conns")
		b.ReportMetric(float64(rep.Attempts), "attempts")
	}
}
