package manifest

import (
	"cmp"
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// stdinName names standard input in diagnostics.
const stdinName = "<stdin>"

// Load reads each source in order: a file, a directory (walked recursively
// for *.yaml, *.yml and *.json files, in lexical order), or "-" for the
// reader given WithStdin. Later objects replace earlier ones with the same
// kind, namespace and name.
//
// It returns the cluster and every diagnostic. If any diagnostic is an
// Error, the cluster is nil and the error is a *model.InputError listing
// them; if ctx is done, the error is ctx.Err().
func Load(ctx context.Context, sources []string, opts ...Option) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(opts))
	for _, src := range sources {
		if err := b.load(ctx, src); err != nil {
			return nil, b.diags, err
		}
	}
	return b.finish()
}

// Decode is Load for one in-memory stream of YAML documents or JSON values;
// name is used in diagnostics (and its extension, if any, decides between
// YAML and JSON; otherwise a stream starting with '{' is JSON).
func Decode(name string, data []byte, opts ...Option) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(opts))
	b.decode(name, data)
	return b.finish()
}

func (b *builder) load(ctx context.Context, src string) error {
	b.input++ // each source is one input (inputs.go)
	if err := ctx.Err(); err != nil {
		return err
	}
	if src == "-" {
		b.loadStdin()
		return nil
	}
	info, err := os.Stat(src)
	if err != nil {
		b.ioError(src, err)
		return nil
	}
	if !info.IsDir() {
		b.loadFile(src, true)
		return nil
	}
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			b.ioError(path, err)
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			return b.enterDir(path) // walk.go: kustomizations, Helm charts
		}
		if !isManifestName(path) {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				b.diags = append(b.diags, model.Diagnostic{Severity: model.Warning,
					Source: model.Source{File: path}, Message: "symbolic link to a directory not followed"})
				return nil
			}
		}
		b.walking = true // walk.go: files that are not objects are skipped
		b.loadFile(path, false)
		b.walking = false
		return nil
	})
}

// decodeYAML reads a YAML stream document by document, and large Lists
// item by item (yamldoc.go, yamllist.go).
func (b *builder) decodeYAML(name string, data []byte) {
	splitAt := cmp.Or(b.listSplit, listSplitSize)
	listOK := false // the List whose items come is read
	yamlDocuments(data, splitAt, func(p yamlPart) {
		switch p.kind {
		case partError:
			b.errorAt(model.Source{File: name, Line: p.line}, "", "invalid YAML: "+p.err.Error())
		case partListHead:
			listOK = b.addListHead(name, p.root)
		case partListItem:
			if listOK {
				b.addDocument(name, p.root, 1)
			}
		default:
			b.addDocument(name, p.root, 0)
		}
	})
}

// addListHead reads the head of a List whose items come separately, as
// addDocument reads a List; false when its items are not to be read.
func (b *builder) addListHead(file string, n *yaml.Node) bool {
	src := model.Source{File: file, Line: n.Line}
	if !b.takeDocument(src) {
		return false
	}
	_, _, ok := b.typeMeta(src, n)
	return ok
}

// isManifestName reports whether a directory walk reads the file.
func isManifestName(path string) bool {
	switch strings.ToLower(filepath.Ext(path)) {
	case ".yaml", ".yml", ".json":
		return true
	}
	return false
}

// decode reads one stream of documents.
func (b *builder) decode(name string, data []byte) {
	data = toUTF8(data)
	if b.walking && b.skipWalked(name, data) {
		return
	}
	// The JSON of a stream's objects may not be much larger than the
	// stream: YAML aliases can expand exponentially.
	b.expand = min(1<<20+16*len(data), 1<<28)
	b.docs = 16 + len(data)/4 // an alias to an object takes at least 4 bytes
	if !b.served && !isJSON(name, data) {
		b.decodeYAML(name, data)
		return
	}
	if b.decodeJSONFast(name, data) || b.decodeJSONList(name, data) || b.hugeJSONValue(name, data) {
		return
	}
	line, err := jsonDocuments(data, func(root *yaml.Node) { b.addDocument(name, root, 0) })
	if err != nil {
		b.errorAt(model.Source{File: name, Line: line}, "", "invalid JSON: "+err.Error())
	}
}
