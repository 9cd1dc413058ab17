// Package release tests hack/release.sh: it builds, packs and sums the
// release archives and renders the krew manifest from them.
package release

import (
	"archive/tar"
	"bufio"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

const version = "v0.0.0-releasetest"

// TestReleaseScript builds the host's target (linux/amd64 in CI), checks
// that the krew manifest's sha256 is the archive's, that the archive holds
// the plugin, its completion helper and the licence, that the binary
// reports the version and commit it was built with, and that a second build
// gives byte-identical archives.
func TestReleaseScript(t *testing.T) {
	if testing.Short() {
		t.Skip("cross-builds the binaries (a minute on a busy machine)")
	}
	target := runtime.GOOS + "/" + runtime.GOARCH
	dist := release(t, target)
	sums := readSums(t, filepath.Join(dist, "SHA256SUMS"))
	plugin := "kubectl-podreach_" + version + "_" + strings.ReplaceAll(target, "/", "_") + ".tar.gz"
	for _, name := range []string{plugin, strings.Replace(plugin, "kubectl-podreach", "podreach", 1)} {
		if got := fileSHA(t, filepath.Join(dist, name)); sums[name] != got {
			t.Errorf("SHA256SUMS says %s for %s, the file's is %s", sums[name], name, got)
		}
	}
	checkManifest(t, filepath.Join(dist, "podreach.yaml"), target, plugin, sums[plugin])
	files := untar(t, filepath.Join(dist, plugin), filepath.Join(dist, "x"))
	if want := []string{"LICENSE", "kubectl-podreach", "kubectl_complete-podreach"}; !slices.Equal(files, want) {
		t.Errorf("archive holds %v, want %v", files, want)
	}
	if runtime.GOOS == "linux" {
		checkVersion(t, filepath.Join(dist, "x", "kubectl-podreach"))
	}
	again := readSums(t, filepath.Join(release(t, target), "SHA256SUMS"))
	if !maps.Equal(sums, again) {
		t.Errorf("archives are not reproducible:\n%v\n%v", sums, again)
	}
}

// release runs hack/release.sh for one target into a new directory.
func release(t *testing.T, target string) string {
	t.Helper()
	dist := filepath.Join(t.TempDir(), "dist")
	cmd := exec.Command("bash", "hack/release.sh", version, target)
	cmd.Dir = "../.."
	cmd.Env = append(os.Environ(), "DIST_DIR="+dist)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("hack/release.sh: %v\n%s", err, out)
	}
	return dist
}

// checkManifest: the rendered krew manifest has exactly the built platform,
// pointing at the archive, with its sha256, and no placeholder left.
func checkManifest(t *testing.T, path, target, archive, sha string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(data), "{{") {
		t.Errorf("placeholders left in the manifest:\n%s", data)
	}
	var m struct {
		Kind string
		Spec struct {
			Version   string
			Platforms []struct {
				URI, Sha256, Bin string
				Selector         struct {
					MatchLabels map[string]string `yaml:"matchLabels"`
				}
			}
		}
	}
	if err := yaml.Unmarshal(data, &m); err != nil {
		t.Fatalf("manifest: %v\n%s", err, data)
	}
	if m.Kind != "Plugin" || m.Spec.Version != version || len(m.Spec.Platforms) != 1 {
		t.Fatalf("manifest: kind %q, version %q, %d platforms; want Plugin, %s, 1", m.Kind, m.Spec.Version, len(m.Spec.Platforms), version)
	}
	p := m.Spec.Platforms[0]
	os, arch, _ := strings.Cut(target, "/")
	if p.Selector.MatchLabels["os"] != os || p.Selector.MatchLabels["arch"] != arch || !strings.HasSuffix(p.URI, "/"+version+"/"+archive) {
		t.Errorf("platform %+v does not name %s", p, archive)
	}
	if p.Sha256 != sha {
		t.Errorf("manifest sha256 %s, archive's %s", p.Sha256, sha)
	}
}

// checkVersion: the released binary reports the version and commit.
func checkVersion(t *testing.T, bin string) {
	t.Helper()
	out, err := exec.Command(bin, "version", "-o", "json").Output()
	if err != nil {
		t.Fatalf("%s version: %v", bin, err)
	}
	var v struct{ Version, Commit string }
	if err := json.Unmarshal(out, &v); err != nil || v.Version != version || v.Commit == "" {
		t.Errorf("version -o json = %s (err %v), want version %s and a commit", out, err, version)
	}
}

func readSums(t *testing.T, path string) map[string]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sums := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		sum, name, ok := strings.Cut(sc.Text(), "  ")
		if !ok {
			t.Fatalf("SHA256SUMS line %q", sc.Text())
		}
		sums[name] = sum
	}
	return sums
}

func fileSHA(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	h := sha256.Sum256(data)
	return hex.EncodeToString(h[:])
}

// untar extracts a .tar.gz into dir and lists its files.
func untar(t *testing.T, path, dir string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		name := filepath.Clean(h.Name)
		names = append(names, name)
		out := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(out), 0o755); err != nil {
			t.Fatal(err)
		}
		w, err := os.OpenFile(out, os.O_CREATE|os.O_WRONLY, os.FileMode(h.Mode))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.Copy(w, tr); err != nil {
			t.Fatal(err)
		}
		w.Close()
	}
	slices.Sort(names)
	return names
}
