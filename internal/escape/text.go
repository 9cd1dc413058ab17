package escape

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// unsafeRune reports whether r must not reach a terminal, a text table or
// a line-oriented format as it is:
//   - C0 controls (tab, line feed, carriage return, ESC, NUL…) and DEL:
//     they move the cursor, split lines and table columns, and start
//     terminal escape sequences (ECMA-48);
//   - C1 controls U+0080–U+009F (CSI U+009B starts a sequence on its own;
//     NEL U+0085 is a line break in YAML 1.1, which kubectl's parser reads);
//   - U+2028 LINE SEPARATOR and U+2029 PARAGRAPH SEPARATOR (line breaks in
//     YAML 1.1 and JavaScript);
//   - the Unicode bidirectional controls (U+061C, U+200E, U+200F,
//     U+202A–U+202E, U+2066–U+2069) that reorder what is displayed
//     ("Trojan Source", CVE-2021-42574);
//   - U+FEFF, a byte order mark in the middle of text.
func unsafeRune(r rune) bool {
	switch {
	case r < 0x20, r == 0x7f, r >= 0x80 && r <= 0x9f:
		return true
	case r == 0x2028, r == 0x2029, r == 0xfeff:
		return true
	case r == 0x061c, r == 0x200e, r == 0x200f:
		return true
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069:
		return true
	}
	return false
}

// plain reports whether s is printable ASCII only: the common case, which
// every function here returns unchanged or with only its own specials
// replaced, without decoding runes.
func plain(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			return false
		}
	}
	return true
}

// Text returns s for a terminal, a log line or a cell of a text table:
// every unsafe rune (see unsafeRune) is shown as a Go-style escape (\n,
// \t, \r, \x1b, \u202e), and each byte of invalid UTF-8 as \xNN. The
// result is one line with no control character, so it can neither forge
// lines or columns nor drive the terminal.
func Text(s string) string {
	if plain(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x80 && unsafeRune(r):
			fmt.Fprintf(&b, `\x%02x`, r)
		case unsafeRune(r):
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

// Comment returns s for the text of a YAML comment ("# " + Comment(s)).
// A comment runs to the end of its line, so the only way out of it is a
// line break: \n and \r in YAML 1.2 (https://yaml.org/spec/1.2.2/#51-character-set),
// and also U+0085, U+2028 and U+2029 in YAML 1.1, which the parsers under
// kubectl (sigs.k8s.io/yaml, go-yaml v2) follow. Text shows all of them
// escaped, and every other control with them.
func Comment(s string) string { return Text(s) }

// YAMLString returns s as a double-quoted YAML scalar (YAML 1.2 §7.3.1),
// for the rare YAML written by hand (front matter): backslash and quote
// escaped, unsafe runes as \uXXXX (\xNN would be read as a code point,
// not a byte, so invalid UTF-8 becomes U+FFFD), and backquotes as \u0060
// so that the scalar cannot close a Markdown code fence around it. The
// scalar is one line.
func YAMLString(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 2)
	b.WriteByte('"')
	for _, r := range s { // invalid UTF-8 decodes as U+FFFD
		switch {
		case r == '\\' || r == '"':
			b.WriteByte('\\')
			b.WriteRune(r)
		case unsafeRune(r) || r == '`':
			fmt.Fprintf(&b, `\u%04x`, r)
		default:
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
	return b.String()
}

// Lines returns a message of several lines for a terminal: its own line
// feeds are kept, each line is shown as Text shows it. Values from the
// input must still be quoted (%q) where the message is made, or a line
// feed in them forges a line here.
func Lines(s string) string {
	if plain(s) {
		return s
	}
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = Text(l)
	}
	return strings.Join(lines, "\n")
}
