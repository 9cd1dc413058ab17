package image

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"debug/elf"
	"fmt"
	"io"
	"slices"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// Image is a built image.
type Image = v1.Image

// DefaultName is the image's name, as docs/guard.md documents it and
// deploy/guard/guard.yaml runs it; Source is its repository.
const (
	DefaultName = "ghcr.io/podreach/podreach:latest"
	Source      = "https://github.com/podreach/podreach"
)

// The image's user: 65532 is the "nonroot" user of the distroless images,
// and the runAsUser of deploy/guard.
const (
	UID      = 65532
	UserName = "nonroot"
	// Entrypoint is where the binary is, and the image's entrypoint.
	Entrypoint = "/podreach"
)

// Spec is what an image is built from.
type Spec struct {
	Binary   []byte // the podreach binary: a static ELF executable for OS linux
	Arch     string // GOARCH of Binary: amd64, arm64
	Version  string // org.opencontainers.image.version
	Revision string // org.opencontainers.image.revision (the commit)
	Source   string // org.opencontainers.image.source (the repository URL)
	// Created is the image's creation time and every file's mtime: a fixed
	// time (the commit's) keeps the image reproducible.
	Created time.Time
}

// Build returns the image of s. It refuses a binary that is not a static
// ELF executable for s.Arch (a dynamic one cannot run on an empty base).
func Build(s Spec) (v1.Image, error) {
	if err := checkStatic(s.Binary, s.Arch); err != nil {
		return nil, err
	}
	layer, err := s.layer()
	if err != nil {
		return nil, err
	}
	created := v1.Time{Time: s.Created.UTC()}
	base := mutate.MediaType(empty.Image, types.OCIManifestSchema1)
	base = mutate.ConfigMediaType(base, types.OCIConfigJSON)
	img, err := mutate.Append(base, mutate.Addendum{Layer: layer, MediaType: types.OCILayer,
		History: v1.History{Created: created, CreatedBy: "podreach hack/image: " + Entrypoint + ", /etc/passwd, /etc/group", Comment: "static binary on an empty base"}})
	if err != nil {
		return nil, fmt.Errorf("adding the layer: %w", err)
	}
	cf, err := img.ConfigFile()
	if err != nil {
		return nil, fmt.Errorf("reading the image config: %w", err)
	}
	cf = cf.DeepCopy()
	cf.Architecture, cf.OS, cf.Created = s.Arch, "linux", created
	cf.Config.Entrypoint = []string{Entrypoint}
	cf.Config.User = fmt.Sprintf("%d:%d", UID, UID)
	cf.Config.WorkingDir = "/"
	cf.Config.Labels = map[string]string{
		"org.opencontainers.image.source":   s.Source,
		"org.opencontainers.image.revision": s.Revision,
		"org.opencontainers.image.version":  s.Version,
		"org.opencontainers.image.title":    "podreach",
	}
	img, err = mutate.ConfigFile(img, cf)
	if err != nil {
		return nil, fmt.Errorf("setting the image config: %w", err)
	}
	return img, nil
}

// file is one entry of the layer.
type file struct {
	name string
	mode int64
	data []byte // nil for a directory
}

// files are the layer's entries, sorted by name.
func (s Spec) files() []file {
	fs := []file{
		{name: "etc/", mode: 0o755},
		{name: "etc/group", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:\n%s:x:%d:\n", UserName, UID)},
		{name: "etc/passwd", mode: 0o644, data: fmt.Appendf(nil, "root:x:0:0:root:/root:/sbin/nologin\n%s:x:%d:%d:%s:/home/%s:/sbin/nologin\n", UserName, UID, UID, UserName, UserName)},
		{name: Entrypoint[1:], mode: 0o755, data: s.Binary},
	}
	slices.SortFunc(fs, func(a, b file) int { return bytes.Compare([]byte(a.name), []byte(b.name)) })
	return fs
}

// layer is the gzipped tar of the files: owned by root, mtime Created, no
// user or group names, PAX headers never (nothing needs them), a gzip
// header without name or time.
func (s Spec) layer() (v1.Layer, error) {
	var tb bytes.Buffer
	tw := tar.NewWriter(&tb)
	for _, f := range s.files() {
		h := &tar.Header{Name: f.name, Mode: f.mode, ModTime: s.Created.UTC().Truncate(time.Second), Format: tar.FormatUSTAR}
		if f.data == nil {
			h.Typeflag = tar.TypeDir
		} else {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(f.data))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("writing the layer: %s: %w", f.name, err)
		}
		if _, err := tw.Write(f.data); err != nil {
			return nil, fmt.Errorf("writing the layer: %s: %w", f.name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("writing the layer: %w", err)
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz) // the default level: deterministic, and quick on a 45 MB binary
	if _, err := zw.Write(tb.Bytes()); err != nil {
		return nil, fmt.Errorf("compressing the layer: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("compressing the layer: %w", err)
	}
	data := gz.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(data)), nil },
		tarball.WithMediaType(types.OCILayer))
}

// goarchMachine maps GOARCH to the ELF machine it builds for.
var goarchMachine = map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64, "arm": elf.EM_ARM, "386": elf.EM_386,
	"ppc64le": elf.EM_PPC64, "s390x": elf.EM_S390, "riscv64": elf.EM_RISCV}

// checkStatic refuses what is not a statically linked ELF executable for
// arch: no interpreter (PT_INTERP) and no shared libraries (DT_NEEDED).
func checkStatic(bin []byte, arch string) error {
	want, ok := goarchMachine[arch]
	if !ok {
		return fmt.Errorf("unsupported architecture %q", arch)
	}
	f, err := elf.NewFile(bytes.NewReader(bin))
	if err != nil {
		return fmt.Errorf("the binary is not an ELF executable: %w", err)
	}
	defer f.Close()
	if f.Machine != want {
		return fmt.Errorf("the binary is for %s, not %s", f.Machine, arch)
	}
	for _, p := range f.Progs {
		if p.Type == elf.PT_INTERP {
			return fmt.Errorf("the binary is dynamically linked (it names an interpreter): build it with CGO_ENABLED=0")
		}
	}
	if libs, err := f.ImportedLibraries(); err == nil && len(libs) > 0 {
		return fmt.Errorf("the binary needs shared libraries %v: build it with CGO_ENABLED=0", libs)
	}
	return nil
}
