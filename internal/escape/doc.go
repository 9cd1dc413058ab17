// Package escape holds one function per output context that makes text
// from the input (object names, label keys and values, annotation values,
// file names, error messages) safe to interpolate into podreach's output:
// terminals and text tables, YAML comments and hand-written YAML scalars,
// Markdown inline text and code spans, HTML, CSV fields, Graphviz DOT
// strings and Mermaid labels. Each function's result cannot end, open or
// split the construct it is written into, whatever its argument; JSON needs
// no function here (encoding/json escapes everything it must).
//
// The results are for display: they are not meant to be reversed, and
// machine formats that must carry names exactly (JSON) do not use them.
//
// It imports only the standard library.
package escape
