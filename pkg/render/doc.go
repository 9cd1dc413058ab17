// Package render writes podreach's results for people (text tables in the
// style of kubectl and linkerd check) and for machines (JSON with a stable,
// documented schema; CSV), and for documents (Markdown for pull-request
// comments; Graphviz DOT and Mermaid graphs). Renderers stream: they write
// as results arrive and never hold a whole matrix. Every text from the
// input (names, labels, file names, messages) is interpolated through the
// internal/escape function of its format, so that no input can add a line,
// a row, a cell, a document or a terminal escape to the output.
//
// It must not import client-go, cobra or net/http.
package render
