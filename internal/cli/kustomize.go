package cli

import (
	"context"

	"github.com/podreach/podreach/pkg/load/kustomize"
	"github.com/podreach/podreach/pkg/load/manifest"
)

// state is the input state the flags name: the live cluster when no -f
// or -k is given (or with --live), then the -k kustomizations rendered,
// then the -f manifests layered on them.
func (f *inputFlags) state() layers {
	given := len(f.filenames)+len(f.kustomize) > 0
	return layers{live: f.src.live || !given, kustomizations: f.kustomize, files: f.filenames}
}

// renderKustomizations renders each state's kustomizations (each directory
// once) and decodes them into the state's builder, before its -f files.
// The rendered stream is named "kubectl kustomize DIR" in diagnostics:
// lines are lines of that command's output.
func renderKustomizations(ctx context.Context, builders []*manifest.Builder, states []layers) error {
	rendered := map[string][]byte{}
	for i, st := range states {
		for _, dir := range st.kustomizations {
			out, ok := rendered[dir]
			if !ok {
				var err error
				if out, err = kustomize.Render(ctx, dir); err != nil {
					return inputError(err)
				}
				rendered[dir] = out
			}
			builders[i].Decode(kustomizeSource(dir), out)
		}
	}
	return nil
}

func kustomizeSource(dir string) string { return "kubectl kustomize " + dir }
