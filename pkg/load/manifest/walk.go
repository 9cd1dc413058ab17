package manifest

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// A directory walk (a directory given as a source) meets files that are not
// Kubernetes objects: a repository's Helm values, chart metadata and CI
// workflows, Helm templates. They are skipped, with one notice counting
// them per reason; the same file named as a source is still read, and an
// error if it holds no object (kubectl -f does the same with a file it is
// given: "error validating data: [apiVersion not set, kind not set]").

// kustomizationNames are the files that make a directory a kustomization,
// in the order kustomize looks for them ("unable to find one of
// 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in
// directory", sigs.k8s.io/kustomize/api/konfig.RecognizedKustomizationFileNames).
var kustomizationNames = [...]string{"kustomization.yaml", "kustomization.yml", "Kustomization"}

// KustomizationFile returns the kustomization file in dir, or "" when dir
// is not a kustomization.
func KustomizationFile(dir string) string {
	for _, n := range kustomizationNames {
		if fi, err := os.Stat(filepath.Join(dir, n)); err == nil && fi.Mode().IsRegular() {
			return filepath.Join(dir, n)
		}
	}
	return ""
}

// skipReason says why a walk did not read a file.
type skipReason uint8

const (
	readFile     skipReason = iota // a candidate: read it
	noObject                       // no top-level apiVersion and kind
	helmTemplate                   // Go template actions that are not YAML
)

func (r skipReason) String() string {
	switch r {
	case noObject:
		return "without apiVersion and kind (not Kubernetes objects)"
	case helmTemplate:
		return "Helm or Go templates ({{ … }})"
	}
	return "read"
}

// walkSkips remembers what a walk skipped, for one notice.
type walkSkips struct {
	files  map[skipReason][]string
	charts []string
}

// enterDir decides whether a walk descends into dir: a kustomization is an
// Error (its files are kustomize's inputs, not the objects it renders: an
// overlay's partial patch read as an object replaces the base's whole
// object), and a Helm chart is skipped with a notice naming the command
// that renders it.
func (b *builder) enterDir(dir string) error {
	if k := KustomizationFile(dir); k != "" {
		b.errorAt(model.Source{File: k}, "", fmt.Sprintf(
			"this directory is a kustomization: its files are inputs to kustomize, not the objects it renders; use -k %s (as with kubectl apply -k)", dir))
		return filepath.SkipDir
	}
	if _, err := os.Stat(filepath.Join(dir, "Chart.yaml")); err == nil {
		b.walk.charts = append(b.walk.charts, dir)
		return filepath.SkipDir
	}
	return nil
}

// skipWalked reports whether a file met in a walk is skipped, and counts it.
func (b *builder) skipWalked(name string, data []byte) bool {
	r := classify(name, data)
	if r == readFile {
		return false
	}
	if b.walk.files == nil {
		b.walk.files = make(map[skipReason][]string)
	}
	b.walk.files[r] = append(b.walk.files[r], name)
	return true
}

// classify tells whether a file can hold Kubernetes objects. A file is a
// template when a line starts a Go template action outside a quoted YAML
// string and the file is not valid YAML (a ConfigMap may carry templates
// in block scalars, and those files are read); it holds no object when no
// document has both top-level apiVersion and kind keys. Empty files are
// read (they hold nothing, as before).
func classify(name string, data []byte) skipReason {
	if isJSON(name, data) {
		if bytes.Contains(data, []byte(`"apiVersion"`)) && bytes.Contains(data, []byte(`"kind"`)) {
			return readFile
		}
		return noObject
	}
	var apiVersion, kind, content, action bool
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(nil, len(data)+1)
	for sc.Scan() {
		line := sc.Text()
		t := strings.TrimSpace(line)
		if t == "" || t[0] == '#' || t == "---" || t == "..." {
			continue
		}
		content = true
		apiVersion = apiVersion || strings.HasPrefix(line, "apiVersion:") || line[0] == '{'
		kind = kind || strings.HasPrefix(line, "kind:") || line[0] == '{'
		action = action || strings.HasPrefix(t, "{{") || strings.Contains(t, ": {{") || strings.Contains(t, "- {{")
	}
	switch {
	case !content:
		return readFile
	case action && !validYAML(data):
		return helmTemplate
	case !apiVersion || !kind:
		return noObject
	}
	return readFile
}

func validYAML(data []byte) bool {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			return false
		}
	}
}

// summarizeWalk reports, once, what directory walks skipped.
func (b *builder) summarizeWalk() {
	for _, dir := range b.walk.charts {
		name := chartName(dir)
		b.notice(fmt.Sprintf("%s is a Helm chart (Chart.yaml), not read: render it with `helm template %s %s --namespace %s > %s.yaml` and read that file",
			dir, name, dir, b.opts.defaultNamespace, name))
	}
	total := 0
	var parts []string
	for _, r := range slices.Sorted(maps.Keys(b.walk.files)) {
		files := b.walk.files[r]
		total += len(files)
		shown := files[:min(3, len(files))]
		more := ""
		if len(files) > len(shown) {
			more = fmt.Sprintf(", and %d more", len(files)-len(shown))
		}
		parts = append(parts, fmt.Sprintf("%d %s: %s%s", len(files), r, strings.Join(shown, ", "), more))
	}
	if total == 0 {
		return
	}
	what := "files"
	if total == 1 {
		what = "file"
	}
	b.notice(fmt.Sprintf("skipped %d %s in directories that hold no Kubernetes objects: %s", total, what, strings.Join(parts, "; ")))
}

// chartName reads Chart.yaml's name, or uses the directory's.
func chartName(dir string) string {
	var c struct{ Name string }
	if data, err := os.ReadFile(filepath.Join(dir, "Chart.yaml")); err == nil && yaml.Unmarshal(data, &c) == nil && c.Name != "" && !strings.ContainsAny(c.Name, " \t\n'\"$`") {
		return c.Name
	}
	return filepath.Base(dir)
}
