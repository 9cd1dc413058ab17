package reach_test

import (
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

func BenchmarkScratchL(b *testing.B) {
	c := synth.Generate(synth.SizeL.Config(1))
	a, err := reach.Analyze(c)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		n := 0
		a.Matrix(func(c reach.Connection) error { n++; return nil })
	}
}
