package e2e

import (
	"bytes"
	"context"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/cli"
)

// podreach runs the CLI in-process.
func podreach(args ...string) (stdout, stderr string, code int) {
	var out, errOut bytes.Buffer
	code = cli.Run(context.Background(), "podreach", args, cli.Streams{In: strings.NewReader(""), Out: &out, ErrOut: &errOut})
	return out.String(), errOut.String(), code
}

// result is one CLI run.
type result struct {
	out  string
	code int
}

// manifestPaths are the files and directories of c.manifests.
func (c *cluster) manifestPaths() []string {
	var out []string
	for i := 1; i < len(c.manifests); i += 2 {
		out = append(out, c.manifests[i])
	}
	return out
}

// flagEach returns flag, v for every v.
func flagEach(flag string, vs []string) []string {
	var out []string
	for _, v := range vs {
		out = append(out, flag, v)
	}
	return out
}

// run is one CLI invocation, normalised.
func (c *cluster) run(args ...string) (result, string) {
	out, errOut, code := podreach(args...)
	return result{c.normalize(out), code}, errOut
}

// sameAnswer fails unless the live and the manifest invocations print the
// same thing with the same exit code.
func (c *cluster) sameAnswer(t *testing.T, liveArgs, manArgs []string) result {
	t.Helper()
	live, lerr := c.run(liveArgs...)
	man, merr := c.run(manArgs...)
	if live.code != man.code {
		t.Errorf("exit code: live %d, manifests %d\nlive stderr:\n%s\nmanifest stderr:\n%s", live.code, man.code, lerr, merr)
	}
	if diff := cmp.Diff(dropStates(man.out), dropStates(live.out)); diff != "" {
		t.Errorf("live output differs from manifest output (-manifests +live):\n%s\nlive stderr:\n%s", diff, lerr)
	}
	return live
}

// inputFlags are the flags hint lines use to reproduce the input.
var inputFlags = regexp.MustCompile(` (?:-f \S+|--live|--context e2e)`)

// normalize removes the input flags that hint lines reproduce.
func (c *cluster) normalize(s string) string { return inputFlags.ReplaceAllString(s, "") }

// equalityCase is a command asked of the live cluster and of the same
// objects as manifests. files are layered on both (what-if); for diff, to
// is the after state's extra layers (a live diff layers them on the live
// cluster; a manifest diff takes the manifests plus them as its after
// state).
type equalityCase struct {
	args  []string
	files []string
	to    []string
}

// TestLiveEqualsManifests: every answer from the live cluster equals the
// answer from the same objects given as manifests, read in pages of 3
// objects and in pages of 500.
func TestLiveEqualsManifests(t *testing.T) {
	c := env(t)
	cases := map[string]equalityCase{
		"matrix":             {args: []string{"matrix"}},
		"matrix-wide":        {args: []string{"matrix", "-o", "wide"}},
		"matrix-json":        {args: []string{"matrix", "-o", "json"}},
		"matrix-pod-csv":     {args: []string{"matrix", "--level", "pod", "-o", "csv"}},
		"explain-seed":       {args: []string{"explain", "--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--port", "8086"}},
		"explain-service":    {args: []string{"explain", "--from", "web", "--to", "svc/emoji-svc", "--port", "8080", "-o", "json"}},
		"explain-named-port": {args: []string{"explain", "--from", "extras/legacy", "--to", "svc/extras/db", "--port", "5432"}},
		"explain-ipblock":    {args: []string{"explain", "--from", "extras/debug", "--to", "emojivoto/web", "-o", "json"}},
		"explain-daemonset":  {args: []string{"explain", "--from", "extras/node-agent", "--to", "extras/legacy", "--port", "http"}},
		"check":              {args: []string{"check", "--mesh", "linkerd"}},
		"check-json":         {args: []string{"check", "--mesh", "linkerd", "-o", "json", "--external", "apiserver=10.0.0.1/32"}},
		"fix":                {args: []string{"fix", "--mesh", "linkerd"}},
		"what-if-seed-fix":   {args: []string{"check", "--mesh", "linkerd", "-o", "short"}, files: []string{seedFix}},
		"what-if-delete":     {args: []string{"matrix", "-o", "json", "--delete", "netpol/extras/default-deny", "--delete", "deploy/emojivoto/web"}},
		"what-if-delete-ns":  {args: []string{"check", "--mesh", "linkerd", "-o", "short", "--delete", "ns/emojivoto"}},
		"diff-seed-fix":      {args: []string{"diff", "--mesh", "linkerd", "-o", "json"}, to: []string{seedFix}},
		"diff-delete-md":     {args: []string{"diff", "-o", "md", "--delete", "netpol/extras/legacy-from-emojivoto", "--fail-on", "any"}},
		"diff-delete-gained": {args: []string{"diff", "--delete", "netpol/linkerd/deny-all-ingress", "--fail-on", "gained"}},
		"diff-no-change":     {args: []string{"diff"}, to: []string{extraFile}},
	}
	for name, tc := range cases {
		t.Run(name, func(t *testing.T) {
			man := append(append([]string{}, tc.args...), c.manifests...)
			man = append(man, flagEach("-f", tc.files)...)
			if tc.args[0] == "diff" {
				man = append(man, flagEach("--to", append(c.manifestPaths(), tc.to...))...)
			}
			// -n places the manifests' objects that name no namespace, as
			// the live context's namespace does; -A keeps -n from also
			// narrowing what matrix and diff show (the live side types no -n).
			man = append(man, "-n", "emojivoto", "-A")
			live := append(append([]string{}, tc.args...), "--kubeconfig", c.admin)
			if len(tc.files) > 0 {
				live = append(live, "--live")
			}
			live = append(live, flagEach("-f", tc.files)...)
			live = append(live, flagEach("--to", tc.to)...)
			c.sameAnswer(t, live, man)
			c.sameAnswer(t, append(live, "--chunk-size", "3"), man)
		})
	}
}

// dropStates removes the lines of diff output that say how the states
// were given (live or files).
func dropStates(s string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		t := strings.TrimSpace(l)
		if strings.HasPrefix(t, "Comparing ") || strings.HasPrefix(t, `{"before":"`) ||
			strings.Contains(t, "(before) →") {
			continue
		}
		out = append(out, l)
	}
	return strings.Join(out, "\n")
}
