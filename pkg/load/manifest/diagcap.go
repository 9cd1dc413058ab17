package manifest

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/podreach/podreach/pkg/model"
)

// Diagnostics echo the values they are about, quoted; an input may hold
// a label value of megabytes. Echoed values are shortened to their first
// maxEcho bytes and their size: "aaaa…" (8388608 bytes), so that a
// message stays readable and stderr does not carry the input back.

const (
	maxEcho    = 256  // bytes of a quoted value kept (a name has at most 253)
	maxField   = 512  // bytes of a field path or object name kept
	maxMessage = 4096 // bytes of a message kept, whatever it holds
)

// capDiagnostics shortens the values echoed in diags, in place.
func capDiagnostics(diags model.Diagnostics) {
	for i := range diags {
		d := &diags[i]
		d.Message = capQuoted(d.Message)
		d.Field = capText(d.Field, maxField)
		d.Object = capText(d.Object, maxField)
		d.Message = capText(d.Message, maxMessage)
	}
}

// capQuoted shortens every Go-quoted string in msg longer than maxEcho
// bytes of value.
func capQuoted(msg string) string {
	if len(msg) <= maxEcho+2 {
		return msg
	}
	var b strings.Builder
	for {
		i := strings.IndexByte(msg, '"')
		if i < 0 {
			break
		}
		lit, err := strconv.QuotedPrefix(msg[i:])
		if err != nil {
			b.WriteString(msg[:i+1])
			msg = msg[i+1:]
			continue
		}
		b.WriteString(msg[:i])
		b.WriteString(shortQuoted(lit))
		msg = msg[i+len(lit):]
	}
	b.WriteString(msg)
	return b.String()
}

// shortQuoted returns the quoted literal lit, or, when its value is longer
// than maxEcho bytes, the quoted start of it and its size.
func shortQuoted(lit string) string {
	v, err := strconv.Unquote(lit)
	if err != nil || len(v) <= maxEcho {
		return lit
	}
	return strconv.Quote(cutUTF8(v, maxEcho)) + "… (" + strconv.Itoa(len(v)) + " bytes)"
}

// capText shortens s to about n bytes: "start… (N bytes)".
func capText(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return cutUTF8(s, n) + "… (" + strconv.Itoa(len(s)) + " bytes)"
}

// cutUTF8 returns the longest prefix of s of at most n bytes that does not
// split a character.
func cutUTF8(s string, n int) string {
	for n > 0 && n < len(s) && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
