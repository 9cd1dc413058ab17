package watch

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
)

// example is the emojivoto + Linkerd example without its deny-all-ingress;
// broken adds it.
var (
	example = exampleFiles("namespaces.yaml", "emojivoto.yaml", "linkerd-control-plane.yaml", "linkerd-viz.yaml")
	broken  = append(slices.Clone(example), exampleFiles("deny-all-ingress.yaml")...)
)

func exampleFiles(names ...string) []string {
	var out []string
	for _, n := range names {
		out = append(out, filepath.Join("..", "..", "examples", "emojivoto-linkerd", n))
	}
	return out
}

// fakeSource is a Source fed by the test: every state sent is a full set
// of files, delivered as one sync (as informers deliver the objects after
// a change). A nil state delivers a document that does not decode.
type fakeSource struct {
	t      testing.TB
	states chan []string
}

func newFakeSource(t testing.TB, states ...[]string) *fakeSource {
	f := &fakeSource{t: t, states: make(chan []string, len(states)+8)}
	for _, s := range states {
		f.states <- s
	}
	return f
}

func (f *fakeSource) run(ctx context.Context, sync func(fill func(*manifest.Builder)) error) error {
	for {
		select {
		case <-ctx.Done():
			return nil
		case files := <-f.states:
			err := sync(func(b *manifest.Builder) {
				if files == nil {
					b.DecodeServed("served", []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"bad","namespace":"emojivoto"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":"no such port name because it is far too long"}]}]}}`))
					return
				}
				if err := b.Load(context.Background(), files...); err != nil {
					f.t.Errorf("loading %v: %v", files, err)
				}
			})
			if err != nil {
				return err
			}
		}
	}
}
