package policy_test

import (
	"fmt"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// synthCluster generates a realistic cluster of about pods pods (one policy
// per five pods, fifty pods per namespace).
func synthCluster(pods int) (*model.Cluster, []policy.Endpoint) {
	cfg := synth.Config{Seed: 1, Namespaces: max(2, pods/50), Workloads: max(1, pods/2), Policies: pods / 5, PodIPs: true}
	var c *model.Cluster
	for range 4 { // workloads run a varying number of pods: converge on the target
		c = synth.Generate(cfg)
		n := 0
		for _, w := range c.Workloads {
			n += len(w.Pods)
		}
		cfg.Workloads = max(1, cfg.Workloads*pods/max(n, 1))
	}
	return c, endpointsOf(c)
}

// BenchmarkEngine measures New plus the full Allowed matrix over every
// ordered pair of endpoints.
func BenchmarkEngine(b *testing.B) {
	for _, pods := range []int{1000, 10000} {
		c, eps := synthCluster(pods)
		b.Run(fmt.Sprintf("pods=%d", pods), func(b *testing.B) {
			b.ReportAllocs()
			var e *policy.Engine
			open := 0
			for b.Loop() {
				var err error
				if e, err = policy.New(c, eps); err != nil {
					b.Fatal(err)
				}
				open = 0
				for s := range eps {
					for d := range eps {
						if !e.Allowed(s, d).IsEmpty() {
							open++
						}
					}
				}
			}
			b.ReportMetric(float64(len(eps)), "endpoints")
			b.ReportMetric(float64(len(c.Policies)), "policies")
			b.ReportMetric(float64(e.Classes()), "classes")
			b.ReportMetric(float64(open)/float64(len(eps)*len(eps)), "open-fraction")
		})
	}
}
