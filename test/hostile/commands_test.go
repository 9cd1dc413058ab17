package hostile

import (
	"path/filepath"
	"slices"
	"testing"
)

// example is the shipped example cluster (Linkerd, emojivoto, the seed's
// deny-all policies).
var example, _ = filepath.Abs("../../examples/emojivoto-linkerd/")

// format names what a run prints, so its output can be parsed back.
type format uint8

const (
	text format = iota + 1
	jsonValue
	markdown
	csvTable
	fixYAML
	graph // dot or mermaid
	html
)

// invocation is one command line run over an input (given as -f INPUT).
type invocation struct {
	name   string
	args   []string
	format format
	// out, when set, is the file (relative to the run's directory) the
	// command writes instead of stdout.
	out string
}

// invocations lists every command and output format podreach has, over
// input. With -short, one format per command.
func invocations(input string, short bool) []invocation {
	f := []string{"-f", input}
	// The mesh verbs judge the input layered on the shipped example, so
	// that a Linkerd control plane is there to check against.
	m := []string{"--mesh", "linkerd", "-f", example, "-f", input}
	explain := []string{"explain", "--from", "shop/web", "--to", "shop/db", "-f", input}
	diff := []string{"diff", "--to", input, "--fail-on", "none", "-f", input}
	with := func(base []string, more ...string) []string { return slices.Concat(base, more) }
	all := []invocation{
		{"check", with([]string{"check"}, m...), text, ""},
		{"check-short", with([]string{"check", "-o", "short"}, m...), text, ""},
		{"check-json", with([]string{"check", "-o", "json"}, m...), jsonValue, ""},
		{"check-md", with([]string{"check", "-o", "md"}, m...), markdown, ""},
		{"check-dot", with([]string{"check", "-o", "dot"}, m...), graph, ""},
		{"check-mermaid", with([]string{"check", "-o", "mermaid"}, m...), graph, ""},
		{"explain", explain, text, ""},
		{"explain-json", with(explain, "-o", "json"), jsonValue, ""},
		{"explain-port", with(explain, "--port", "5432"), text, ""},
		{"matrix", with([]string{"matrix"}, f...), text, ""},
		{"matrix-wide", with([]string{"matrix", "-o", "wide"}, f...), text, ""},
		{"matrix-json", with([]string{"matrix", "-o", "json"}, f...), jsonValue, ""},
		{"matrix-json-compact", with([]string{"matrix", "-o", "json-compact"}, f...), jsonValue, ""},
		{"matrix-csv", with([]string{"matrix", "-o", "csv", "--level", "pod"}, f...), csvTable, ""},
		{"matrix-dot", with([]string{"matrix", "-o", "dot"}, f...), graph, ""},
		{"matrix-mermaid", with([]string{"matrix", "-o", "mermaid"}, f...), graph, ""},
		{"diff", diff, text, ""},
		{"diff-json", with(diff, "-o", "json"), jsonValue, ""},
		{"diff-md", with(diff, "-o", "md"), markdown, ""},
		{"diff-mesh", slices.Concat([]string{"diff", "--fail-on", "none", "--to", example, "--to", input}, m), text, ""},
		{"fix", with([]string{"fix"}, m...), fixYAML, ""},
		{"report", with([]string{"report", "--out", "report.html"}, m...), html, "report.html"},
		{"lint", with([]string{"lint", "--fail-on", "info"}, m...), text, ""},
		{"lint-json", with([]string{"lint", "-o", "json"}, m...), jsonValue, ""},
		{"lint-sarif", with([]string{"lint", "-o", "sarif"}, m...), jsonValue, ""},
		{"exposure", with([]string{"exposure"}, f...), text, ""},
		{"exposure-json", with([]string{"exposure", "-o", "json"}, f...), jsonValue, ""},
	}
	if !short {
		return all
	}
	var out []invocation
	seen := map[string]bool{}
	for _, inv := range all {
		if !seen[inv.args[0]] {
			seen[inv.args[0]] = true
			out = append(out, inv)
		}
	}
	return out
}

// TestCorpus runs every invocation over every corpus file and checks the
// outcome its expectation names.
func TestCorpus(t *testing.T) {
	for name, want := range corpus {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			input, err := filepath.Abs(corpusPath(name))
			if err != nil {
				t.Fatal(err)
			}
			for _, inv := range invocations(input, testing.Short()) {
				t.Run(inv.name, func(t *testing.T) {
					dir := t.TempDir()
					r := podreach(t, dir, nil, inv.args...)
					switch want.outcome {
					case refuse:
						assertRefused(t, r, dir, inv, name, want.say)
					case answer:
						assertAnswered(t, r, dir, inv, want.say)
					}
				})
			}
		})
	}
}
