package escape

import "strings"

var dotText = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// DOTString returns s as a quoted Graphviz DOT string ("…"): backslash and
// quote escaped, so that the string ends only at the closing quote, and
// controls shown as Text shows them (their backslashes doubled, so that
// Graphviz prints them instead of reading \n, \l or \N escapes).
// https://graphviz.org/doc/info/lang.html ("In quoted strings in DOT, the
// only escaped character is double-quote").
func DOTString(s string) string { return `"` + dotText.Replace(Text(s)) + `"` }

// mermaidText writes Mermaid entity codes ("#34;" for a quote, "#quot;"
// named) for what ends or marks up a quoted label: the quote, "|" (edge
// label delimiter), "#" (so no input forms an entity code), backquote
// (Markdown strings, and the ``` fence around a diagram in Markdown), and
// "<", ">", "&" (labels are HTML).
// https://mermaid.js.org/syntax/flowchart.html#entity-codes-to-escape-characters
var mermaidText = strings.NewReplacer(
	"#", "#35;", `"`, "#quot;", "|", "#124;", "`", "#96;", "<", "#lt;", ">", "#gt;", "&", "#amp;",
)

// MermaidLabel returns s for the inside of a quoted Mermaid label
// (A["…"], A -->|"…"| B): one line, no quote, pipe, backquote or HTML.
func MermaidLabel(s string) string { return mermaidText.Replace(Text(s)) }
