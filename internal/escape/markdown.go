package escape

import (
	"html"
	"strings"
)

// markdownText escapes, after Text, what GitHub Flavored Markdown reads as
// markup in inline text and table cells: the backslash itself (so that no
// input backslash can pair with an escape written here, e.g. before "|"),
// backquote (code spans), "*", "_" and "~" (emphasis, strikethrough), "["
// and "]" (links), "|" (table cell delimiter; GFM §4.10: "include a pipe in
// a cell's content by escaping it"), and "<", ">", "&" as entities (raw
// HTML, entity references).
// https://github.github.com/gfm/#backslash-escapes
var markdownText = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "~", `\~`, "[", `\[`, "]", `\]`, "|", `\|`,
	"<", "&lt;", ">", "&gt;", "&", "&amp;",
)

// Markdown returns s for Markdown inline text or a table cell: one line
// (controls shown as Text shows them), no markup, no raw HTML, no cell
// delimiter. It renders as the text Text(s) would print.
func Markdown(s string) string { return markdownText.Replace(Text(s)) }

// MarkdownCode returns s as a Markdown code span ("`s`") when it can be
// one safely, in a table cell too: one line, no backquote (which would end
// the span) and no "|" (which splits a table row even inside a span).
// Otherwise it returns Markdown(s): the same text, escaped, not in code.
func MarkdownCode(s string) string {
	t := Text(s)
	if t == "" || strings.ContainsAny(t, "`|") {
		return Markdown(s)
	}
	return "`" + t + "`"
}

// HTML returns s for HTML text or a quoted attribute value, also for the
// HTML inside a Markdown document (<summary>): Text, then
// html.EscapeString, and backquote and backslash as &#96; and &#92;, so
// that a Markdown reader can take neither for a code fence or an escape.
func HTML(s string) string { return htmlMarkdown.Replace(html.EscapeString(Text(s))) }

var htmlMarkdown = strings.NewReplacer("`", "&#96;", `\`, "&#92;")
