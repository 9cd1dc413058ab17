package hostile

import (
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// outcome is what podreach must do with an input.
type outcome uint8

const (
	// refuse: exit 2 on every command, an error naming file, line and
	// field, nothing on stdout or on disk.
	refuse outcome = iota + 1
	// answer: exit 0 or 1 with well-formed output in every format.
	answer
)

// expectation is what the corpus file of the same name must produce. For
// refuse, say is the field path the error must name; for answer, it is a
// warning stderr must carry ("" for none).
type expectation struct {
	outcome outcome
	say     string
	why     string
}

func refused(field, why string) expectation { return expectation{refuse, field, why} }
func answered(warning, why string) expectation {
	return expectation{answer, warning, why}
}

// corpus lists every file of corpus/ with what it must produce; a file
// without a row fails the test, so nothing is added without a verdict.
var corpus = map[string]expectation{
	// Names the API server refuses: the root of output injection.
	"name-yaml-injection.yaml":         refused("metadata.name", "a NetworkPolicy name that carries a ClusterRoleBinding document into fix's YAML"),
	"name-ansi-escape.yaml":            refused("metadata.name", "an ANSI escape sequence in a name reaches terminals and CI logs"),
	"name-markdown-pipe.yaml":          refused("metadata.name", "pipes and a newline in a name forge Markdown table rows"),
	"name-slash.yaml":                  refused("metadata.name", "a/b cannot be addressed as ns/name"),
	"name-uppercase.yaml":              refused("metadata.name", "DNS-1123 subdomains are lower case"),
	"name-homoglyph.yaml":              refused("metadata.name", "a Cyrillic а that reads as allow-web"),
	"name-bidi-override.yaml":          refused("metadata.name", "a right-to-left override reorders what a reviewer reads"),
	"name-csv-formula.yaml":            refused("metadata.name", "a spreadsheet formula in a name"),
	"workload-name-newline.yaml":       refused("metadata.name", "a newline in a Deployment name forges matrix rows"),
	"service-name-dns1035.yaml":        refused("metadata.name", "Service names are DNS-1035 labels: no dot"),
	"label-value-newline.yaml":         refused("labels", "label values are at most 63 characters of [A-Za-z0-9_.-]"),
	"namespace-name-osc.yaml":          refused("metadata.name", "a terminal title escape in a namespace name"),
	"kind-case-typo.yaml":              refused("kind", "Networkpolicy is not a kind; dropping it would turn DENIED into ALLOWED"),
	"apiversion-core-v9.yaml":          refused("apiVersion", "v9 is not a version of the core group"),
	"apiversion-apps-v1beta9.yaml":     refused("apiVersion", "apps/v1beta9 does not exist"),
	"replicas-negative.yaml":           refused("spec.replicas", "replicas must be non-negative"),
	"selector-template-mismatch.yaml":  refused("selector", "the API server refuses a selector that does not match the template's labels"),
	"port-name-duplicate.yaml":         refused("ports[1].name", "container port names are unique within a pod"),
	"port-name-syntax.yaml":            refused("ports[0].name", "port names are IANA_SVC_NAMEs"),
	"port-out-of-range.yaml":           refused("port", "ports are 1-65535"),
	"yaml-alias-cycle.yaml":            refused("", "an alias that contains itself"),
	"yaml-undefined-alias.yaml":        refused("", "an alias with no anchor"),
	"yaml-alias-across-documents.yaml": refused("", "anchors do not cross documents"),
	"binary-garbage.yaml":              refused("", "random bytes named .yaml"),

	// Forms API servers accepted and may still hold: answered, with the
	// API server's warning, as dataplanes enforce them.
	"cidr-host-bits.yaml":     answered("10.0.0.1/8", "host bits set, in cidr and except"),
	"cidr-ipv4-mapped.yaml":   answered("::ffff:10.0.0.0/104", "an IPv4-mapped IPv6 prefix, read as 10.0.0.0/8"),
	"cidr-leading-zeros.yaml": answered("010.000.0.0/8", "leading zeros in IPv4 octets"),

	// Files as kubectl reads them.
	"json-utf8-bom.json":     answered("", "JSON with a UTF-8 byte order mark"),
	"json-utf16le-bom.json":  answered("", "UTF-16LE with a BOM, as PowerShell's > writes"),
	"json-utf16be-bom.json":  answered("", "UTF-16BE with a BOM"),
	"yaml-utf8-bom.yaml":     answered("", "YAML with a UTF-8 byte order mark"),
	"yaml-binary-label.yaml": answered("", "a !!binary label value, decoded as kubectl does"),
}

// TestCorpusComplete: every corpus file has an expectation and every
// expectation a file.
func TestCorpusComplete(t *testing.T) {
	entries, err := os.ReadDir("corpus")
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range entries {
		files = append(files, e.Name())
		if _, ok := corpus[e.Name()]; !ok {
			t.Errorf("corpus/%s has no expectation in corpus_test.go", e.Name())
		}
	}
	for name := range corpus {
		if !slices.Contains(files, name) {
			t.Errorf("expectation for %s but no corpus/%s", name, name)
		}
	}
}

// corpusPath is the path of a corpus file as the commands are given it.
func corpusPath(name string) string { return filepath.Join("corpus", name) }
