// Package hostile holds podreach's standing corpus of hostile and broken
// input (described in README.md):
//
//   - names.json, hostile names that the renderer tests (pkg/render,
//     pkg/report, internal/escape) feed to every output format, on a
//     cluster built in memory so the renderers are tested on their own;
//   - corpus/, whole input files, which this package's tests run through
//     every command and output format of the built binary, under a time and
//     a memory limit, as a user's shell would.
//
// For each corpus file the tests assert one of two outcomes: refused (exit
// 2, an error located to file, line and field, nothing on stdout or on
// disk), or answered (exit 0 or 1, with the API server's warning where it
// gives one, and every output parsing to exactly the structure it should).
// No run may panic, crash or run out of memory. The package is imported
// only by tests.
package hostile

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed names.json
var namesJSON []byte

// Names returns the corpus, plus the strings JSON cannot hold (invalid
// UTF-8).
func Names() ([]string, error) {
	var names []string
	if err := json.Unmarshal(namesJSON, &names); err != nil {
		return nil, fmt.Errorf("reading names.json: %w", err)
	}
	return append(names, "bad\xffutf8\xc3", "\xff\xfe"), nil
}
