package check

import (
	"bufio"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

const checksDoc = "../../docs/checks.md"

// docHeadings returns the `## ` headings of docs/checks.md: GitHub makes
// each an anchor equal to its text when the text is a lower-case ID.
func docHeadings(t *testing.T) []string {
	t.Helper()
	f, err := os.Open(checksDoc)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []string
	s := bufio.NewScanner(f)
	inCode := false
	for s.Scan() {
		line := s.Text()
		if strings.HasPrefix(line, "```") {
			inCode = !inCode
		}
		if h, ok := strings.CutPrefix(line, "## "); ok && !inCode {
			out = append(out, h)
		}
	}
	if err := s.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// everyRelease lists a release of every band the flow table distinguishes:
// each 2.N, and the edge releases where flows change mid-release.
func everyRelease() []string {
	var out []string
	for n := 1; n <= 20; n++ {
		out = append(out, "2."+strconv.Itoa(n))
	}
	return append(out, "edge-19.1.2", "edge-25.3.1", "edge-25.3.2", "edge-25.4.3", "edge-25.6.3", "edge-25.10.1", "edge-26.8.3")
}

// TestDocsCoverEveryCheck: every check ID that any release band can
// report, with every extension and optional component installed and in
// both transport modes, has a `## <id>` section in docs/checks.md (the
// anchor its failures link to), as do the preamble and the bypass check;
// and every section is such an ID, so the page cannot keep stale ones.
func TestDocsCoverEveryCheck(t *testing.T) {
	t.Parallel()
	ids := map[string]bool{"linkerd-mesh": true, "meshed-app-traffic-port-bypass": true, "meshed-app-traffic-unmeshed-clients": true}
	for _, v := range everyRelease() {
		for _, mode := range []linkerd.TransportMode{linkerd.TransportHeader, linkerd.Transparent} {
			in := install(t, v, linkerd.WithComponents("proxy-injector"), linkerd.WithTransportMode(mode),
				linkerd.WithExtension(linkerd.ExtensionViz, "linkerd-viz"),
				linkerd.WithExtension(linkerd.ExtensionJaeger, "linkerd-jaeger"),
				linkerd.WithExtension(linkerd.ExtensionMulticluster, "linkerd-multicluster"))
			for _, f := range in.Flows() {
				ids[f.ID] = true
				if want := "docs/checks.md#" + f.ID; f.Anchor != want {
					t.Errorf("%s %s: anchor %q, want %q", v, f.ID, f.Anchor, want)
				}
			}
		}
	}
	headings := docHeadings(t)
	for id := range ids {
		if !slices.Contains(headings, id) {
			t.Errorf("docs/checks.md has no section \"## %s\"", id)
		}
	}
	for _, h := range headings {
		if !ids[h] {
			t.Errorf("docs/checks.md section %q is not a check ID", h)
		}
	}
}

// TestResultAnchorsResolve: every anchor into docs/checks.md a check run
// reports, failing or not, names an existing section: the result's own ID,
func TestResultAnchorsResolve(t *testing.T) {
	t.Parallel()
	headings := docHeadings(t)
	for _, b := range bands {
		for _, r := range mustRun(t, b.build(), b.install(t)).Results {
			anchor, ok := strings.CutPrefix(r.Anchor, "docs/checks.md#")
			switch {
			case r.Anchor == "":
			case !ok:
			case anchor != r.ID:
				t.Errorf("%s: result %s links to #%s, want its ID", b.name, r.ID, anchor)
			case !slices.Contains(headings, anchor):
				t.Errorf("%s: result %s links to a missing section #%s", b.name, r.ID, anchor)
			}
		}
	}
}
