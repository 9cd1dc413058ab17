package cli

import (
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
)

// authzDocIn is emojivoto under Linkerd without the seed's
// deny-all-ingress, as a user types it from the repository root.
const authzDocIn = "-f examples/emojivoto-linkerd/namespaces.yaml -f examples/emojivoto-linkerd/linkerd-control-plane.yaml " +
	"-f examples/emojivoto-linkerd/linkerd-viz.yaml -f examples/emojivoto-linkerd/emojivoto.yaml"

// authzDocMatrix is the matrix the page shows: emojivoto's workloads and
// Prometheus toward emojivoto.
const authzDocMatrix = " --from namespace/emojivoto --from linkerd-viz/prometheus --to namespace/emojivoto"

var authzDocBlocks = []readmeBlock{
	{name: "authz-explain", cmd: "podreach explain " + authzDocIn + " -f examples/emojivoto-authz/ --from emojivoto/vote-bot --to emojivoto/voting --port grpc"},
	{name: "authz-matrix-before", cmd: "podreach matrix " + authzDocIn + authzDocMatrix},
	{name: "authz-matrix-after", cmd: "podreach matrix " + authzDocIn + " -f examples/emojivoto-authz/" + authzDocMatrix},
	{name: "authz-matrix-after-netpol", cmd: "podreach matrix " + authzDocIn + " -f examples/emojivoto-authz/" + authzDocMatrix + " --layer netpol"},
	{name: "authz-table", text: func(t *testing.T) string { return authzTable(t) }},
	{name: "authz-fix", cmd: "podreach fix --mesh linkerd " + authzDocIn + authzDocDeny},
	{name: "authz-fix-check", setup: "podreach fix --mesh linkerd " + authzDocIn + authzDocDeny + " > fix.yaml",
		cmd: "podreach check --mesh linkerd " + authzDocIn + authzDocDeny + " -f fix.yaml -o short"},
	{name: "authz-fix-4143", cmd: "podreach fix --mesh linkerd " + authzDocIn + " -f examples/emojivoto-4143/"},
}

// authzDocDeny is the example's authorization under a deny default in
// emojivoto and linkerd-viz.
const authzDocDeny = " -f examples/emojivoto-authz/ -f examples/emojivoto-authz-deny/"

// TestLinkerdAuthzDoc keeps the evidence of docs/linkerd-authz.md true:
// the explain and matrix consoles of the emojivoto authorization example
// and its per-port table are what the commands print now (go test
// ./internal/cli -run TestLinkerdAuthzDoc -update rewrites them).
func TestLinkerdAuthzDoc(t *testing.T) {
	update := false
	if f := flag.Lookup("update"); f != nil {
		update = f.Value.String() == "true"
	}
	syncBlocks(t, filepath.Join("..", "..", "docs", "linkerd-authz.md"), authzDocBlocks, update,
		"go test ./internal/cli -run TestLinkerdAuthzDoc -update")
}

// authzTable is, before and after examples/emojivoto-authz/, the Linkerd
// layer's answer for each client and destination port (explain --layer
// linkerd: exit 0 ✔, 1 ×).
func authzTable(t *testing.T) string {
	t.Helper()
	clients := []string{"emojivoto/web", "emojivoto/vote-bot", "linkerd-viz/prometheus"}
	cells := []struct{ to, port, head string }{
		{"emojivoto/web", "http", "web `http`"}, {"emojivoto/voting", "grpc", "voting `grpc`"},
		{"emojivoto/emoji", "grpc", "emoji `grpc`"}, {"emojivoto/voting", "prom", "voting `prom`"},
		{"emojivoto/web", "4191", "web `4191`"},
	}
	var b strings.Builder
	for _, state := range []struct{ name, extra string }{{"before", ""}, {"after", " -f examples/emojivoto-authz/"}} {
		fmt.Fprintf(&b, "| %s |", state.name)
		for _, c := range cells {
			fmt.Fprintf(&b, " %s |", c.head)
		}
		b.WriteString("\n|---|" + strings.Repeat("---|", len(cells)) + "\n")
		for _, from := range clients {
			fmt.Fprintf(&b, "| `%s` |", from)
			for _, c := range cells {
				args := strings.Fields(authzDocIn + state.extra)
				for i, a := range args {
					if strings.HasPrefix(a, "examples/") {
						args[i] = "../../" + a
					}
				}
				args = append(append([]string{"explain"}, args...), "--from", from, "--to", c.to, "--port", c.port, "--layer", "linkerd")
				_, errOut, code := run(t, "", args...)
				switch code {
				case ExitOK:
					b.WriteString(" ✔ |")
				case ExitNo:
					b.WriteString(" × |")
				default:
					t.Fatalf("explain %v: exit %d\n%s", args, code, errOut)
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return b.String()
}
