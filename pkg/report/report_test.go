package report

import (
	"bytes"
	"compress/gzip"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/reach"
)

const example = "../../examples/emojivoto-linkerd/"

// emojivoto checks the shipped example and returns what Write needs.
func emojivoto(t *testing.T) (*reach.Analysis, []Option) {
	t.Helper()
	a, opts := checked(t, example)
	return a, append(opts, WithSource("-f "+example))
}

// checked checks the inputs and returns what Write needs.
func checked(t *testing.T, inputs ...string) (*reach.Analysis, []Option) {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), inputs)
	if err != nil {
		t.Fatal(err)
	}
	inst, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	rep, a, err := check.Run(c, inst)
	if err != nil {
		t.Fatal(err)
	}
	return a, []Option{WithCheck(rep, inst)}
}

// decode extracts the embedded data of a written page.
func decode(t *testing.T, page []byte) *data {
	t.Helper()
	m := regexp.MustCompile(`(?s)<script id="podreach-data" type="application/octet-stream">(.*?)</script>`).FindSubmatch(page)
	if m == nil {
		t.Fatal("no embedded data")
	}
	raw, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(m[1])), ""))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	js, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	var d data
	if err := json.Unmarshal(js, &d); err != nil {
		t.Fatal(err)
	}
	return &d
}

func TestWriteSelfContained(t *testing.T) {
	a, opts := emojivoto(t)
	var buf bytes.Buffer
	if err := Write(&buf, a, opts...); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	if !strings.Contains(page, `http-equiv="Content-Security-Policy" content="default-src 'none';`) {
		t.Error("no Content-Security-Policy forbidding requests")
	}
	for _, re := range []string{`<script[^>]+src=`, `<link[^>]+href=`, `<img[^>]+src=`, `url\(\s*['"]?(https?:|//)`, `@import`} {
		if loc := regexp.MustCompile(re).FindStringIndex(page); loc != nil {
			t.Errorf("the page loads a resource (%s): %q", re, page[loc[0]:min(loc[1]+60, len(page))])
		}
	}
	d := decode(t, buf.Bytes())
	if d.Mesh == nil || d.Checks[0].Status != "error" {
		t.Fatalf("checks not failures first: %+v", d.Checks[0])
	}
	var blocked, ok int
	for _, c := range d.Checks {
		for _, p := range c.Pairs {
			switch p.State {
			case "blocked":
				blocked++
				if len(p.Policies) == 0 {
					t.Errorf("%s: blocked pair %s → %s names no policy", c.ID, d.Nodes[p.S].Name, d.Nodes[p.D].Name)
				}
			case "ok":
				ok++
			}
		}
	}
	if blocked == 0 || ok == 0 {
		t.Errorf("flows drawn: %d blocked, %d allowed pairs; want both", blocked, ok)
	}
	meshed := 0
	for _, n := range d.Nodes {
		if n.Meshed {
			meshed++
		}
	}
	if meshed != 12 {
		t.Errorf("%d meshed nodes, want 12 (as check says)", meshed)
	}
}

// TestMatrixRoundTrip decodes the run-length rows as the page does and
// compares them with the analysis.
func TestMatrixRoundTrip(t *testing.T) {
	a, opts := emojivoto(t)
	var buf bytes.Buffer
	if err := Write(&buf, a, opts...); err != nil {
		t.Fatal(err)
	}
	d := decode(t, buf.Bytes())
	want := map[[2]int]string{}
	a.Matrix(func(c reach.Connection) error {
		want[[2]int{nodeOf(d, c.From), nodeOf(d, c.To)}] = portsLabel(c.Allowed)
		return nil
	})
	got := map[[2]int]string{}
	for i := range d.Nodes {
		for j, v := range decodeRow(t, d.Matrix.Rows[d.Matrix.RowOf[i]], len(d.Nodes)) {
			if v != 0 {
				got[[2]int{i, j}] = d.PortSets[v].Label
			}
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("decoded matrix differs (-analysis +page):\n%s", diff)
	}
	if d.Matrix.Pairs != len(want) {
		t.Errorf("pairs = %d, want %d", d.Matrix.Pairs, len(want))
	}
}

func nodeOf(d *data, id string) int {
	for i, n := range d.Nodes {
		if ns := d.Namespaces[n.NS].Name; ns+"/"+n.Name == id || ns == "" && n.Name == id {
			return i
		}
	}
	return -1
}

// decodeRow mirrors row() of assets/js/core.js.
func decodeRow(t *testing.T, s string, n int) []int {
	out := make([]int, 0, n)
	for _, run := range strings.Split(s, ",") {
		v, k, _ := strings.Cut(run, "*")
		val := parse36(t, v)
		times := 1
		if k != "" {
			times = parse36(t, k)
		}
		for range times {
			out = append(out, val)
		}
	}
	if len(out) != n {
		t.Fatalf("row %q has %d cells, want %d", s, len(out), n)
	}
	return out
}

func parse36(t *testing.T, s string) int {
	var n int
	for _, c := range s {
		n = n*36 + strings.IndexRune("0123456789abcdefghijklmnopqrstuvwxyz", c)
	}
	return n
}

func TestRowBuilder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		n     int
		cells [][2]int // column, value
		want  string
	}{
		{"empty", 3, nil, "0*3"},
		{"full", 3, [][2]int{{0, 1}, {1, 1}, {2, 1}}, "1*3"},
		{"gaps", 5, [][2]int{{1, 2}, {4, 37}}, "0,2,0*2,11"},
		{"long run", 40, [][2]int{{39, 1}}, "0*13,1"},
		{"runs merge", 6, [][2]int{{1, 3}, {2, 3}, {3, 3}, {5, 1}}, "0,3*3,0,1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rowBuilder{n: tt.n}
			for _, c := range tt.cells {
				r.putRun(c[0], c[0]+1, c[1])
			}
			if got := r.encode(); got != tt.want {
				t.Errorf("encode = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestVendoredLibrary checks the vendored file against the sha256 its
// README records, and that its licence is next to it.
func TestVendoredLibrary(t *testing.T) {
	readme, err := os.ReadFile("assets/vendor/README.md")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := os.ReadFile("assets/vendor/cytoscape.min.js")
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(lib)
	if !bytes.Contains(readme, []byte(hex.EncodeToString(sum[:]))) {
		t.Errorf("assets/vendor/README.md does not record the sha256 of cytoscape.min.js (%x)", sum)
	}
	if _, err := os.Stat("assets/vendor/LICENSE.cytoscape"); err != nil {
		t.Error(err)
	}
	if !slices.Contains(scripts, "main") {
		t.Error("the page script list lacks main")
	}
}

// TestScriptsNeverParseHTML: the page's scripts put names from the input
// into the page only as text (textContent, attributes, Cytoscape labels),
// never through an API that parses a string as HTML or code; with the data
// embedded as base64 and the title escaped, no input becomes markup.
func TestScriptsNeverParseHTML(t *testing.T) {
	t.Parallel()
	for _, s := range scripts {
		js, err := assets.ReadFile("assets/js/" + s + ".js")
		if err != nil {
			t.Fatal(err)
		}
		for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function", "createContextualFragment", "DOMParser"} {
			if strings.Contains(string(js), sink) {
				t.Errorf("%s.js uses %s", s, sink)
			}
		}
	}
}
