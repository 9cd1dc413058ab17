package hostile

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// maxStderr bounds what one refusal may print: messages cap what they echo.
const maxStderr = 64 << 10

// assertRefused: exit 2, nothing on stdout or on disk, and an error that
// names the file with a line (and the field, when field is set), with every
// echoed byte escaped.
func assertRefused(t *testing.T, r result, dir string, inv invocation, file, field string) {
	t.Helper()
	if r.code != 2 {
		t.Fatalf("want exit 2 (input error); %s\nstdout:\n%s", r, clip(r.stdout))
	}
	if len(r.stdout) != 0 {
		t.Errorf("refused input printed %d bytes on stdout:\n%s", len(r.stdout), clip(r.stdout))
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("refused input left %d files in the working directory (first %s)", len(entries), entries[0].Name())
	}
	located := regexp.MustCompile(regexp.QuoteMeta(file) + `:\d+`)
	if !located.Match(r.stderr) {
		t.Errorf("error does not name %s:LINE; %s", file, r)
	}
	if field != "" && !bytes.Contains(r.stderr, []byte(field)) {
		t.Errorf("error does not name field %q; %s", field, r)
	}
	if len(r.stderr) > maxStderr {
		t.Errorf("stderr is %d bytes (max %d)", len(r.stderr), maxStderr)
	}
	if bad := control(r.stderr); bad != "" {
		t.Errorf("stderr carries %s unescaped; %s", bad, r)
	}
}

// assertAnswered: exit 0 or 1, the warning on stderr, and output (stdout or
// the file the command wrote) that parses as its format says.
func assertAnswered(t *testing.T, r result, dir string, inv invocation, warning string) {
	t.Helper()
	if r.code != 0 && r.code != 1 {
		t.Fatalf("want an answer (exit 0 or 1); %s", r)
	}
	if warning != "" && !bytes.Contains(r.stderr, []byte(warning)) {
		t.Errorf("stderr does not carry the warning naming %q; %s", warning, r)
	}
	if bad := control(r.stderr); bad != "" {
		t.Errorf("stderr carries %s unescaped; %s", bad, r)
	}
	out := r.stdout
	if inv.out != "" {
		var err error
		if out, err = os.ReadFile(filepath.Join(dir, inv.out)); err != nil {
			t.Fatalf("%s not written: %v; %s", inv.out, err, r)
		}
	}
	if len(out) == 0 {
		t.Fatalf("no output; %s", r)
	}
	if err := wellFormed(inv.format, out); err != nil {
		t.Errorf("%s output is not well formed: %v\n%s", inv.name, err, clip(out))
	}
}

// wellFormed parses out as f and checks it holds what it should.
func wellFormed(f format, out []byte) error {
	if f != html && f != jsonValue {
		if bad := control(out); bad != "" {
			return errors.New("carries " + bad)
		}
	}
	switch f {
	case jsonValue:
		return oneJSONValue(out)
	case markdown:
		return markdownTables(out)
	case csvTable:
		return csvRows(out)
	case fixYAML:
		return onlyNetworkPolicies(out)
	case html:
		if !bytes.HasSuffix(bytes.TrimSpace(out), []byte("</html>")) {
			return errors.New("HTML does not end with </html>")
		}
	}
	return nil
}

func oneJSONValue(out []byte) error {
	dec := json.NewDecoder(bytes.NewReader(out))
	var v any
	if err := dec.Decode(&v); err != nil {
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("more than one JSON value")
	}
	return nil
}

// markdownTables: within each table, every row has as many cells as its
// header (escaped pipes do not count).
func markdownTables(out []byte) error {
	cells := func(line string) int { return strings.Count(strings.ReplaceAll(line, `\|`, ""), "|") }
	want := -1
	for i, line := range strings.Split(string(out), "\n") {
		switch {
		case !strings.HasPrefix(line, "|"):
			want = -1
		case want < 0:
			want = cells(line)
		case cells(line) != want:
			return fmt.Errorf("line %d has a different number of cells than its table's header: %q", i+1, line)
		}
	}
	return nil
}

// csvRows: parses with a fixed field count, and no cell starts a formula.
func csvRows(out []byte) error {
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		return err
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				return errors.New("cell starts a spreadsheet formula: " + cell)
			}
		}
	}
	return nil
}

// onlyNetworkPolicies: every YAML document fix writes is a NetworkPolicy.
func onlyNetworkPolicies(out []byte) error {
	dec := yaml.NewDecoder(bytes.NewReader(out))
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if doc == nil {
			continue
		}
		if doc["apiVersion"] != "networking.k8s.io/v1" || doc["kind"] != "NetworkPolicy" {
			return fmt.Errorf("a document that is not a NetworkPolicy: %v", doc)
		}
	}
}

// control names the first byte or rune that must never reach a terminal
// unescaped: C0 controls but tab and newline, DEL, C1 controls, and the
// bidirectional overrides and isolates; "" when there is none.
func control(b []byte) string {
	for len(b) > 0 {
		r, size := utf8.DecodeRune(b)
		switch {
		case r == utf8.RuneError && size == 1:
			return "invalid UTF-8"
		case r < 0x20 && r != '\n' && r != '\t', r == 0x7f, r >= 0x80 && r <= 0x9f,
			r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
			return fmt.Sprintf("control character %U", r)
		}
		b = b[size:]
	}
	return ""
}
