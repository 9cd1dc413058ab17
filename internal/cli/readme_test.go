package cli

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the generated blocks of README.md")

// readmeBlock is a command whose real output the README shows between
// <!-- BEGIN name --> and <!-- END name --> markers.
type readmeBlock struct {
	name string
	cmd  string // as a user types it from the repository root
	// setup runs first (e.g. writing fix.yaml); its output is not shown.
	setup string
	// text, when set, makes the block's content instead of cmd's console.
	text func(t *testing.T) string
}

var readmeBlocks = []readmeBlock{
	{name: "check-broken", cmd: "podreach check --mesh linkerd -f examples/emojivoto-linkerd/"},
	{name: "explain", cmd: "podreach explain -f examples/emojivoto-linkerd/ --from emojivoto/web --to linkerd/linkerd-destination --port 8086"},
	{name: "check-seed-era", cmd: "podreach check --mesh linkerd -f examples/emojivoto-linkerd-seed-era/ -o short"},
	{name: "matrix-seed-era", cmd: "podreach matrix -f examples/emojivoto-linkerd-seed-era/ --level workload"},
	{name: "matrix-focus", cmd: "podreach matrix -f internal/cli/testdata/focus/cluster.yaml -n other"},
	{name: "check-fixed", setup: "podreach fix --mesh linkerd -f examples/emojivoto-linkerd/ --external apiserver=172.16.0.2/32 > fix.yaml",
		cmd: "podreach check --mesh linkerd -f examples/emojivoto-linkerd/ -f fix.yaml --external apiserver=172.16.0.2/32 -o short"},
}

// TestReadme keeps the README's example output real: every generated block
// must equal what the command prints now (go test ./internal/cli -run
// TestReadme -update-readme rewrites them).
func TestReadme(t *testing.T) {
	syncBlocks(t, filepath.Join("..", "..", "README.md"), readmeBlocks, *updateReadme,
		"go test ./internal/cli -run TestReadme -update-readme")
}

// syncBlocks checks (or, with update, rewrites) the generated blocks of
// the page at path: each the console of its command as it runs now.
func syncBlocks(t *testing.T, path string, blocks []readmeBlock, update bool, how string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	page := string(data)
	dir := t.TempDir()
	for _, b := range blocks {
		if b.setup != "" {
			out := runLine(t, dir, b.setup)
			if err := os.WriteFile(filepath.Join(dir, "fix.yaml"), []byte(out), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		var want string
		if b.cmd != "" {
			want = "```console\n$ " + b.cmd + "\n" + runLine(t, dir, b.cmd) + "```\n"
		}
		switch {
		case b.text != nil:
			want = b.text(t)
		case b.setup != "": // the page shows the command that made the file
			want = "```console\n$ " + b.setup + "\n$ " + b.cmd + "\n" + runLine(t, dir, b.cmd) + "```\n"
		}
		re := regexp.MustCompile(`(?s)(<!-- BEGIN ` + b.name + ` -->\n).*?(<!-- END ` + b.name + ` -->)`)
		loc := re.FindStringSubmatchIndex(page)
		if loc == nil {
			t.Errorf("%s has no block %q", path, b.name)
			continue
		}
		got := page[loc[3]:loc[4]]
		if got == want {
			continue
		}
		if update {
			page = page[:loc[3]] + want + page[loc[4]:]
			continue
		}
		t.Errorf("%s block %q is stale (%s):\nwant:\n%s\ngot:\n%s", path, b.name, how, want, got)
	}
	if update {
		if err := os.WriteFile(path, []byte(page), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// runLine runs "podreach ARGS [> file]" with paths as typed from the
// repository root, and returns stdout with those paths as the user sees them.
func runLine(t *testing.T, dir, line string) string {
	t.Helper()
	line, _, _ = strings.Cut(line, " > ")
	args := strings.Fields(strings.TrimPrefix(line, "podreach "))
	for i, a := range args {
		switch {
		case strings.HasPrefix(a, "examples/"), strings.HasPrefix(a, "internal/"):
			args[i] = "../../" + a
		case a == "fix.yaml":
			args[i] = filepath.Join(dir, a)
		}
	}
	var out, errOut bytes.Buffer
	Run(t.Context(), "podreach", args, Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	s := strings.ReplaceAll(out.String(), "../../examples/", "examples/")
	return strings.ReplaceAll(s, filepath.Join(dir, "fix.yaml"), "fix.yaml")
}
