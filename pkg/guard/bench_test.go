package guard

import (
	"fmt"
	"testing"

	"github.com/podreach/podreach/internal/synth"
)

// BenchmarkReview judges one NetworkPolicy create (a deny-all-ingress in
// the Linkerd namespace) against synthetic clusters with Linkerd:
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
			b.ResetTimer()
			for b.Loop() {
				v, err := g.Review(req)
				if err != nil || v.Removed == 0 {
					b.Fatal(err, fmt.Sprint(v.Warnings))
				}
			}
		})
	}
}
