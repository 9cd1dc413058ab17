package guard

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
)

// BenchmarkReview judges one NetworkPolicy create (a deny-all-ingress in
// the Linkerd namespace) against synthetic clusters with Linkerd, and
// reports the CPU time per review (median and slowest of the run):
//
//	go test ./pkg/guard -run '^$' -bench Review -benchtime 20x
func BenchmarkReview(b *testing.B) {
	for _, size := range []synth.Size{synth.SizeM, synth.SizeL} {
		b.Run(size.String(), func(b *testing.B) {
			g, _, err := New(synth.Generate(size.Config(1)))
			if err != nil {
				b.Fatal(err)
			}
			req := Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: "linkerd", Name: "deny-all-ingress",
				Object: []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all-ingress","namespace":"linkerd"},"spec":{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}],"policyTypes":["Ingress"]}}`)}
			var each []time.Duration
			cputime.Loop(b, func() {
				start := cputime.Now()
				v, err := g.Review(req)
				if err != nil || v.Removed == 0 {
					b.Fatal(err, fmt.Sprint(v.Warnings))
				}
				each = append(each, cputime.Now()-start)
			})
			slices.Sort(each)
			b.ReportMetric(float64(each[len(each)/2])/1e6, "cpu-p50-ms")
			b.ReportMetric(float64(each[len(each)-1])/1e6, "cpu-max-ms")
		})
	}
}
