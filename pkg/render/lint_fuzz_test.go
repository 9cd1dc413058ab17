package render_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/render"
)

// FuzzLintText: whatever the input puts in a finding (object, field, file,
// message, hint), the text is its four lines per finding plus the
// summary, and JSON and SARIF parse and carry the text exactly.
func FuzzLintText(f *testing.F) {
	seedNames(f)
	f.Fuzz(func(t *testing.T, s string) {
		skipEmpty(t, s)
		fd := lint.Finding{Rule: "selector-no-match", Severity: lint.Warning, Object: "NetworkPolicy ns/" + s, Field: s,
			Source: model.Source{File: s, Line: 3}, Message: s, Hint: s}
		rep := &lint.Report{Findings: []lint.Finding{fd, fd}}
		var b bytes.Buffer
		if err := render.LintText(&b, rep); err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(b.String(), "\n"); n != 7 {
			t.Errorf("text has %d lines, want 7:\n%s", n, b.String())
		}
		for _, write := range []func(*bytes.Buffer) error{
			func(w *bytes.Buffer) error { return render.LintJSON(w, rep) },
			func(w *bytes.Buffer) error { return render.LintSARIF(w, rep, s) },
		} {
			b.Reset()
			if err := write(&b); err != nil {
				t.Fatal(err)
			}
			var v any
			if err := json.Unmarshal(b.Bytes(), &v); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
		}
		var sarif struct {
			Runs []struct {
				Results []struct {
					Message struct{ Text string } `json:"message"`
				} `json:"results"`
			} `json:"runs"`
		}
		if err := json.Unmarshal(b.Bytes(), &sarif); err != nil || len(sarif.Runs) != 1 || len(sarif.Runs[0].Results) != 2 {
			t.Fatalf("SARIF: %v, %+v", err, sarif)
		}
		var exact string // s as JSON carries it (each invalid byte a U+FFFD)
		if err := json.Unmarshal(must(json.Marshal(s)), &exact); err != nil {
			t.Fatal(err)
		}
		if got := sarif.Runs[0].Results[0].Message.Text; !strings.HasPrefix(got, exact) {
			t.Errorf("SARIF message %q does not start with the finding's %q", got, s)
		}
	})
}

func must(b []byte, err error) []byte {
	if err != nil {
		panic(err)
	}
	return b
}
