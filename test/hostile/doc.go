// Package hostile holds the standing corpus of hostile and broken inputs
// (corpus/) and the test that runs every podreach command and output format
// over it as a user's shell would: the built binary, a time limit and a
// memory limit per run.
//
// For each input the test asserts one of two outcomes. Either the input is
// refused (exit 2) with an error located to file, line and field, and
// nothing is written to stdout or to disk; or it is answered (exit 0 or 1,
// with the warning the API server would give where it names one), and every
// output parses to exactly the structure it should: JSON is one value, the
// YAML of fix holds only NetworkPolicy documents, Markdown tables keep their
// columns, text holds no control character or escape sequence. No run may
// panic, crash or run out of memory.
//
// The package has no code outside its tests; this file only documents it.
package hostile
