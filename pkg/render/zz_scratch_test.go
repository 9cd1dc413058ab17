package render

import (
	"context"
	"io"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

func BenchmarkScratchE2E(b *testing.B) {
	for b.Loop() {
		c, _, err := manifest.Load(context.Background(), []string{"/tmp/perf5/L.yaml"})
		if err != nil {
			b.Fatal(err)
		}
		a, err := reach.Analyze(c)
		if err != nil {
			b.Fatal(err)
		}
		if err := Matrix(io.Discard, a, MatrixJSON); err != nil {
			b.Fatal(err)
		}
	}
}
