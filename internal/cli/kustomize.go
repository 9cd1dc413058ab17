package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

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

// placedBy says where the namespace of objects that name none came from,
// as kubectl decides it: -n, else the kubeconfig context's namespace (read
// only with a live cluster: manifests alone need no kubeconfig), else
// "default".
type placedBy struct {
	namespace      string
	given, context bool
}

// print says how many objects were placed in the namespace, and from which
// sources: a notice when the namespace was chosen (-n, the context), a
// warning when it is the last-resort "default" (helm template without
// --namespace writes objects without one, and a whole release then lands
// in "default").
func (p placedBy) print(w io.Writer, placed map[string]int, printed map[string]bool) {
	if len(placed) == 0 {
		return
	}
	total := 0
	var parts []string
	for _, src := range slices.Sorted(maps.Keys(placed)) {
		total += placed[src]
		parts = append(parts, fmt.Sprintf("%s (%d)", src, placed[src]))
	}
	what := "objects that name no namespace"
	if total == 1 {
		what = "object that names no namespace"
	}
	why, severity := "kubectl's default: no -n given", "warning"
	switch {
	case p.given:
		why, severity = "given with -n", "notice"
	case p.context:
		why, severity = "the kubeconfig context's namespace", "notice"
	}
	line := fmt.Sprintf("%s: placed %d %s in namespace %q (%s): %s", severity, total, what, p.namespace, why, strings.Join(parts, ", "))
	if !printed[line] {
		printed[line] = true
		fmt.Fprintln(w, line)
	}
}
