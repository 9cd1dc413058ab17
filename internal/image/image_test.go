package image

import (
	"archive/tar"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

var epoch = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)

// hello builds testdata/hello statically: a small stand-in for podreach.
func hello(t *testing.T) []byte {
	t.Helper()
	out := filepath.Join(t.TempDir(), "hello")
	cmd := exec.Command("go", "build", "-trimpath", "-o", out, "./testdata/hello")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("building testdata/hello: %v\n%s", err, b)
	}
	bin, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	return bin
}

func spec(bin []byte) Spec {
	return Spec{Binary: bin, Arch: runtime.GOARCH, Version: "v1.2.3", Revision: "0123abc", Source: Source, Created: epoch}
}

func digest(t *testing.T, img v1.Image) string {
	t.Helper()
	d, err := img.Digest()
	if err != nil {
		t.Fatal(err)
	}
	return d.String()
}

// TestBuildReproducible: the same spec gives the same digest; every input
// changes it.
func TestBuildReproducible(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("builds linux binaries for the host architecture")
	}
	bin := hello(t)
	build := func(s Spec) string {
		img, err := Build(s)
		if err != nil {
			t.Fatal(err)
		}
		return digest(t, img)
	}
	first := build(spec(bin))
	if again := build(spec(bin)); again != first {
		t.Fatalf("same spec, digests %s and %s", first, again)
	}
	for name, tweak := range map[string]func(*Spec){
		"created":  func(s *Spec) { s.Created = s.Created.Add(time.Second) },
		"version":  func(s *Spec) { s.Version = "v1.2.4" },
		"revision": func(s *Spec) { s.Revision = "4567def" },
		"binary":   func(s *Spec) { s.Binary = append(slices.Clone(s.Binary), 0) },
	} {
		s := spec(bin)
		tweak(&s)
		if build(s) == first {
			t.Errorf("another %s, the same digest", name)
		}
	}
}

// TestBuildRefusesWhatCannotRun: a dynamic binary, another architecture,
// or not an executable.
func TestBuildRefusesWhatCannotRun(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("builds linux binaries for the host architecture")
	}
	other := map[string]string{"amd64": "arm64", "arm64": "amd64"}[runtime.GOARCH]
	for _, tc := range []struct {
		name, arch, want string
		bin              func() []byte
	}{
		{name: "dynamic", arch: runtime.GOARCH, want: "build it with CGO_ENABLED=0", bin: func() []byte { return dynamicBinary(t) }},
		{name: "other architecture", arch: other, want: "not " + other, bin: func() []byte { return hello(t) }},
		{name: "not ELF", arch: runtime.GOARCH, want: "not an ELF executable", bin: func() []byte { return []byte("#!/bin/sh\n") }},
		{name: "unknown architecture", arch: "pdp11", want: `unsupported architecture "pdp11"`, bin: func() []byte { return nil }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := spec(tc.bin())
			s.Arch = tc.arch
			if _, err := Build(s); err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("err %v, want %q", err, tc.want)
			}
		})
	}
}

// dynamicBinary is a dynamically linked executable of this machine.
func dynamicBinary(t *testing.T) []byte {
	for _, p := range []string{"/bin/true", "/usr/bin/true", "/bin/ls"} {
		if b, err := os.ReadFile(p); err == nil {
			if checkStatic(b, runtime.GOARCH) != nil {
				return b
			}
		}
	}
	t.Skip("no dynamically linked executable found")
	return nil
}

// TestPodreachImage builds the real image as hack/image does (the podreach
// binary, statically), writes it as an OCI layout twice and as a tarball,
// and checks what a runtime reads: the config (user, entrypoint, labels,
// platform), the one layer's files (no shell), and that both layouts hold
// the same digest.
func TestPodreachImage(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the podreach binary; skipped with -short")
	}
	if runtime.GOOS != "linux" {
		t.Skip("builds linux binaries for the host architecture")
	}
	start := time.Now()
	bin, err := BuildBinary(context.Background(), "../..", runtime.GOARCH, "v0.0.0-test", "0123abc")
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("podreach built statically in %s (%d bytes)", time.Since(start).Round(time.Millisecond), len(bin))
	var digests []string
	var img v1.Image
	for i := range 2 {
		img, err = Build(spec(bin))
		if err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "layout")
		if err := WriteLayout(dir, img, DefaultName); err != nil {
			t.Fatal(err)
		}
		got := readLayout(t, dir)
		digests = append(digests, digest(t, got))
		if i == 0 {
			checkConfig(t, got)
			checkLayer(t, got, bin)
		}
	}
	if digests[0] != digests[1] {
		t.Errorf("two builds of one binary: digests %v", digests)
	}
	tb := filepath.Join(t.TempDir(), "podreach.tar")
	if err := WriteTarball(tb, img, DefaultName); err != nil {
		t.Fatal(err)
	}
	loaded, err := tarball.ImageFromPath(tb, nil)
	if err != nil {
		t.Fatalf("reading the tarball back: %v", err)
	}
	checkConfig(t, loaded)
}

// readLayout reads the only image of the layout in dir.
func readLayout(t *testing.T, dir string) v1.Image {
	t.Helper()
	idx, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatal(err)
	}
	m, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != DefaultName || m.Manifests[0].MediaType != types.OCIManifestSchema1 {
		t.Fatalf("index.json: %+v", m.Manifests)
	}
	img, err := idx.Image(m.Manifests[0].Digest)
	if err != nil {
		t.Fatal(err)
	}
	return img
}

func checkConfig(t *testing.T, img v1.Image) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	got := []string{cf.OS, cf.Architecture, cf.Config.User, strings.Join(cf.Config.Entrypoint, " "), strings.Join(cf.Config.Cmd, " "),
		strings.Join(cf.Config.Env, " "), cf.Created.UTC().Format(time.RFC3339),
		cf.Config.Labels["org.opencontainers.image.source"], cf.Config.Labels["org.opencontainers.image.revision"], cf.Config.Labels["org.opencontainers.image.version"]}
	want := []string{"linux", runtime.GOARCH, "65532:65532", "/podreach", "", "", "2026-12-05T08:00:00Z", Source, "0123abc", "v1.2.3"}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("config (-want +got):\n%s", d)
	}
}

// checkLayer: one OCI layer holding exactly the binary, /etc/passwd and
// /etc/group, owned by root, stamped with the creation time; no shell.
func checkLayer(t *testing.T, img v1.Image, bin []byte) {
	t.Helper()
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Fatalf("%d layers (%v), want 1", len(layers), err)
	}
	if mt, _ := layers[0].MediaType(); mt != types.OCILayer {
		t.Errorf("layer media type %s", mt)
	}
	rc, err := layers[0].Uncompressed()
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	tr := tar.NewReader(rc)
	var names []string
	files := map[string][]byte{}
	for {
		h, err := tr.Next()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		names = append(names, h.Name)
		if h.Uid != 0 || h.Gid != 0 || !h.ModTime.Equal(epoch) {
			t.Errorf("%s: owner %d:%d, mtime %s", h.Name, h.Uid, h.Gid, h.ModTime)
		}
		files[h.Name], _ = io.ReadAll(tr)
	}
	if d := cmp.Diff([]string{"etc/", "etc/group", "etc/passwd", "podreach"}, names); d != "" {
		t.Errorf("layer entries (-want +got):\n%s", d)
	}
	if !bytes.Equal(files["podreach"], bin) || checkStatic(files["podreach"], runtime.GOARCH) != nil {
		t.Error("the layer's /podreach is not the static binary built")
	}
	if !strings.Contains(string(files["etc/passwd"]), "nonroot:x:65532:65532:") || !strings.Contains(string(files["etc/group"]), "nonroot:x:65532:") {
		t.Errorf("passwd/group lack user 65532:\n%s%s", files["etc/passwd"], files["etc/group"])
	}
}
