package kustomize

import (
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/yaml"

	"github.com/podreach/podreach/pkg/load/manifest"
)

// checkLocal checks that building dir reads only local files: kustomize
// fetches a resource, base or component that is not a local path with
// git (`git clone`), and a file named by an http(s) URL over HTTP
// ("a list of file paths, directories, or URLs", https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/resource/);
// podreach does neither. It also refuses Helm charts, which kubectl
// kustomize renders only with --enable-helm (running helm).
func checkLocal(dir string) error {
	seen := map[string]bool{}
	return checkDir(dir, seen)
}

func checkDir(dir string, seen map[string]bool) error {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return fmt.Errorf("kustomize %s: %w", dir, err)
	}
	if seen[abs] {
		return nil // kustomize reports cycles itself
	}
	seen[abs] = true
	kf := manifest.KustomizationFile(dir)
	if kf == "" {
		return fmt.Errorf("kustomize %s: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '%s'", dir, dir)
	}
	data, err := os.ReadFile(kf)
	if err != nil {
		return fmt.Errorf("kustomize %s: %w", dir, err)
	}
	var k types.Kustomization
	if err := yaml.Unmarshal(data, &k); err != nil {
		return fmt.Errorf("%s: invalid kustomization: %w", kf, err)
	}
	if len(k.HelmCharts) > 0 || len(k.HelmChartInflationGenerator) > 0 {
		return fmt.Errorf("%s: helmCharts: Helm charts are not rendered (kubectl kustomize needs --enable-helm, which runs helm and may download charts); render the chart with `helm template` and list the output under resources", kf)
	}
	for _, ref := range pathRefs(&k) {
		if err := checkRef(dir, kf, ref, seen); err != nil {
			return err
		}
	}
	return nil
}

// ref is one path a kustomization names: field is where ("resources[2]").
type ref struct {
	field, path string
	dirOK       bool // a directory (another kustomization) is allowed here
}

func checkRef(dir, kf string, r ref, seen map[string]bool) error {
	if strings.Contains(r.path, "\n") {
		return nil // inline YAML (a patch, a generator's config), not a path
	}
	if isURL(r.path) {
		return fmt.Errorf("%s: %s: %q is remote; podreach does no network I/O: vendor it into the repository and name its local path", kf, r.field, r.path)
	}
	p := r.path
	if !filepath.IsAbs(p) {
		p = filepath.Join(dir, p)
	}
	fi, err := os.Stat(p)
	switch {
	case err != nil && r.dirOK:
		// kustomize would try it as a remote git repository.
		return fmt.Errorf("%s: %s: %q is neither a local file nor a local directory (remote bases are not fetched: podreach does no network I/O)", kf, r.field, r.path)
	case err != nil:
		return nil // kustomize reports the missing file, with its own context
	case fi.IsDir() && r.dirOK:
		return checkDir(p, seen)
	}
	return nil
}

// isURL reports whether kustomize would fetch s over the network: a URL
// (http, https, ssh, git, file…; a one-letter scheme is a Windows drive),
// an scp-like git@host: address, or a repository path with a ref or a
// "//" subdirectory. Remote paths without these marks
// (github.com/org/repo/dir) do not exist locally and are refused too.
func isURL(s string) bool {
	if u, err := url.Parse(s); err == nil && len(u.Scheme) > 1 {
		return true
	}
	return strings.HasPrefix(s, "git@") || strings.Contains(s, "?ref=") || strings.Contains(s, "//")
}
