package escape

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"
	"unicode/utf8"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/yaml"

	"github.com/podreach/podreach/test/hostile"
)

func seed(f *testing.F) {
	names, err := hostile.Names()
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range names {
		f.Add(s)
	}
}

// checkText: one line of valid UTF-8 with no unsafe rune; printable ASCII
// comes back unchanged.
func checkText(t *testing.T, in, out string) {
	t.Helper()
	if !utf8.ValidString(out) {
		t.Fatalf("Text(%q) = %q: invalid UTF-8", in, out)
	}
	for _, r := range out {
		if unsafeRune(r) {
			t.Fatalf("Text(%q) = %q: holds %U", in, out, r)
		}
	}
	if plain(in) && out != in {
		t.Fatalf("Text(%q) = %q: changed plain text", in, out)
	}
}

func FuzzText(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) { checkText(t, s, Text(s)) })
}

// FuzzComment: a comment line written with Comment, followed by a mapping,
// parses (with kubectl's YAML 1.1 parser and with YAML 1.2 v3) to exactly
// that mapping: nothing leaves the comment.
func FuzzComment(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		doc := "# restores: " + Comment(s) + "\nkind: NetworkPolicy\n"
		var v2 map[string]any
		if err := yaml.Unmarshal([]byte(doc), &v2); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		var v3 map[string]any
		if err := yamlv3.Unmarshal([]byte(doc), &v3); err != nil {
			t.Fatalf("%q: %v", doc, err)
		}
		for _, m := range []map[string]any{v2, v3} {
			if len(m) != 1 || m["kind"] != "NetworkPolicy" {
				t.Fatalf("%q parsed as %v", doc, m)
			}
		}
	})
}

// FuzzYAMLString: "title: " + YAMLString(s) parses to one key whose value
// is s (invalid bytes as U+FFFD), with no line break and no backquote.
func FuzzYAMLString(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		q := YAMLString(s)
		if strings.ContainsAny(q, "\n\r`") {
			t.Fatalf("YAMLString(%q) = %q", s, q)
		}
		var m map[string]string
		if err := yamlv3.Unmarshal([]byte("title: "+q+"\n"), &m); err != nil {
			t.Fatalf("YAMLString(%q) = %q: %v", s, q, err)
		}
		if want := string([]rune(s)); len(m) != 1 || m["title"] != want {
			t.Fatalf("YAMLString(%q) = %q parsed as %q", s, q, m)
		}
	})
}

// checkCell: the cell keeps a row at three cells, is one line, and holds
// no HTML outside a code span (where CommonMark prints "<" as it is).
func checkCell(t *testing.T, in, cell string) {
	t.Helper()
	specials := "\n\r<>"
	if strings.HasPrefix(cell, "`") {
		specials = "\n\r"
	}
	if strings.ContainsAny(cell, specials) {
		t.Fatalf("%q -> %q: holds a line break or HTML", in, cell)
	}
	if a, b := hostile.TableCells("| x | " + cell + " | y |"); a != 3 || b != 3 {
		t.Fatalf("%q -> %q: row splits into %d/%d cells, want 3", in, cell, a, b)
	}
	for _, r := range cell {
		if unsafeRune(r) {
			t.Fatalf("%q -> %q: holds %U", in, cell, r)
		}
	}
}

// FuzzMarkdown: Markdown and MarkdownCode keep a table row at its column
// count, hold no line break or HTML, and a code span has no inner
// backquote.
func FuzzMarkdown(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		checkCell(t, s, Markdown(s))
		c := MarkdownCode(s)
		checkCell(t, s, c)
		if strings.HasPrefix(c, "`") && (!strings.HasSuffix(c, "`") || strings.Count(c, "`") != 2) {
			t.Fatalf("MarkdownCode(%q) = %q: not one code span", s, c)
		}
		if !strings.HasPrefix(c, "`") && c != Markdown(s) {
			t.Fatalf("MarkdownCode(%q) = %q, not Markdown's %q", s, c, Markdown(s))
		}
	})
}

// FuzzDOTString: the quoted string ends at its last byte and holds no
// line break.
func FuzzDOTString(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		q := DOTString(s)
		if strings.ContainsAny(q, "\n\r") || q[0] != '"' {
			t.Fatalf("DOTString(%q) = %q", s, q)
		}
		end := -1
		for i := 1; i < len(q); i++ {
			if q[i] == '\\' {
				i++
				continue
			}
			if q[i] == '"' {
				end = i
				break
			}
		}
		if end != len(q)-1 {
			t.Fatalf("DOTString(%q) = %q: the string ends at byte %d", s, q, end)
		}
	})
}

// FuzzMermaidLabel: no quote, pipe, backquote, HTML or line break, and
// every "#" starts an entity code written here.
func FuzzMermaidLabel(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		l := MermaidLabel(s)
		if strings.ContainsAny(l, "\"|`<>&\n\r") {
			t.Fatalf("MermaidLabel(%q) = %q", s, l)
		}
		rest := strings.NewReplacer("#35;", "", "#quot;", "", "#124;", "", "#96;", "", "#lt;", "", "#gt;", "", "#amp;", "").Replace(l)
		if strings.Contains(rest, "#") {
			t.Fatalf("MermaidLabel(%q) = %q: a # that is not an entity code", s, l)
		}
	})
}

// FuzzCSVField: written and read back with encoding/csv, the field is one
// field of one record that no spreadsheet reads as a formula.
func FuzzCSVField(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		v := CSVField(s)
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) {
			t.Fatalf("CSVField(%q) = %q starts a formula", s, v)
		}
		var b bytes.Buffer
		w := csv.NewWriter(&b)
		w.Write([]string{v, "x"})
		w.Flush()
		recs, err := csv.NewReader(&b).ReadAll()
		if err != nil || len(recs) != 1 || len(recs[0]) != 2 || recs[0][0] != v {
			t.Fatalf("CSVField(%q) = %q read back as %q (%v)", s, v, recs, err)
		}
	})
}

// FuzzHTML: no markup character, quote, backquote or backslash survives,
// and no unsafe rune; every "&" starts an entity written here.
func FuzzHTML(f *testing.F) {
	seed(f)
	f.Fuzz(func(t *testing.T, s string) {
		h := HTML(s)
		if strings.ContainsAny(h, "<>\"'`\\\n\r") {
			t.Fatalf("HTML(%q) = %q", s, h)
		}
		rest := strings.NewReplacer("&lt;", "", "&gt;", "", "&amp;", "", "&#34;", "", "&#39;", "", "&#96;", "", "&#92;", "").Replace(h)
		if strings.Contains(rest, "&") {
			t.Fatalf("HTML(%q) = %q: an & that is not an entity", s, h)
		}
		for _, r := range h {
			if unsafeRune(r) {
				t.Fatalf("HTML(%q) = %q: holds %U", s, h, r)
			}
		}
	})
}
