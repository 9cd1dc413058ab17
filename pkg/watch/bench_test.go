package watch

import (
	"context"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
)

// BenchmarkRebuild: one rebuild of the example (decode every object, build
// the model, run the mesh check, compare), as after each change.
func BenchmarkRebuild(b *testing.B) {
	k := &keeper{o: makeOptions(nil)}
	fill := func(bl *manifest.Builder) {
		if err := bl.Load(context.Background(), broken...); err != nil {
			b.Fatal(err)
		}
	}
	k.rebuild(fill)
	for b.Loop() {
		if ev := k.rebuild(fill); ev.Err != nil {
			b.Fatal(ev.Err)
		}
	}
}
