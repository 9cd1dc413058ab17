package linkerd

import (
	"regexp"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/mesh"
)

// TestEmbeddedTable checks the embedded flows.yaml decodes strictly and
// passes validation, and that every resolved flow is complete.
func TestEmbeddedTable(t *testing.T) {
	t.Parallel()
	tab, err := loadTable()
	if err != nil {
		t.Fatal(err)
	}
	placeholder := regexp.MustCompile(`\{[a-z_]+\}`)
	seen := map[string]bool{}
	probes := append(probeVersions(nil), MustParseVersion("edge-26.8.3"), MustParseVersion("stable-2.14.10"))
	for _, v := range probes {
		in := install(v.String(), WithComponents("proxy-injector"), WithExtension(ExtensionViz, "linkerd-viz"),
			WithExtension(ExtensionJaeger, "linkerd-jaeger"), WithExtension(ExtensionMulticluster, "linkerd-multicluster"))
		for _, f := range in.Flows() {
			seen[f.ID] = true
			checkFlow(t, v, f, placeholder)
		}
	}
	for _, fl := range tab.flows {
		if !seen[fl.id] {
			t.Errorf("flow %q is returned for no release", fl.id)
		}
	}
}

func checkFlow(t *testing.T, v Version, f mesh.Flow, placeholder *regexp.Regexp) {
	t.Helper()
	for name, s := range map[string]string{"description": f.Description, "hint": f.Hint, "anchor": f.Anchor,
		"purpose": f.Purpose, "if_blocked": f.IfBlocked, "ref": f.Ref, "from": f.From.Name, "to": f.To.Name} {
		if strings.TrimSpace(s) == "" {
			t.Errorf("%s %s: empty %s", v, f.ID, name)
		}
		if p := placeholder.FindString(s); p != "" {
			t.Errorf("%s %s: %s keeps placeholder %s: %q", v, f.ID, name, p, s)
		}
	}
	if f.Anchor != "docs/checks.md#"+f.ID {
		t.Errorf("%s %s: anchor %q", v, f.ID, f.Anchor)
	}
	if f.Severity == mesh.SeverityUnknown || f.Transport == mesh.TransportUnknown ||
		f.From.Kind == mesh.PeerUnknown || f.To.Kind == mesh.PeerUnknown {
		t.Errorf("%s %s: unknown enum in %+v", v, f.ID, f)
	}
	if len(f.Ports) == 0 && f.Category != CategoryDataPlane {
		t.Errorf("%s %s: no ports", v, f.ID)
	}
	if (f.Extension == "") != (f.Category == CategoryControlPlane || f.Category == CategoryWebhooks ||
		f.Category == CategoryDataPlane || (f.Category == CategoryViz && !v.AtLeast(10))) {
		t.Errorf("%s %s: extension %q does not fit category %s", v, f.ID, f.Extension, f.Category)
	}
}

// TestFlowIDsUnique checks IDs across the whole table (not only per release).
func TestFlowIDsUnique(t *testing.T) {
	t.Parallel()
	tab, err := loadTable()
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, fl := range tab.flows {
		if seen[fl.id] || !validID(fl.id) {
			t.Errorf("bad or duplicate id %q", fl.id)
		}
		seen[fl.id] = true
	}
}

func TestValidID(t *testing.T) {
	t.Parallel()
	for id, want := range map[string]bool{"proxy-to-dns": true, "a": true, "m4-gateway": true, "": false,
		"Proxy": false, "-a": false, "a-": false, "a--b": false, "a_b": false, "4a": false} {
		if got := validID(id); got != want {
			t.Errorf("validID(%q) = %v, want %v", id, got, want)
		}
	}
}

// TestParseTableErrors feeds broken tables to the loader.
func TestParseTableErrors(t *testing.T) {
	t.Parallel()
	const peers = `
peers:
  meshed: {kind: meshed-pods, name: meshed pods, labels: {a: b}}
  api: {kind: apiserver, name: api}
`
	flow := func(body string) string {
		return peers + `
flows:
  - id: f
    category: linkerd-control-plane-reachability
    severity: error
    transport: direct
    purpose: p
    if_blocked: b
    ref: r
    from: meshed
    to: api
    description: d
    hint: h
` + body
	}
	ok := "    ports: [\"443/TCP\"]\n    variants:\n      - versions: {}\n"
	if _, err := parseTable([]byte(flow(ok))); err != nil {
		t.Fatalf("the valid base table fails: %v", err)
	}
	tests := []struct{ name, yaml, want string }{
		{"unknown top-level field", "extra: 1\n" + flow(ok), "field extra not found"},
		{"unknown flow field", flow(ok + "    colour: red\n"), "field colour not found"},
		{"unknown version field", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {minimum: \"2.1\"}\n"), "field minimum not found"},
		{"duplicate id", flow(ok) + strings.TrimPrefix(flow(ok), peers+"\nflows:\n"), "duplicate id"},
		{"unknown peer", flow("    ports: [\"443/TCP\"]\n    variants:\n      - {versions: {}, to: nowhere}\n"), `unknown peer "nowhere"`},
		{"bad port", flow("    ports: [\"443\"]\n    variants:\n      - versions: {}\n"), "want PORT/PROTO"},
		{"bad protocol", flow("    ports: [\"443/ICMP\"]\n    variants:\n      - versions: {}\n"), "unknown protocol"},
		{"no ports", flow("    variants:\n      - versions: {}\n"), "no ports"},
		{"no variants", flow("    ports: [\"443/TCP\"]\n"), "no variants"},
		{"variant without versions", flow("    ports: [\"443/TCP\"]\n    variants:\n      - {from: meshed}\n"), "no versions"},
		{"versions at flow level", flow("    ports: [\"443/TCP\"]\n    versions: {}\n    variants:\n      - versions: {}\n"), "belong in variants"},
		{"min after max", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {min: \"2.9\", max: \"2.3\"}\n"), "after max"},
		{"bad edge", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {edge_min: \"25.3.2\"}\n"), "want edge-YY.M.N"},
		{"bad minor", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {min: \"2.18.1\"}\n"), "want 2.N"},
		{"overlap", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {max: \"2.18\"}\n      - versions: {min: \"2.18\"}\n"), "2 variants contain 2.18"},
		{"overlap at an edge", flow("    ports: [\"443/TCP\"]\n    variants:\n      - versions: {max: \"2.17\", edge_before: edge-25.3.3}\n      - versions: {min: \"2.18\", edge_min: edge-25.3.2}\n"), "2 variants contain edge-25.3.2"},
		{"unknown severity", strings.Replace(flow(ok), "severity: error", "severity: fatal", 1), "unknown severity"},
		{"unknown if_mode", flow("    ports: [\"443/TCP\"]\n    variants:\n      - {versions: {}, if_mode: sideways}\n"), `unknown if_mode "sideways"`},
		{"modes do not overlap", flow("    ports: [\"443/TCP\"]\n    variants:\n      - {versions: {}, if_mode: transparent}\n      - {versions: {min: \"2.18\"}}\n"), "2 variants contain 2.18 (transparent)"},
		{"unknown category", strings.Replace(flow(ok), "linkerd-control-plane-reachability", "misc", 1), "unknown category"},
		{"bad id", strings.Replace(flow(ok), "id: f", "id: Proxy_To", 1), "kebab-case"},
		{"no hint", strings.Replace(flow(ok), "    hint: h\n", "", 1), "description and hint are required"},
		{"no purpose", strings.Replace(flow(ok), "    purpose: p\n", "", 1), "purpose, if_blocked and ref are required"},
		{"pods peer without namespace", strings.Replace(flow(ok), "api: {kind: apiserver, name: api}", "api: {name: api, labels: {a: b}}", 1), "need a namespace"},
		{"apiserver peer with selector", strings.Replace(flow(ok), "api: {kind: apiserver, name: api}", "api: {kind: apiserver, name: api, labels: {a: b}}", 1), "no namespace or selector"},
		{"unknown peer kind", strings.Replace(flow(ok), "kind: apiserver", "kind: node", 1), `unknown kind "node"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := parseTable([]byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("parseTable error = %v, want one containing %q", err, tt.want)
			}
		})
	}
}
