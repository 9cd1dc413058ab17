package manifest

import (
	"bytes"
	"flag"
	"testing"

	"github.com/podreach/podreach/internal/cputime"
	"github.com/podreach/podreach/internal/synth"
)

// BenchmarkDecode is the load+parse stage: a generated cluster's manifests
// (as podreach generate writes them) read from memory, per size and format.
// format=json-exact is the JSON path as it was before the fast path (a
// yaml.Node tree per object), for comparison. Besides ns/op (wall time,
// inflated by other processes on a shared machine) it reports cpu-ms/op;
// XL and XXL run with -podreach.large.

var benchLarge = flag.Bool("podreach.large", false, "also benchmark the XL and XXL sizes")

func BenchmarkDecode(b *testing.B) {
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM, synth.SizeL, synth.SizeXL, synth.SizeXXL, synth.SizeDense} {
		for _, format := range []string{"yaml", "json", "json-exact"} {
			b.Run("size="+s.String()+"/format="+format, func(b *testing.B) {
				if (s == synth.SizeXL || s == synth.SizeXXL) && !*benchLarge {
					b.Skip("XL and XXL run with -podreach.large")
				}
				f := synth.FormatJSON
				if format == "yaml" {
					f = synth.FormatYAML
				}
				var buf bytes.Buffer
				if err := synth.Write(&buf, synth.Generate(s.Config(1)), f); err != nil {
					b.Fatal(err)
				}
				data := buf.Bytes()
				b.SetBytes(int64(len(data)))
				start := cputime.Now()
				for b.Loop() {
					var err error
					if format == "json-exact" {
						_, _, err = decodeExact("in.json", data, false)
					} else {
						_, _, err = Decode("in."+format, data)
					}
					if err != nil {
						b.Fatal(err)
					}
				}
				b.ReportMetric(float64(cputime.Now()-start)/float64(b.N)/1e6, "cpu-ms/op")
			})
		}
	}
}
