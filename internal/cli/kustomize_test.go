package cli

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/golden"
)

// gitops is a GitOps-shaped repository: a kustomize base, two overlays, a
// Helm chart, Helm values and a CI workflow.
const gitops = "testdata/gitops"

// gitopsCommands are the questions asked of each overlay (ns is its
// namespace): every verb that reads -f without a cluster or a kernel,
// except report, whose page embeds each object's source file.
func gitopsCommands(ns string) map[string][]string {
	return map[string][]string{
		"matrix":       {"matrix"},
		"matrix-json":  {"matrix", "-o", "json"},
		"matrix-pods":  {"matrix", "--level", "pod", "-o", "csv"},
		"explain-deny": {"explain", "--from", ns + "/web", "--to", ns + "/db"},
		"explain-json": {"explain", "--from", ns + "/api", "--to", ns + "/db", "--port", "5432", "-o", "json"},
		"diff-delete":  {"diff", "--delete", "netpol/" + ns + "/db-ingress"},
		"check":        {"check", "--mesh", "linkerd"},
		"fix":          {"fix", "--mesh", "linkerd"},
	}
}

// TestKustomizeSameAsStdin: each verb's answer on -k OVERLAY is the answer
// on `kubectl kustomize OVERLAY | podreach VERB -f -`: the same output, exit
// code and diagnostics (whose sources name the kustomization instead of
// stdin). testdata/gitops-rendered holds kubectl kustomize's output
// (kubectl 1.32, kustomize 5.5); where kubectl is installed, the test also
// checks that it still prints exactly that.
func TestKustomizeSameAsStdin(t *testing.T) {
	for _, overlay := range []string{"staging", "prod"} {
		dir := filepath.Join(gitops, "overlays", overlay)
		rendered, err := os.ReadFile(filepath.Join("testdata/gitops-rendered", overlay+".yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if kubectl, err := exec.LookPath("kubectl"); err == nil {
			out, err := exec.Command(kubectl, "kustomize", dir).Output()
			if err != nil || !bytes.Equal(out, rendered) {
				t.Errorf("kubectl kustomize %s (err %v) differs from testdata/gitops-rendered/%s.yaml", dir, err, overlay)
			}
		}
		for name, args := range gitopsCommands("shop-" + overlay) {
			t.Run(overlay+"/"+name, func(t *testing.T) {
				out, errOut, code := run(t, "", append(args, "-k", dir)...)
				outF, errOutF, codeF := run(t, string(rendered), append(args, "-f", "-")...)
				golden.Assert(t, "gitops-"+overlay+"-"+name+".golden", []byte(out+"stderr:\n"+errOut))
				errOut = strings.ReplaceAll(errOut, kustomizeSource(dir), stdinSource)
				// fix repeats its command line; diff names its states.
				out = strings.ReplaceAll(out, "fix -k "+dir, "fix -f -")
				out = strings.ReplaceAll(out, "-k "+dir, "-")
				if out != outF || errOut != errOutF || code != codeF {
					t.Errorf("-k: exit %d\n%s\nstderr:\n%s\n-f -: exit %d\n%s\nstderr:\n%s", code, out, errOut, codeF, outF, errOutF)
				}
			})
		}
	}
}

const stdinSource = "<stdin>"

// TestGitopsRepoWithF: -f on the repository refuses its kustomizations
// (naming -k for each), skips its chart and its non-object files with a
// notice each, and reads nothing it would misread.
func TestGitopsRepoWithF(t *testing.T) {
	out, errOut, code := run(t, "", "matrix", "-f", gitops)
	if code != ExitInput || out != "" {
		t.Fatalf("exit %d, stdout %q; want exit 2 and no answer", code, out)
	}
	golden.Assert(t, "gitops-f.golden", []byte(errOut))
}
