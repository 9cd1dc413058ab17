package render_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/podreach/podreach/test/hostile"
)

// sameStructure checks got, rendered from hostile names, against base,
// the same format rendered from plain names.
func sameStructure(kind string, base, got []byte) error {
	if bytes.IndexByte(got, 0x1b) >= 0 || bytes.IndexByte(got, '\r') >= 0 {
		return fmt.Errorf("holds a raw ESC or carriage return")
	}
	var check func(base, got []byte) error
	switch kind {
	case "text":
		check = sameLines
	case "json":
		check = sameJSON
	case "compact":
		check = sameCompact
	case "md":
		check = sameMarkdown
	case "dot":
		check = sameDOT
	case "mermaid":
		check = sameMermaid
	case "csv":
		check = sameCSV
	case "yaml":
		check = sameYAML
	case "html":
		check = sameHTML
	default:
		return fmt.Errorf("unknown kind %q", kind)
	}
	return check(base, got)
}

// displaySafe: valid UTF-8, and no control, C1, bidi or line separator
// rune other than the line feeds of the format.
func displaySafe(b []byte) error {
	if !utf8.Valid(b) {
		return fmt.Errorf("invalid UTF-8")
	}
	for i, r := range string(b) {
		switch {
		case r == '\n':
		case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f, r == 0x2028, r == 0x2029, r == 0xfeff,
			r == 0x061c, r == 0x200e, r == 0x200f, r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Errorf("raw %U at byte %d", r, i)
		}
	}
	return nil
}

// sameLines: a text output is display-safe and has as many lines.
func sameLines(base, got []byte) error {
	if err := displaySafe(got); err != nil {
		return err
	}
	if nb, ng := bytes.Count(base, []byte("\n")), bytes.Count(got, []byte("\n")); nb != ng {
		return fmt.Errorf("%d lines, want %d", ng, nb)
	}
	return nil
}

// sameJSON: the document is valid and, with every string and number
// blanked and arrays taken as multisets, equal to base's.
func sameJSON(base, got []byte) error {
	shape := func(b []byte) (string, error) {
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			return "", err
		}
		return jsonShape(v), nil
	}
	sb, err := shape(base)
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	sg, err := shape(got)
	if err != nil {
		return err
	}
	if sb != sg {
		return fmt.Errorf("JSON shape differs:\n got %s\nwant %s", sg, sb)
	}
	return nil
}

// sameCompact: the run-length matrix is valid JSON with as many nodes,
// rows and port sets (runs follow the names' order, so they may differ).
func sameCompact(base, got []byte) error {
	type compact struct{ Nodes, Rows, Sets []json.RawMessage }
	var cb, cg compact
	if err := json.Unmarshal(base, &cb); err != nil {
		return fmt.Errorf("base: %w", err)
	}
	if err := json.Unmarshal(got, &cg); err != nil {
		return err
	}
	if len(cb.Nodes) != len(cg.Nodes) || len(cb.Rows) != len(cg.Rows) || len(cb.Sets) != len(cg.Sets) {
		return fmt.Errorf("%d nodes, %d rows, %d sets; want %d, %d, %d", len(cg.Nodes), len(cg.Rows), len(cg.Sets), len(cb.Nodes), len(cb.Rows), len(cb.Sets))
	}
	return nil
}

func jsonShape(v any) string {
	switch v := v.(type) {
	case map[string]any:
		keys := make([]string, 0, len(v))
		for k := range v {
			keys = append(keys, k+":"+jsonShape(v[k]))
		}
		slices.Sort(keys)
		return "{" + strings.Join(keys, ",") + "}"
	case []any:
		items := make([]string, len(v))
		for i, x := range v {
			items[i] = jsonShape(x)
		}
		slices.Sort(items)
		return "[" + strings.Join(items, ",") + "]"
	case string:
		return "s"
	case float64:
		return "n"
	}
	return fmt.Sprint(v)
}

var htmlTag = regexp.MustCompile(`</?[a-zA-Z][^>]*>`)

// sameMarkdown: as many lines, the same HTML tags, code fences and table
// rows, and every table row with its header's cell count (read both ways
// GFM implementations read a backslash).
func sameMarkdown(base, got []byte) error {
	if err := sameLines(base, got); err != nil {
		return err
	}
	for _, probe := range []string{"```", "|---"} {
		if nb, ng := bytes.Count(base, []byte(probe)), bytes.Count(got, []byte(probe)); nb != ng {
			return fmt.Errorf("%d × %q, want %d", ng, probe, nb)
		}
	}
	if tb, tg := htmlTag.FindAll(outsideCode(base), -1), htmlTag.FindAll(outsideCode(got), -1); !slices.EqualFunc(tb, tg, bytes.Equal) {
		return fmt.Errorf("HTML tags %q, want %q", tg, tb)
	}
	header := 0
	for i, line := range strings.Split(string(got), "\n") {
		if !strings.HasPrefix(line, "|") {
			header = 0
			continue
		}
		a, b := hostile.TableCells(line)
		if header == 0 {
			header = a
		}
		if a != header || b != header {
			return fmt.Errorf("line %d has %d/%d cells, its table %d: %q", i+1, a, b, header, line)
		}
	}
	return nil
}

// outsideCode returns Markdown without its code spans (where "<" is text,
// not HTML) and backslash escapes.
func outsideCode(md []byte) []byte {
	var out []byte
	in := false
	for i := 0; i < len(md); i++ {
		switch {
		case !in && md[i] == '\\' && i+1 < len(md):
			i++
		case md[i] == '`':
			in = !in
		case !in:
			out = append(out, md[i])
		}
	}
	return out
}

// dotSyntax returns, outside quoted strings, the text of a DOT graph, and
// an error when a string does not end on its line.
func dotSyntax(b []byte) (string, error) {
	var out strings.Builder
	for n, line := range strings.Split(string(b), "\n") {
		in := false
		for i := 0; i < len(line); i++ {
			switch {
			case in && line[i] == '\\':
				i++
			case line[i] == '"':
				in = !in
			case !in:
				out.WriteByte(line[i])
			}
		}
		if in {
			return "", fmt.Errorf("line %d: a string does not end: %q", n+1, line)
		}
		out.WriteByte('\n')
	}
	return out.String(), nil
}

// sameDOT: display-safe, as many lines, and the same text outside the
// quoted strings (statements, edges, braces).
func sameDOT(base, got []byte) error {
	if err := sameLines(base, got); err != nil {
		return err
	}
	sb, err := dotSyntax(base)
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	sg, err := dotSyntax(got)
	if err != nil {
		return err
	}
	lb, lg := strings.Split(sb, "\n"), strings.Split(sg, "\n")
	slices.Sort(lb)
	slices.Sort(lg)
	if !slices.Equal(lb, lg) {
		return fmt.Errorf("DOT statements differ outside strings")
	}
	return nil
}

var mermaidLabel, mermaidID = regexp.MustCompile(`"[^"]*"`), regexp.MustCompile(`[0-9]+`)

// sameMermaid: display-safe, as many lines, no backquote (it would close
// a Markdown fence), and the same lines with the quoted labels removed
// and node numbers (which follow the names' order) blanked.
func sameMermaid(base, got []byte) error {
	if err := sameLines(base, got); err != nil {
		return err
	}
	if bytes.ContainsRune(got, '`') {
		return fmt.Errorf("holds a backquote")
	}
	strip := func(b []byte) []string {
		lines := strings.Split(mermaidID.ReplaceAllString(mermaidLabel.ReplaceAllString(string(b), `""`), "0"), "\n")
		slices.Sort(lines)
		return lines
	}
	if lb, lg := strip(base), strip(got); !slices.Equal(lb, lg) {
		return fmt.Errorf("Mermaid statements differ outside labels")
	}
	return nil
}

// sameCSV: display-safe, as many records of as many fields, and no field
// a spreadsheet reads as a formula.
func sameCSV(base, got []byte) error {
	if err := sameLines(base, got); err != nil {
		return err
	}
	rb, err := csv.NewReader(bytes.NewReader(base)).ReadAll()
	if err != nil {
		return fmt.Errorf("base: %w", err)
	}
	rg, err := csv.NewReader(bytes.NewReader(got)).ReadAll()
	if err != nil {
		return err
	}
	if len(rb) != len(rg) {
		return fmt.Errorf("%d records, want %d", len(rg), len(rb))
	}
	for _, rec := range rg {
		for _, f := range rec {
			if f != "" && strings.ContainsRune("=+-@\t\r", rune(f[0])) {
				return fmt.Errorf("field %q starts a formula", f)
			}
		}
	}
	return nil
}

// sameYAML: as many NetworkPolicy documents, and nothing else, read as
// kubectl reads them and as YAML 1.2; comment lines display-safe.
func sameYAML(base, got []byte) error {
	var err error
	t := &recorder{}
	func() {
		defer func() {
			if r := recover(); r != nil && r != errStop {
				panic(r)
			}
		}()
		checkFixYAML(t, "", got, len(kubectlDocuments(t, base)))
	}()
	if t.err != nil {
		return t.err
	}
	for _, line := range strings.Split(string(got), "\n") {
		if strings.HasPrefix(line, "#") {
			if err = displaySafe([]byte(line)); err != nil {
				return fmt.Errorf("comment %q: %w", line, err)
			}
		}
	}
	return nil
}

// sameHTML: the same number of "<" (so no tag or script from the input),
// the same script elements.
func sameHTML(base, got []byte) error {
	for _, probe := range []string{"<", "<script", "</script"} {
		if nb, ng := bytes.Count(base, []byte(probe)), bytes.Count(got, []byte(probe)); nb != ng {
			return fmt.Errorf("%d × %q, want %d", ng, probe, nb)
		}
	}
	return nil
}

var errStop = fmt.Errorf("stop")

// recorder is a testing.TB that keeps the first failure as an error.
type recorder struct {
	testing.TB
	err error
}

func (r *recorder) Helper() {}

func (r *recorder) Fatalf(format string, args ...any) {
	r.err = fmt.Errorf(format, args...)
	panic(errStop)
}
