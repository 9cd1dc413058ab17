package cli

import (
	"bytes"
	"errors"
	"io"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/lint"
)

// maxLineFile is the largest file whose findings get the line of their
// field: reading it again costs about as much as loading it did.
const maxLineFile = 16 << 20

// fieldLines moves each finding's line from the first line of its object
// to the line of its field (spec.ingress[0].from[1].podSelector), reading
// each YAML file with findings once. A file that cannot be read again, is
// too large, or where the path is not found keeps the object's line.
func fieldLines(fs []lint.Finding) {
	objects := map[string]map[int]*yaml.Node{} // file -> object line -> object
	for i := range fs {
		f := &fs[i]
		if f.Field == "" || f.Source.File == "" || f.Source.File == "-" || f.Source.Line < 1 {
			continue
		}
		byLine, ok := objects[f.Source.File]
		if !ok {
			byLine = readObjects(f.Source.File)
			objects[f.Source.File] = byLine
		}
		if n := byLine[f.Source.Line]; n != nil {
			f.Source.Line = fieldLine(n, f.Field)
		}
	}
}

// readObjects returns the mappings of a YAML file by line (documents and
// the items of Lists); nil when it cannot be read or is too large.
func readObjects(path string) map[int]*yaml.Node {
	st, err := os.Stat(path)
	if err != nil || !st.Mode().IsRegular() || st.Size() > maxLineFile {
		return nil
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	out := map[int]*yaml.Node{}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc yaml.Node
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) || err != nil {
			return out
		}
		for _, n := range doc.Content {
			addObjects(out, n)
		}
	}
}

// addObjects indexes n and, for a List, its items.
func addObjects(out map[int]*yaml.Node, n *yaml.Node) {
	if n.Kind != yaml.MappingNode {
		return
	}
	out[n.Line] = n
	if items := child(n, "items"); items != nil && items.Kind == yaml.SequenceNode {
		for _, it := range items.Content {
			addObjects(out, it)
		}
	}
}

// child returns the value of key k of mapping n, nil when absent.
func child(n *yaml.Node, k string) *yaml.Node {
	if n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i+1]
		}
	}
	return nil
}

// fieldLine follows a field path ("spec.ingress[0].from[1]") from object
// n and returns the line of the deepest part found.
func fieldLine(n *yaml.Node, path string) int {
	line := n.Line
	for _, part := range strings.Split(path, ".") {
		name, index, _ := strings.Cut(part, "[")
		v := child(n, name)
		if v == nil {
			return line
		}
		n, line = v, keyLine(n, name)
		if index == "" {
			continue
		}
		i, err := strconv.Atoi(strings.TrimSuffix(index, "]"))
		if err != nil || n.Kind != yaml.SequenceNode || i < 0 || i >= len(n.Content) {
			return line
		}
		n = n.Content[i]
		line = n.Line
	}
	return line
}

// keyLine is the line of key k in mapping n.
func keyLine(n *yaml.Node, k string) int {
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == k {
			return n.Content[i].Line
		}
	}
	return n.Line
}
