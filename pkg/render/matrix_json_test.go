package render

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// TestJSONPieces: the hand-written pieces of -o json are what
// json.Marshal writes, byte for byte: quoted IDs (escapes, HTML
// characters, non-ASCII, invalid UTF-8) and port sets.
func TestJSONPieces(t *testing.T) {
	t.Parallel()
	sets := []ports.Set{
		ports.All(), {}, ports.Of(model.TCP, 80, 80),
		ports.Of(model.TCP, 80, 90).Union(ports.Of(model.UDP, 53, 53)).Union(ports.Of(model.SCTP, 1, 65535)),
		ports.AllOf(model.UDP), ports.Of(model.TCP, 1, 5).Union(ports.Of(model.TCP, 7, 9)),
	}
	for _, s := range sets {
		want, err := json.Marshal(PortSetJSON(s))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendPortSetJSON(nil, s); string(got) != string(want) {
			t.Errorf("appendPortSetJSON(%s) = %s, want %s", s, got, want)
		}
	}
	for _, id := range []string{"ns/web", "internet", `a"b\c`, "x<y>&z", "ünïcode", "tab\there", "\u2028", "bad\xffutf8", ""} {
		want, err := json.Marshal(id)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendJSONString(nil, id); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s, want %s", id, got, want)
		}
	}
}

// TestMatrixJSONBlocks: the matrix written in blocks on several goroutines
// is the document json.Marshal makes of Matrix's connections, whatever the
// number of workers and wherever the blocks are cut.
func TestMatrixJSONBlocks(t *testing.T) {
	t.Parallel()
	seeds, workerCounts := []int64{1, 2}, []int{1, 2, 3, 8}
	if testing.Short() {
		seeds, workerCounts = seeds[:1], []int{1, 3}
	}
	for _, seed := range seeds {
		a, err := reach.Analyze(synth.Generate(synth.SizeM.Config(seed)))
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		n := 0
		err = a.Matrix(func(c reach.Connection) error {
			if n > 0 {
				want.WriteString(",")
			}
			n++
			want.WriteString("\n  ")
			b, err := json.Marshal(connectionJSON{From: c.From, To: c.To, Allowed: PortSetJSON(c.Allowed), Contested: c.Contested, Dataplane: c.Dataplane})
			want.Write(b)
			return err
		})
		if err != nil || n < 1000 {
			t.Fatalf("seed %d: %d connections, %v", seed, n, err)
		}
		for _, workers := range workerCounts {
			var got bytes.Buffer
			w := bufio.NewWriter(&got)
			if err := matrixJSONConnections(w, &got, a, a.Nodes(), workers); err != nil {
				t.Fatal(err)
			}
			w.Flush()
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Errorf("seed %d, %d workers: %d bytes differ from json.Marshal's %d", seed, workers, got.Len(), want.Len())
			}
		}
	}
}

// TestLayersJSON: a pair's answer per layer is written as json.Marshal
// writes pairLayersJSON, the Linkerd layer's empty members left out.
func TestLayersJSON(t *testing.T) {
	t.Parallel()
	tcp := func(lo, hi int) ports.Set { return ports.Of(model.TCP, lo, hi) }
	for _, la := range []reach.LayerAnswer{
		{NetPol: ports.All(), Refused: tcp(4191, 4191)},
		{NetPol: tcp(80, 90), Audited: tcp(80, 80), Unknown: tcp(81, 81)},
		{NetPol: tcp(80, 90).Union(ports.Of(model.UDP, 53, 53)), Refused: tcp(80, 85), Audited: tcp(86, 86), Unknown: tcp(87, 90)},
	} {
		var lj pairLayersJSON
		lj.NetworkPolicy = PortSetJSON(la.NetPol)
		lj.Linkerd.Refused, lj.Linkerd.Audited, lj.Linkerd.Unknown = PortSetJSON(la.Refused), PortSetJSON(la.Audited), PortSetJSON(la.Unknown)
		want, err := json.Marshal(lj)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendLayersJSON(nil, la); !bytes.Equal(got, want) {
			t.Errorf("%+v:\n got %s\nwant %s", la, got, want)
		}
	}
}
