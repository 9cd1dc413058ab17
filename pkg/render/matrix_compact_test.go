package render

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

// compactDoc is the -o json-compact document (README, "matrix JSON").
type compactDoc struct {
	Level  string     `json:"level"`
	Format string     `json:"format"`
	Nodes  []nodeJSON `json:"nodes"`
	Rows   []struct {
		From int     `json:"from"`
		To   [][]int `json:"to"` // [first, last, set] or [first, last, set, 1]
	} `json:"rows"`
	Sets   [][]PortsJSON `json:"sets"`
	Layers []struct {
		NetPol  int  `json:"networkPolicy"`
		Refused *int `json:"refused"`
		Audited *int `json:"audited"`
		Unknown *int `json:"unknown"`
	} `json:"layers"`
}

// TestMatrixCompact: expanding the compact document's runs gives exactly
// the connections of -o json (same nodes, same pairs, same ports, same
// contested marks), and the document is well formed: rows by source,
// runs sorted and disjoint, no source in its own runs, every set used.
func TestMatrixCompact(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size synth.Size
		seed int64
		opts []reach.Option
	}{
		{synth.SizeS, 1, nil},
		{synth.SizeS, 4, []reach.Option{reach.WithLevel(reach.LevelPod)}},
		{synth.SizeM, 2, nil},
	} {
		if testing.Short() && tc.size == synth.SizeM {
			continue // many blocks on several goroutines: TestMatrixJSONBlocks covers it in -short
		}
		name := fmt.Sprintf("%s/%d", tc.size, tc.seed)
		a, err := reach.Analyze(synth.Generate(tc.size.Config(tc.seed)), tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var full, compact bytes.Buffer
		if err := Matrix(&full, a, MatrixJSON); err != nil {
			t.Fatal(err)
		}
		if err := Matrix(&compact, a, MatrixCompact); err != nil {
			t.Fatal(err)
		}
		var want struct {
			Level       string           `json:"level"`
			Nodes       []nodeJSON       `json:"nodes"`
			Connections []connectionJSON `json:"connections"`
		}
		if err := json.Unmarshal(full.Bytes(), &want); err != nil {
			t.Fatal(err)
		}
		var doc compactDoc
		dec := json.NewDecoder(&compact)
		dec.DisallowUnknownFields()
		if err := dec.Decode(&doc); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if doc.Level != want.Level || doc.Format != "compact/v1" || fmt.Sprint(doc.Nodes) != fmt.Sprint(want.Nodes) {
			t.Fatalf("%s: level %q format %q or nodes differ from -o json", name, doc.Level, doc.Format)
		}
		var got []connectionJSON
		used := make([]bool, len(doc.Sets))
		lastFrom := -1
		for _, r := range doc.Rows {
			if r.From <= lastFrom || len(r.To) == 0 {
				t.Fatalf("%s: row of %d after %d, %d runs", name, r.From, lastFrom, len(r.To))
			}
			lastFrom = r.From
			last := -1
			for _, run := range r.To {
				if len(run) != 3 && (len(run) != 4 || run[3] != 1) && (len(run) != 5 || run[3] > 1 || run[4] >= len(doc.Layers)) {
					t.Fatalf("%s: bad run %v", name, run)
				}
				lo, hi, set := run[0], run[1], run[2]
				dp := len(run) >= 4 && run[3] == 1
				if lo <= last || hi < lo || hi >= len(doc.Nodes) || set < 0 || set >= len(doc.Sets) {
					t.Fatalf("%s: bad run %v after %d", name, run, last)
				}
				last, used[set] = hi, true
				for to := lo; to <= hi; to++ {
					if to == r.From {
						t.Fatalf("%s: node %d in its own run %v", name, to, run)
					}
					from, dst := doc.Nodes[r.From], doc.Nodes[to]
					got = append(got, connectionJSON{From: from.ID, To: dst.ID, Allowed: doc.Sets[set], Contested: from.HostNetwork || dst.HostNetwork || dp, Dataplane: dp})
				}
			}
		}
		for i, u := range used {
			if !u {
				t.Errorf("%s: set %d is never used", name, i)
			}
		}
		if g, w := fmt.Sprint(got), fmt.Sprint(want.Connections); g != w || len(got) == 0 {
			t.Errorf("%s: the runs expand to %d connections, -o json has %d (or they differ)", name, len(got), len(want.Connections))
		}
		if _, err := dec.Token(); err != io.EOF {
			t.Errorf("%s: after the document: %v, want EOF", name, err)
		}
		if tc.size == synth.SizeM && full.Len() < 10*compact.Len() {
			t.Errorf("%s: compact is %d bytes, -o json %d: expected at least 10× smaller", name, compact.Len(), full.Len())
		}
	}
}
