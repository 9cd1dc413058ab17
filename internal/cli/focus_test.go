package cli

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/golden"
)

// The focus filters' fixture: see testdata/focus/README.md.
const (
	focusCluster = "testdata/focus/cluster.yaml"
	focusChange  = "testdata/focus/change.yaml"
)

// extShop is the externals' cluster (a pod IP in an ipBlock).
const extShop = "testdata/externals/shop.yaml"

// TestFocusGolden: what matrix and diff show with each filter.
func TestFocusGolden(t *testing.T) {
	diff := []string{"diff", "-f", focusCluster, "--to", focusCluster, "--to", focusChange}
	tests := []struct {
		name string
		args []string
		code int
	}{
		// other/client reaches shop/web on 80 only, and shop/api not at
		// all: other's egress policy decides though -n shows shop.
		{"focus-matrix-namespace", []string{"matrix", "-f", focusCluster, "-n", "shop"}, ExitOK},
		{"focus-matrix-from-json", []string{"matrix", "-f", focusCluster, "--from", "other/client", "-o", "json"}, ExitOK},
		{"focus-matrix-selector-pod", []string{"matrix", "-f", focusCluster, "-l", "tier=db", "--level", "pod", "-o", "wide"}, ExitOK},
		{"focus-matrix-service-port", []string{"matrix", "-f", focusCluster, "--to", "svc/shop/web-svc", "--port", "http", "-o", "csv"}, ExitOK},
		{"focus-matrix-selectors-compact", []string{"matrix", "-f", focusCluster, "--from-selector", "app in (web,api)", "--to-selector", "tier", "-o", "json-compact"}, ExitOK},
		// With external ranges: an external source's row holds no other
		// external; tool → db is marked dataplane-dependent (tool's IP is
		// in db's ipBlock).
		{"focus-matrix-external-from", []string{"matrix", "-f", extShop, "--from", "10.0.0.0-10.19.255.255", "-o", "json"}, ExitOK},
		{"focus-matrix-external-dataplane", []string{"matrix", "-f", extShop, "--to", "shop/db", "-o", "wide"}, ExitOK},
		// misc/tool lost every peer; client's row only gains.
		{"focus-diff-from", append(diff, "--from", "other/client"), ExitOK},
		{"focus-diff-namespace-port", append(diff, "-n", "misc", "--port", "80/tcp", "-o", "json"), ExitNo},
		{"focus-diff-dst", append(diff, "--dst", "namespace/shop", "--fail-on", "any"), ExitNo},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}

// TestFocusExitCodes: one row per rule of the filters' exit codes and
// errors.
func TestFocusExitCodes(t *testing.T) {
	diff := []string{"diff", "-f", focusCluster, "--to", focusCluster, "--to", focusChange}
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"unknown --to name", []string{"matrix", "-f", focusCluster, "--to", "shop/nope"}, ExitInput, `--to "shop/nope": no workload, pod or Service named nope in namespace shop`},
		{"unknown --dst name", append(diff, "--dst", "shop/nope"), ExitInput, `--dst "shop/nope": no workload`},
		{"a name only in the after state", append(diff, "--dst", "misc/tool"), ExitNo, ""},
		{"empty namespace name", []string{"matrix", "-f", focusCluster, "--from", "namespace/nowhere"}, ExitInput, `--from "namespace/nowhere": no workload in namespace nowhere`},
		{"bad selector", []string{"matrix", "-f", focusCluster, "-l", "app in ("}, ExitInput, "--selector:"},
		{"bad destination selector", []string{"report", "-f", focusCluster, "--dst-selector", "a b"}, ExitInput, "--dst-selector:"},
		{"bad port", []string{"matrix", "-f", focusCluster, "--port", "0"}, ExitInput, "--port: port 0 out of range"},
		{"-n of an empty namespace", []string{"matrix", "-f", focusCluster, "-n", "nowhere"}, ExitOK, `notice: nothing in namespace "nowhere"`},
		{"the diff's --fail-on counts shown changes only", append(diff, "--from", "other/client"), ExitOK, ""},
		{"unfocused, the same diff fails", diff, ExitNo, ""},
		{"cannot know about a shown pair", []string{"matrix", "-f", example, "-f", unevaluated, "-n", "emojivoto"}, ExitUnknown, ""},
		{"cannot know stays when the other end is shown", []string{"matrix", "-f", example, "-f", unevaluated, "-n", "linkerd"}, ExitUnknown, ""},
		{"no unevaluated policy selects a shown pair", []string{"matrix", "-f", example, "-f", unevaluated, "--from", "namespace/linkerd", "--to", "namespace/linkerd"}, ExitOK, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, tt.code, errOut)
			}
			if !strings.Contains(errOut, tt.stderr) {
				t.Errorf("stderr %q does not mention %q", errOut, tt.stderr)
			}
		})
	}
}

// TestFocusAllNamespaces: without -n, and with -A whatever -n says, the
// matrix is the whole one; -n then only places unnamespaced objects.
func TestFocusAllNamespaces(t *testing.T) {
	whole, _, _ := run(t, "", "matrix", "-f", focusCluster)
	for _, args := range [][]string{{"-A"}, {"-A", "-n", "shop"}, {"--all-namespaces", "-n", "misc"}} {
		out, errOut, code := run(t, "", append([]string{"matrix", "-f", focusCluster}, args...)...)
		if code != ExitOK || out != whole {
			t.Errorf("%v: exit %d, output differs from the whole matrix:\n%s\nstderr:\n%s", args, code, out, errOut)
		}
	}
	shop, _, _ := run(t, "", "matrix", "-f", focusCluster, "-n", "shop")
	if shop == whole || strings.Contains(shop, "other/client  misc/tool") {
		t.Errorf("-n shop shows a pair of neither end in shop:\n%s", shop)
	}
}

// TestFocusReport: the report's graph holds the shown nodes only, and its
// header says what is shown.
func TestFocusReport(t *testing.T) {
	out, errOut, code := run(t, "", "report", "-f", focusCluster, "--from", "other/client", "--dst", "namespace/shop")
	if code != ExitOK {
		t.Fatalf("exit %d:\n%s", code, errOut)
	}
	var d struct {
		Source string
		Nodes  []struct{ Name string }
	}
	if err := json.Unmarshal(reportData(t, out), &d); err != nil {
		t.Fatal(err)
	}
	if want := "(shown: --from other/client --dst namespace/shop)"; !strings.HasSuffix(d.Source, want) {
		t.Errorf("source %q does not end with %q", d.Source, want)
	}
	var names []string
	for _, n := range d.Nodes {
		names = append(names, n.Name)
	}
	if want := []string{"client", "api", "db", "web"}; !slices.Equal(names, want) {
		t.Errorf("nodes %q, want %q", names, want)
	}
}

// reportData is the JSON a report page embeds (base64 of gzip).
func reportData(t *testing.T, page string) []byte {
	t.Helper()
	_, rest, ok := strings.Cut(page, `<script id="podreach-data" type="application/octet-stream">`)
	blob, _, ok2 := strings.Cut(rest, "</script>")
	if !ok || !ok2 {
		t.Fatal("no podreach-data in the page")
	}
	gz, err := base64.StdEncoding.DecodeString(strings.TrimSpace(blob))
	if err != nil {
		t.Fatal(err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
