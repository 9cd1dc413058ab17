package render

import (
	"bytes"
	"io"
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

// Benchmarks of podreach matrix -o json (see docs/performance.md): the
// JSON writer alone (model built), and end to end from manifest bytes in
// memory (parse, build, matrix, JSON to io.Discard). Besides ns/op (wall
// time, inflated by other processes on a shared machine) they report
// cpu-ms/op and the output size.

// countWriter counts bytes written.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

var matrixSizes = []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeDense}

// BenchmarkMatrixJSON writes the workload-level matrix as JSON.
func BenchmarkMatrixJSON(b *testing.B) { benchMatrix(b, MatrixJSON) }

// BenchmarkMatrixCompact writes the workload-level matrix as -o
// json-compact.
func BenchmarkMatrixCompact(b *testing.B) { benchMatrix(b, MatrixCompact) }

// benchMatrix writes the workload-level matrix of every size in format f,
// the model built outside the timer.
func benchMatrix(b *testing.B, f MatrixFormat) {
	for _, s := range matrixSizes {
		b.Run("size="+s.String(), func(b *testing.B) {
			a, err := reach.Analyze(synth.Generate(s.Config(1)))
			if err != nil {
				b.Fatal(err)
			}
			var w countWriter
			start := cputime.Now()
			for b.Loop() {
				w.n = 0
				if err := Matrix(&w, a, f); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cputime.Now()-start)/float64(b.N)/1e6, "cpu-ms/op")
			b.ReportMetric(float64(w.n)/1e6, "out-MB")
		})
	}
}

// BenchmarkEndToEnd is podreach matrix -o json without the process: the
// manifests in memory in each format, to io.Discard.
func BenchmarkEndToEnd(b *testing.B) {
	for _, s := range matrixSizes {
		for _, f := range []synth.Format{synth.FormatYAML, synth.FormatJSON} {
			b.Run("size="+s.String()+"/format="+f.String(), func(b *testing.B) {
				var buf bytes.Buffer
				if err := synth.Write(&buf, synth.Generate(s.Config(1)), f); err != nil {
					b.Fatal(err)
				}
				data := buf.Bytes()
				start := cputime.Now()
				for b.Loop() {
					c, _, err := manifest.Decode("in."+f.String(), data)
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
				b.ReportMetric(float64(cputime.Now()-start)/float64(b.N)/1e6, "cpu-ms/op")
				b.ReportMetric(float64(len(data))/1e6, "in-MB")
			})
		}
	}
}
