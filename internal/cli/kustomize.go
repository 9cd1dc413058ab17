package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"slices"

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

// shareStdin returns a function giving each state's builder its standard
// input: the stream itself, or, when several states read "-" (diff's before
// and after), one read of it that each replays. The read stops one byte
// past the per-file limit, which each builder then reports.
func shareStdin(in io.Reader, states []layers, limit int64) (func() io.Reader, error) {
	readers := 0
	for _, st := range states {
		if slices.Contains(st.files, "-") {
			readers++
		}
	}
	if readers < 2 || in == nil {
		return func() io.Reader { return in }, nil
	}
	data, err := io.ReadAll(io.LimitReader(in, limit+1))
	if err != nil {
		return nil, inputError(fmt.Errorf("reading standard input: %w", err))
	}
	return func() io.Reader { return bytes.NewReader(data) }, nil
}
