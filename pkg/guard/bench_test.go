package guard

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
)

// BenchmarkReview judges one change against synthetic clusters with
// Linkerd, and reports the CPU time and the wall time per review
// (median, 99th percentile and slowest of the run; the 99th percentile is
// the slowest below 100 reviews): a NetworkPolicy create (a deny-all-ingress in the Linkerd
// namespace) and an AdminNetworkPolicy create (an Admin-tier Deny of
// linkerd-identity's ingress), both judged on the incremental engine:
//
//	go test ./pkg/guard -run '^$' -bench Review -benchtime 20x
func BenchmarkReview(b *testing.B) {
	reqs := []struct {
		name string
		req  Request
	}{
		{"netpol", Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: "linkerd", Name: "deny-all-ingress",
			Object: []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny-all-ingress","namespace":"linkerd"},"spec":{"podSelector":{},"ingress":[{"from":[{"podSelector":{}}]}],"policyTypes":["Ingress"]}}`)}},
		{"admin", Request{Operation: OpCreate, Group: groupTier, Kind: "AdminNetworkPolicy", Name: "deny-identity-ingress",
			Object: []byte(`{"apiVersion":"policy.networking.k8s.io/v1alpha1","kind":"AdminNetworkPolicy","metadata":{"name":"deny-identity-ingress"},"spec":{"priority":10,"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"linkerd"}},"podSelector":{"matchLabels":{"linkerd.io/control-plane-component":"identity"}}}},"ingress":[{"name":"deny-all","action":"Deny","from":[{"namespaces":{}}]}]}}`)}},
	}
	for _, size := range []synth.Size{synth.SizeM, synth.SizeL} {
		g, _, err := New(synth.Generate(size.Config(1)))
		if err != nil {
			b.Fatal(err)
		}
		for _, rq := range reqs {
			b.Run(size.String()+"/"+rq.name, func(b *testing.B) {
				var each, wall []time.Duration
				cputime.Loop(b, func() {
					start, w := cputime.Now(), time.Now()
					v, err := g.Review(rq.req)
					if err != nil || len(v.Warnings) == 0 {
						b.Fatal(err, fmt.Sprint(v.Warnings))
					}
					each, wall = append(each, cputime.Now()-start), append(wall, time.Since(w))
				})
				for _, m := range []struct {
					name string
					ds   []time.Duration
				}{{"cpu", each}, {"wall", wall}} {
					slices.Sort(m.ds)
					b.ReportMetric(float64(m.ds[len(m.ds)/2])/1e6, m.name+"-p50-ms")
					b.ReportMetric(float64(m.ds[len(m.ds)*99/100])/1e6, m.name+"-p99-ms")
					b.ReportMetric(float64(m.ds[len(m.ds)-1])/1e6, m.name+"-max-ms")
				}
			})
		}
	}
}
