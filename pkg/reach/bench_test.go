package reach_test

import (
	"flag"
	"fmt"
	"maps"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Stage benchmarks per preset size (see docs/performance.md). Besides
// ns/op (wall time, inflated by other processes on a shared machine) they
// report cpu-ms/op, the process's user+sys CPU per operation. XL and XXL
// run with -podreach.large.

var benchLarge = flag.Bool("podreach.large", false, "also benchmark the XL and XXL sizes")

var benchClusters sync.Map // synth.Size -> *model.Cluster

func benchCluster(b *testing.B, s synth.Size) *model.Cluster {
	b.Helper()
	if (s == synth.SizeXL || s == synth.SizeXXL) && !*benchLarge {
		b.Skip("XL and XXL run with -podreach.large")
	}
	if c, ok := benchClusters.Load(s); ok {
		return c.(*model.Cluster)
	}
	c := synth.Generate(s.Config(1))
	benchClusters.Store(s, c)
	return c
}

var benchSizes = []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeXL, synth.SizeXXL, synth.SizeDense}

func buildAnalysis(b *testing.B, c *model.Cluster, opts ...reach.Option) *reach.Analysis {
	b.Helper()
	a, err := reach.Analyze(c, opts...)
	if err != nil {
		b.Fatal(err)
	}
	return a
}

// BenchmarkAnalyze is the model build: endpoints, classes, selectors.
func BenchmarkAnalyze(b *testing.B) {
	for _, s := range benchSizes {
		b.Run("size="+s.String(), func(b *testing.B) {
			c := benchCluster(b, s)
			var a *reach.Analysis
			cputime.Loop(b, func() { a = buildAnalysis(b, c) })
			b.ReportMetric(float64(a.Engine().Classes()), "classes")
			b.StopTimer()
			heap := retained(func() any { return buildAnalysis(b, c) })
			pods, pols := 0, len(c.Policies)
			for _, w := range c.Workloads {
				pods += len(w.Pods)
			}
			b.ReportMetric(float64(heap)/(1<<20), "model-MiB")
			b.ReportMetric(float64(heap)/float64(pods+4*pols), "B/(pod+4·policy)")
		})
	}
}

// retained is the heap that what build returns keeps alive.
func retained(build func() any) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	v := build()
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(v)
	if after.HeapAlloc < before.HeapAlloc {
		return 0
	}
	return after.HeapAlloc - before.HeapAlloc
}

// BenchmarkMatrix walks the whole matrix (every connection, no output) at
// workload and at pod level, the build excluded. Sizes above L would list
// billions of pairs: see BenchmarkClassMatrix.
func BenchmarkMatrix(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeDense} {
		for _, lvl := range []reach.Level{reach.LevelWorkload, reach.LevelPod} {
			b.Run(fmt.Sprintf("size=%s/level=%s", s, lvl), func(b *testing.B) {
				a := buildAnalysis(b, benchCluster(b, s), reach.WithLevel(lvl))
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
}

// BenchmarkClassMatrix computes rows of the class-level matrix: one
// workload per class toward one workload of every class. At XL and XXL a
// sample of rows is timed and the full matrix extrapolated (full-s).
func BenchmarkClassMatrix(b *testing.B) {
	for _, s := range benchSizes {
		b.Run("size="+s.String(), func(b *testing.B) {
			a := buildAnalysis(b, benchCluster(b, s))
			eng := a.Engine()
			var reps []int
			seen := map[int]bool{}
			for _, n := range a.Nodes() {
				i, _ := a.EndpointIndex(n.ID)
				if c := eng.Class(i); !seen[c] {
					seen[c] = true
					reps = append(reps, i)
				}
			}
			rows := reps[:min(len(reps), 2000)]
			cputime.Loop(b, func() {
				sc := eng.NewScanner(reps)
				for _, src := range rows {
					sc.Row(src)
					for _, d := range reps {
						sc.Empty(d)
					}
				}
			})
			b.ReportMetric(float64(len(reps)), "classes")
			b.ReportMetric(float64(len(rows)), "rows")
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*float64(len(reps))/float64(len(rows)), "full-s")
		})
	}
}

// BenchmarkExplain traces one pair of workloads on one port, the model
// loaded, and reports the median and the 99th percentile.
func BenchmarkExplain(b *testing.B) {
	for _, s := range benchSizes {
		b.Run("size="+s.String(), func(b *testing.B) {
			a := buildAnalysis(b, benchCluster(b, s))
			nodes := a.Nodes()
			r := rand.New(rand.NewPCG(1, 2))
			var times []time.Duration
			cputime.Loop(b, func() {
				from, to := nodes[r.IntN(len(nodes))], nodes[r.IntN(len(nodes))]
				start := time.Now()
				if _, err := a.Explain(from.ID, to.ID, reach.PortSpec{Number: 8080, Protocol: model.TCP}, "default"); err != nil {
					b.Fatal(err)
				}
				times = append(times, time.Since(start))
			})
			slices.Sort(times)
			b.ReportMetric(float64(times[len(times)/2].Microseconds())/1e3, "p50-ms")
			b.ReportMetric(float64(times[len(times)*99/100].Microseconds())/1e3, "p99-ms")
		})
	}
}

// BenchmarkWorstCase is the L cluster made hard: every pod its own class
// (a unique label that a policy reads), or every policy selecting every
// pod of its namespace (podSelector {}). It measures the model build and
// the pod-level matrix walked.
func BenchmarkWorstCase(b *testing.B) {
	for _, variant := range []string{"own-class", "select-all"} {
		for _, walk := range []string{"matrix", "blocks"} {
			b.Run("size=L/"+variant+"/walk="+walk, func(b *testing.B) {
				c := worstCase(benchCluster(b, synth.SizeL), variant)
				var a *reach.Analysis
				n := 0
				cputime.Loop(b, func() {
					a = buildAnalysis(b, c, reach.WithLevel(reach.LevelPod))
					n = 0
					if walk == "matrix" { // one goroutine, connection by connection
						a.Matrix(func(reach.Connection) error { n++; return nil })
						return
					}
					// as -o json-compact: rows in blocks on every core, as runs
					reach.Blocks(a, runtime.GOMAXPROCS(0), func(blk *reach.Block) (int, error) {
						k := 0
						err := blk.Runs(func(_ int, runs []reach.Run) error {
							for _, r := range runs {
								k += int(r.Hi-r.Lo) + 1
							}
							return nil
						})
						return k, err
					}, func(k int) error { n += k; return nil })
				})
				b.ReportMetric(float64(a.Engine().Classes()), "classes")
				b.ReportMetric(float64(n), "connections")
			})
		}
	}
}

// worstCase returns a copy of c made hard (see BenchmarkWorstCase).
func worstCase(c *model.Cluster, variant string) *model.Cluster {
	out := *c
	out.Policies = slices.Clone(c.Policies)
	for i := range out.Policies {
		np := out.Policies[i].NetworkPolicy.DeepCopy()
		if variant == "select-all" {
			np.Spec.PodSelector = metav1.LabelSelector{}
		} else if i == 0 {
			np.Spec.PodSelector = metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
				{Key: "bench/id", Operator: metav1.LabelSelectorOpExists}}}
		}
		out.Policies[i].NetworkPolicy = np
	}
	if variant == "own-class" {
		out.Workloads = slices.Clone(c.Workloads)
		n := 0
		for i := range out.Workloads {
			w := &out.Workloads[i]
			w.Pods = slices.Clone(w.Pods)
			for j := range w.Pods {
				l := maps.Clone(w.Pods[j].Spec.Labels)
				l["bench/id"] = strconv.Itoa(n)
				n++
				w.Pods[j].Spec.Labels = l
			}
		}
	}
	return &out
}

// BenchmarkDiff is podreach diff after one policy edit (a numeric ingress
// port moved): both states analysed (outside the timer), then Diff walks
// both matrices side by side. The incremental engine's answer to the same
// question is BenchmarkIncremental in pkg/policy.
func BenchmarkDiff(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeDense} {
		b.Run("size="+s.String(), func(b *testing.B) {
			c := benchCluster(b, s)
			after := *c
			after.Policies = slices.Clone(c.Policies)
			moved := false
			for i := range after.Policies {
				np := after.Policies[i].NetworkPolicy.DeepCopy()
				for j := range np.Spec.Ingress {
					for k := range np.Spec.Ingress[j].Ports {
						pp := &np.Spec.Ingress[j].Ports[k]
						if !moved && pp.Port != nil && pp.Port.Type == intstr.Int && pp.EndPort == nil {
							v := intstr.FromInt32(pp.Port.IntVal + 1)
							pp.Port, moved = &v, true
						}
					}
				}
				if moved {
					after.Policies[i].NetworkPolicy = np
					break
				}
			}
			ba, aa := buildAnalysis(b, c), buildAnalysis(b, &after)
			var d *reach.Delta
			cputime.Loop(b, func() {
				var err error
				if d, err = reach.Diff(ba, aa); err != nil {
					b.Fatal(err)
				}
			})
			lost, gained := d.Counts()
			b.ReportMetric(float64(lost+gained), "changed-pairs")
		})
	}
}
