package render_test

import (
	"bytes"
	"testing"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
	"github.com/podreach/podreach/test/hostile"
)

// skipEmpty skips the empty name: renderers rightly leave out an empty
// hint or detail line, so its output has fewer lines, not a forged one.
func skipEmpty(t *testing.T, s string) {
	if s == "" {
		t.Skip("empty name")
	}
}

func seedNames(f *testing.F) {
	names, err := hostile.Names()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range names {
		f.Add(s)
	}
}

// fuzzReport is a check report in which every text from the input is s;
// the blocked pair's IDs are "ns/"+s and "other/"+s, so that the graph
// groups them in namespaces whatever s holds.
func fuzzReport(s string) *check.Report {
	pair := check.Pair{From: "ns/" + s, To: "other/" + s, Port: 8086, Protocol: model.TCP, Policies: []string{s}, Reason: s}
	return &check.Report{Mesh: s, Version: s, Results: []check.Result{
		{Category: s, ID: s, Description: s, Status: check.StatusError, Details: []string{s, s}, Blocked: []check.Pair{pair},
			Policies: []string{s, s + "/b"}, Hint: s, Anchor: "docs/checks.md#x", Fixable: true},
		{Category: s, ID: s + "2", Description: s, Status: check.StatusOK},
	}}
}

// fuzzDiff is a diff report in which every node and text is s.
func fuzzDiff(s string) *render.DiffReport {
	tcp := ports.Of(model.TCP, 80, 80)
	return &render.DiffReport{Before: "-f " + s, After: s, MeshChecked: true,
		Delta: &reach.Delta{Level: reach.LevelWorkload,
			Changes: []reach.Change{{From: s, To: s + "/b", Before: tcp, Lost: tcp}, {From: s + "/b", To: s, After: tcp, Gained: tcp}},
			Added:   []string{s}, Removed: []string{s + "/c"}, Gaps: []model.Gap{{Namespace: s, Resources: []string{s}, Reason: s}}},
		Mesh: []check.StatusChange{{ID: s, Category: s, Description: s, Before: check.StatusOK, After: check.StatusError}},
	}
}

// FuzzCheckMarkdown: whatever the names, the check comment has the lines,
// table cells, fences and HTML tags it has for a plain name.
func FuzzCheckMarkdown(f *testing.F) {
	seedNames(f)
	o := func(s string) render.CheckOptions {
		return render.CheckOptions{ExplainCommand: "podreach explain -f " + s, FixCommand: "podreach fix -f " + s}
	}
	var base bytes.Buffer
	if err := render.CheckMarkdown(&base, fuzzReport(plainName), o(plainName)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		skipEmpty(t, s)
		var got bytes.Buffer
		if err := render.CheckMarkdown(&got, fuzzReport(s), o(s)); err != nil {
			t.Fatal(err)
		}
		if err := sameStructure("md", base.Bytes(), got.Bytes()); err != nil {
			t.Fatalf("name %q: %v\n%s", s, err, got.Bytes())
		}
	})
}

// FuzzDiffMarkdown: the same for the diff comment.
func FuzzDiffMarkdown(f *testing.F) {
	seedNames(f)
	var base bytes.Buffer
	if err := render.DiffMarkdown(&base, fuzzDiff(plainName)); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		skipEmpty(t, s)
		var got bytes.Buffer
		if err := render.DiffMarkdown(&got, fuzzDiff(s)); err != nil {
			t.Fatal(err)
		}
		if err := sameStructure("md", base.Bytes(), got.Bytes()); err != nil {
			t.Fatalf("name %q: %v\n%s", s, err, got.Bytes())
		}
	})
}

// FuzzCheckText: the check text has as many lines and nothing that drives
// a terminal.
func FuzzCheckText(f *testing.F) {
	seedNames(f)
	o := render.CheckOptions{ExplainCommand: "podreach explain", Examples: 2}
	var base bytes.Buffer
	if err := render.CheckText(&base, fuzzReport(plainName), o); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		skipEmpty(t, s)
		var got bytes.Buffer
		if err := render.CheckText(&got, fuzzReport(s), o); err != nil {
			t.Fatal(err)
		}
		if err := sameStructure("text", base.Bytes(), got.Bytes()); err != nil {
			t.Fatalf("name %q: %v\n%s", s, err, got.Bytes())
		}
	})
}
