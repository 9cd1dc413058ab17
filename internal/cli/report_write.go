package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/report"
)

// reportDelta compares the states' matrices as diff does: of the clusters
// as given, not as the mesh injects them, so that both commands agree.
func reportDelta(cs []*model.Cluster, rs []reportState, opts []reach.Option) (*reach.Delta, error) {
	as := []*reach.Analysis{rs[0].a, rs[1].a}
	for i := range as {
		if rs[i].check == nil {
			continue
		}
		a, err := reach.Analyze(cs[i], opts...)
		if err != nil {
			return nil, inputError(err)
		}
		as[i] = a
	}
	d, err := reach.Diff(as[0], as[1])
	if err != nil {
		return nil, inputError(err)
	}
	return d, nil
}

// writeReport writes the page to stdout, or to the --out file whole or
// not at all.
func writeReport(s Streams, out string, a *reach.Analysis, opts []report.Option) error {
	if out == "" {
		return report.Write(s.Out, a, opts...)
	}
	err := writeOut("--out", out, func(w io.Writer) error { return report.Write(w, a, opts...) })
	if err != nil {
		return err
	}
	if fi, err := os.Stat(out); err == nil {
		fmt.Fprintf(s.ErrOut, "wrote %s (%.1f KiB)\n", escape.Text(out), float64(fi.Size())/1024)
	}
	return nil
}
