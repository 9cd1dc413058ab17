package render_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
	"github.com/podreach/podreach/pkg/report"
	"github.com/podreach/podreach/test/hostile"
)

const (
	example    = "../../examples/emojivoto-linkerd/"
	renamedNS  = "emojivoto"
	plainName  = "plain-name"
	explainTo  = "linkerd/linkerd-destination"
	fixCommand = "podreach fix --mesh linkerd -f "
)

// hostileCluster is the example with s in every name of one namespace
// (built past the loader, which refuses such names).
func hostileCluster(t *testing.T, s string) *model.Cluster {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), []string{example})
	if err != nil {
		t.Fatal(err)
	}
	hostile.Rename(c, renamedNS, s)
	return c
}

// output is one rendered format.
type output struct {
	format string
	kind   string // how to check it: text, json, md, dot, mermaid, csv, yaml, html
	out    []byte
}

// renderAll renders every output format of every verb for the example
// renamed with s.
func renderAll(t *testing.T, s string) []output {
	t.Helper()
	c := hostileCluster(t, s)
	inst, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	rep, ca, err := check.Run(c, inst)
	if err != nil {
		t.Fatal(err)
	}
	var outs []output
	add := func(format, kind string, write func(io.Writer) error) {
		var b bytes.Buffer
		if err := write(&b); err != nil {
			t.Fatalf("%s: %v", format, err)
		}
		outs = append(outs, output{format, kind, b.Bytes()})
	}
	o := render.CheckOptions{ExplainCommand: "podreach explain -f " + s, FixCommand: fixCommand + s, Examples: 3}
	short := o
	short.Short = true
	add("check text", "text", func(w io.Writer) error { return render.CheckText(w, rep, o) })
	add("check short", "text", func(w io.Writer) error { return render.CheckText(w, rep, short) })
	add("check json", "json", func(w io.Writer) error { return render.CheckJSON(w, rep) })
	add("check md", "md", func(w io.Writer) error { return render.CheckMarkdown(w, rep, o) })
	add("check dot", "dot", func(w io.Writer) error { return render.CheckDOT(w, rep) })
	add("check mermaid", "mermaid", func(w io.Writer) error { return render.CheckMermaid(w, rep) })

	prop, err := fix.Propose(c, inst)
	if err != nil && !errors.Is(err, fix.ErrIncomplete) {
		t.Fatal(err)
	}
	add("fix yaml", "yaml", func(w io.Writer) error { return render.FixYAML(w, prop, fixCommand+s) })

	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range render.MatrixFormats {
		kind := "text"
		switch f {
		case render.MatrixJSON:
			kind = "json"
		case render.MatrixCompact:
			kind = "compact"
		case render.MatrixCSV:
			kind = "csv"
		}
		add("matrix "+string(f), kind, func(w io.Writer) error { return render.Matrix(w, a, f) })
	}
	add("matrix dot", "dot", func(w io.Writer) error { return render.MatrixDOT(w, a) })
	add("matrix mermaid", "mermaid", func(w io.Writer) error { return render.MatrixMermaid(w, a) })

	x := hostileExplain(t, s)
	add("explain text", "text", func(w io.Writer) error { return render.ExplainText(w, x) })
	add("explain json", "json", func(w io.Writer) error { return render.ExplainJSON(w, x) })

	d := hostileDiff(t, s, a, rep)
	add("diff text", "text", func(w io.Writer) error { return render.DiffText(w, d) })
	add("diff json", "json", func(w io.Writer) error { return render.DiffJSON(w, d) })
	add("diff md", "md", func(w io.Writer) error { return render.DiffMarkdown(w, d) })
	add("diff dot", "dot", func(w io.Writer) error { return render.DiffDOT(w, d) })
	add("diff mermaid", "mermaid", func(w io.Writer) error { return render.DiffMermaid(w, d) })

	lr, err := lint.Run(a)
	if err != nil {
		t.Fatal(err)
	}
	add("lint text", "text", func(w io.Writer) error { return render.LintText(w, lr) })
	add("lint json", "json", func(w io.Writer) error { return render.LintJSON(w, lr) })
	add("lint sarif", "json", func(w io.Writer) error { return render.LintSARIF(w, lr, s) })
	xs, err := lint.Exposures(a)
	if err != nil {
		t.Fatal(err)
	}
	add("exposure text", "text", func(w io.Writer) error { return render.ExposureText(w, xs) })
	add("exposure json", "json", func(w io.Writer) error { return render.ExposureJSON(w, xs) })

	add("report html", "html", func(w io.Writer) error {
		return report.Write(w, ca, report.WithCheck(rep, inst), report.WithTitle(s), report.WithSource("-f "+s),
			report.WithDiff(&report.Diff{Before: d.Before, After: d.After, Delta: d.Delta, Mesh: d.Mesh}))
	})
	return outs
}

// hostileExplain explains the renamed web workload's connection to the
// Linkerd destination service. A "/" in s is replaced by U+2215 (∕): a
// name with a "/" cannot be addressed as NS/NAME at all.
func hostileExplain(t *testing.T, s string) *reach.Explanation {
	t.Helper()
	s = strings.ReplaceAll(s, "/", "\u2215")
	c := hostileCluster(t, s)
	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	from := s + "." + renamedNS + "/web." + s
	x, err := a.Explain(from, explainTo, reach.PortSpec{Number: 8086, Protocol: model.TCP}, "")
	if err != nil {
		t.Fatalf("explain %q: %v", from, err)
	}
	return x
}

// hostileDiff compares the renamed example with itself without the
// renamed namespace's NetworkPolicies (its pods gain connections).
func hostileDiff(t *testing.T, s string, before *reach.Analysis, beforeRep *check.Report) *render.DiffReport {
	t.Helper()
	c := hostileCluster(t, s)
	var kept []model.Policy
	for _, p := range c.Policies {
		if p.NetworkPolicy.Namespace != s+"."+renamedNS {
			kept = append(kept, p)
		}
	}
	c.Policies = kept
	after, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	delta, err := reach.Diff(before, after)
	if err != nil {
		t.Fatal(err)
	}
	inst, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	afterRep, _, err := check.Run(c, inst)
	if err != nil {
		t.Fatal(err)
	}
	return &render.DiffReport{Before: "-f " + s, After: "-f " + s + "/", Delta: delta, MeshChecked: true, Mesh: check.Compare(beforeRep, afterRep)}
}

// TestHostileNames renders every output format of every verb for each
// name of the hostile corpus and checks that each output has exactly the
// structure it has for a plain name: the same documents, rows, cells,
// edges and tags, and nothing that drives a terminal.
func TestHostileNames(t *testing.T) {
	t.Parallel()
	names, err := hostile.Names()
	if err != nil {
		t.Fatal(err)
	}
	base := map[string]output{}
	for _, o := range renderAll(t, plainName) {
		base[o.format] = o
	}
	for _, s := range names {
		for _, o := range renderAll(t, s) {
			b := base[o.format]
			if err := sameStructure(o.kind, b.out, o.out); err != nil {
				t.Errorf("name %q, %s: %v\n--- output:\n%s", s, o.format, err, clip(o.out))
			}
		}
	}
}

// clip keeps failure messages readable.
func clip(b []byte) []byte {
	if len(b) > 4000 {
		return append(b[:4000:4000], "…"...)
	}
	return b
}
