// Package hostile holds the corpus of hostile names (names.json, described
// in README.md) that the renderer tests feed to every output format. It is
// imported only by tests.
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
