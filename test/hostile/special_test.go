package hostile

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"syscall"
	"testing"
)

// Inputs that cannot be committed (device files, FIFOs, sizes) are made
// here, each with the outcome it must produce.

const validApp = `apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: nginx}]}
`

// TestSpecialFilesInDirectory: a directory walk reads regular files only;
// a FIFO (which would block forever) and a symbolic link to /dev/zero
// (which never ends) are passed over with a notice, and the rest answered.
func TestSpecialFilesInDirectory(t *testing.T) {
	tests := []struct {
		name string
		make func(path string) error
	}{
		{"fifo", func(p string) error { return syscall.Mkfifo(p, 0o644) }},
		{"symlink to /dev/zero", func(p string) error { return os.Symlink("/dev/zero", p) }},
		{"symlink to /dev/urandom", func(p string) error { return os.Symlink("/dev/urandom", p) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			write(t, filepath.Join(dir, "app.yaml"), validApp)
			if err := tt.make(filepath.Join(dir, "x.yaml")); err != nil {
				t.Fatal(err)
			}
			r := podreach(t, t.TempDir(), nil, "matrix", "-f", dir)
			if r.code != 0 || !bytes.Contains(r.stderr, []byte("x.yaml")) {
				t.Errorf("want the app answered and a notice naming x.yaml; %s", r)
			}
		})
	}
}

// TestSpecialFilesNamed: named explicitly, a device is an input error.
func TestSpecialFilesNamed(t *testing.T) {
	for _, dev := range []string{"/dev/zero", "/dev/urandom"} {
		t.Run(dev, func(t *testing.T) {
			r := podreach(t, t.TempDir(), nil, "matrix", "-f", dev)
			if r.code != 2 || !bytes.Contains(r.stderr, []byte(dev)) || len(r.stdout) != 0 {
				t.Errorf("want exit 2 naming %s and no output; %s", dev, r)
			}
		})
	}
}

// TestReplicaExpansionBounded: replicas: 2000000000 is valid, but
// expanding it per pod must be refused with a located error, not attempted.
func TestReplicaExpansionBounded(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "huge.yaml")
	write(t, in, `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  replicas: 2000000000
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`)
	r := podreach(t, dir, nil, "matrix", "--level", "pod", "--expand-replicas", "-f", in)
	// Expansion happens after loading, so the error names the object's
	// line (not the field's) and the field path.
	located := regexp.MustCompile(`huge\.yaml:\d+: Deployment shop/web: spec\.replicas`)
	if r.code != 2 || !located.Match(r.stderr) {
		t.Errorf("want exit 2 located at huge.yaml:LINE Deployment shop/web spec.replicas; %s", r)
	}
	if len(r.stdout) != 0 {
		t.Errorf("printed %d bytes before refusing", len(r.stdout))
	}
}

// TestEchoedValuesCapped: an 8 MiB label value is refused, and the error
// quotes a bounded part of it (not the whole value, not twice).
func TestEchoedValuesCapped(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "long.yaml")
	long := strings.Repeat("a", 8<<20)
	write(t, in, fmt.Sprintf("apiVersion: v1\nkind: Pod\nmetadata: {name: web, namespace: shop, labels: {app: %s}}\nspec: {containers: [{name: web, image: nginx}]}\n", long))
	r := podreach(t, dir, nil, "matrix", "-f", in)
	if r.code != 2 || !bytes.Contains(r.stderr, []byte("long.yaml:3")) {
		t.Errorf("want exit 2 located at long.yaml:3; %s", r)
	}
	if len(r.stderr) > maxStderr {
		t.Errorf("stderr is %d bytes for one bad value (max %d)", len(r.stderr), maxStderr)
	}
}

// TestListMemoryFollowsItems: a single-document kind: List costs about
// what the same objects cost as a stream of documents (within 1.5x peak
// RSS), so memory follows the items, not the document.
func TestListMemoryFollowsItems(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 2 x 48 MiB inputs; run without -short")
	}
	dir := t.TempDir()
	const pods = 120_000
	list, stream := filepath.Join(dir, "list.yaml"), filepath.Join(dir, "stream.yaml")
	writeFn(t, list, func(b *bytes.Buffer) {
		b.WriteString("apiVersion: v1\nkind: List\nitems:\n")
		for i := range pods {
			fmt.Fprintf(b, "- apiVersion: v1\n  kind: Pod\n  metadata: {name: p%d, namespace: ns%d, labels: {app: a%d, tier: t%d}}\n  spec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]}\n", i, i%50, i%100, i%7)
		}
	})
	writeFn(t, stream, func(b *bytes.Buffer) {
		for i := range pods {
			fmt.Fprintf(b, "---\napiVersion: v1\nkind: Pod\nmetadata: {name: p%d, namespace: ns%d, labels: {app: a%d, tier: t%d}}\nspec: {containers: [{name: c, image: nginx, ports: [{containerPort: 8080, name: http}]}]}\n", i, i%50, i%100, i%7)
		}
	})
	// explain loads and compiles the whole cluster and answers one pair, so
	// the peak is the loader's.
	explain := []string{"explain", "--from", "ns0/p0", "--to", "ns1/p1"}
	rs := podreach(t, dir, nil, slices.Concat(explain, []string{"-f", stream})...)
	rl := podreach(t, dir, nil, slices.Concat(explain, []string{"-f", list})...)
	if rs.code != 0 || rl.code != 0 {
		t.Fatalf("want both answered;\n%s\n%s", rs, rl)
	}
	t.Logf("peak RSS: stream %d MiB, List %d MiB", rs.maxRSS>>20, rl.maxRSS>>20)
	if float64(rl.maxRSS) > 1.5*float64(rs.maxRSS) {
		t.Errorf("the List needs %d MiB, the same pods as a stream %d MiB: more than 1.5x", rl.maxRSS>>20, rs.maxRSS>>20)
	}
}

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func writeFn(t *testing.T, path string, fill func(*bytes.Buffer)) {
	t.Helper()
	var b bytes.Buffer
	fill(&b)
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}
