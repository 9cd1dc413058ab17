package cli

import (
	"fmt"
	"io"
	"os"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/report"
)

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
