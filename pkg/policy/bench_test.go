package policy_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Benchmarks report, besides ns/op (wall time, which other processes on a
// shared machine inflate), cpu-ms/op: user+sys CPU time of the process
// (GC workers included) per operation. Run them with GOMAXPROCS=2 to
// match the project's machine; docs/performance.md has the numbers.

// sizes are the preset sizes benchmarked by default; XL and XXL run when
// named (-bench 'Engine/size=XXL').
var benchSizes = []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeXL, synth.SizeXXL}

var clusters sync.Map // synth.Size -> *model.Cluster

func sizedCluster(s synth.Size) *model.Cluster {
	if c, ok := clusters.Load(s); ok {
		return c.(*model.Cluster)
	}
	c := synth.Generate(s.Config(1))
	clusters.Store(s, c)
	return c
}

// skipLarge skips XL and XXL without -podreach.large.
func skipLarge(b *testing.B, s synth.Size) {
	if (s == synth.SizeXL || s == synth.SizeXXL) && !*large {
		b.Skip("XL and XXL run with -podreach.large")
	}
}

// BenchmarkEngine measures New plus the full Allowed matrix over every
// ordered pair of pod endpoints (a Scanner, row by row), per size.
func BenchmarkEngine(b *testing.B) {
	for _, s := range benchSizes[:3] {
		b.Run("size="+s.String(), func(b *testing.B) {
			c := sizedCluster(s)
			eps := endpointsOf(c)
			all := indexes(len(eps))
			b.ReportAllocs()
			var e *policy.Engine
			open := 0
			cputime.Loop(b, func() {
				var err error
				if e, err = policy.New(c, eps); err != nil {
					b.Fatal(err)
				}
				open = 0
				sc := e.NewScanner(all)
				for s := range eps {
					sc.Row(s)
					for d := range eps {
						if !sc.Empty(d) {
							open++
						}
					}
				}
			})
			b.ReportMetric(float64(len(eps)), "endpoints")
			b.ReportMetric(float64(len(c.Policies)), "policies")
			b.ReportMetric(float64(e.Classes()), "classes")
			b.ReportMetric(float64(open)/float64(len(eps)*len(eps)), "open-fraction")
		})
	}
}

// BenchmarkAllowedPair measures one Allowed call on random pairs (the path
// check and explain take).
func BenchmarkAllowedPair(b *testing.B) {
	c := sizedCluster(synth.SizeL)
	eps := endpointsOf(c)
	e, err := policy.New(c, eps)
	if err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(1, 1))
	cputime.Loop(b, func() { e.Allowed(r.IntN(len(eps)), r.IntN(len(eps))) })
}

// BenchmarkIncremental measures one edit and its Delta on a long-lived
// engine: a policy changed (a port of one of its rules), a pod relabelled,
// a namespace relabelled. It reports the median and the 99th percentile
// over the edits of the run, and the changed pairs per edit.
func BenchmarkIncremental(b *testing.B) {
	for _, s := range benchSizes {
		for _, kind := range []string{"policy", "pod", "namespace"} {
			b.Run(fmt.Sprintf("size=%s/edit=%s", s, kind), func(b *testing.B) {
				skipLarge(b, s)
				c := sizedCluster(s)
				eps := endpointsOf(c)
				x, err := policy.NewIncremental(c, eps)
				if err != nil {
					b.Fatal(err)
				}
				r := rand.New(rand.NewPCG(uint64(s), 9))
				pols := slices.Clone(c.Policies)
				var times []time.Duration
				pairs := 0
				cputime.Loop(b, func() {
					start := time.Now()
					d := benchEdit(b, x, kind, c, eps, pols, r)
					times = append(times, time.Since(start))
					pairs += d.Pairs(x.Endpoints())
				})
				slices.Sort(times)
				b.ReportMetric(float64(times[len(times)/2].Microseconds())/1e3, "p50-ms")
				b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1e3, "p99-ms")
				b.ReportMetric(float64(pairs)/float64(b.N), "pairs/edit")
			})
		}
	}
}

// benchEdit applies one edit of the kind to x.
func benchEdit(b *testing.B, x *policy.Incremental, kind string, c *model.Cluster, eps []policy.Endpoint, pols []model.Policy, r *rand.Rand) policy.Delta {
	switch kind {
	case "policy":
		i := portedPolicy(pols, r)
		pols[i] = withPortChanged(pols[i], r)
		d, err := x.SetPolicy(pols[i])
		if err != nil {
			b.Fatal(err)
		}
		return d
	case "pod":
		i := r.IntN(len(eps))
		l := cloneLabels(eps[i].Labels)
		l["version"] = []string{"v1", "v2", "v3"}[r.IntN(3)]
		return x.SetLabels(i, l)
	}
	ns := c.Namespaces[r.IntN(len(c.Namespaces))]
	l := cloneLabels(ns.Labels)
	l["env"] = []string{"prod", "staging", "dev"}[r.IntN(3)]
	return x.SetNamespaceLabels(ns.Name, l)
}

func cloneLabels(m map[string]string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	return out
}

// portedPolicy picks a policy with a numeric port in an ingress rule.
func portedPolicy(pols []model.Policy, r *rand.Rand) int {
	for {
		i := r.IntN(len(pols))
		for _, rl := range pols[i].NetworkPolicy.Spec.Ingress {
			for _, pp := range rl.Ports {
				if pp.Port != nil && pp.Port.Type == intstr.Int && pp.EndPort == nil {
					return i
				}
			}
		}
	}
}

// withPortChanged returns p with the first numeric ingress port changed.
func withPortChanged(p model.Policy, r *rand.Rand) model.Policy {
	np := p.NetworkPolicy.DeepCopy()
	for i := range np.Spec.Ingress {
		for j := range np.Spec.Ingress[i].Ports {
			if pp := &np.Spec.Ingress[i].Ports[j]; pp.Port != nil && pp.Port.Type == intstr.Int && pp.EndPort == nil {
				v := intstr.FromInt32(int32(1 + r.IntN(10000)))
				pp.Port = &v
				return model.Policy{NetworkPolicy: np}
			}
		}
	}
	return model.Policy{NetworkPolicy: np}
}
