package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Markers around the part of docs/tiers.md TestTiersDoc writes.
const (
	tiersBegin = "<!-- transcripts: go test ./internal/cli -run TestTiersDoc -update -->\n"
	tiersEnd   = "<!-- end of transcripts -->\n"
)

// TestTiersDoc runs the commands of testdata/tiers.md.tmpl (the seed's
// story with cluster policy tiers: check, explain, fix on
// examples/emojivoto-tiers) and fails when docs/tiers.md does not show
// what they print today (-update rewrites the part between the markers).
func TestTiersDoc(t *testing.T) {
	root, got := story(t, "tiers.md.tmpl")
	page := filepath.Join(root, "docs", "tiers.md")
	doc, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(tiersBegin)), bytes.Index(doc, []byte(tiersEnd))
	if i < 0 || j < i {
		t.Fatalf("docs/tiers.md lacks the markers %q and %q", tiersBegin, tiersEnd)
	}
	have := doc[i+len(tiersBegin) : j]
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		out := append(append(append([]byte{}, doc[:i+len(tiersBegin)]...), got...), doc[j:]...)
		if err := os.WriteFile(page, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if line, w, g := firstDiff(string(have), string(got)); line > 0 {
		t.Errorf("docs/tiers.md transcripts are stale (go test ./internal/cli -run TestTiersDoc -update rewrites them); line %d:\n  page:     %s\n  commands: %s", line, w, g)
	}
}
