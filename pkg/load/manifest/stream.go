package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// isJSON decides how to parse a stream: by extension, else by sniffing
// (a stream whose first non-space byte is '{' is JSON).
func isJSON(name string, data []byte) bool {
	switch strings.ToLower(filepath.Ext(name)) {
	case ".json":
		return true
	case ".yaml", ".yml":
		return false
	}
	t := bytes.TrimLeft(data, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// decodeYAML is dec.Decode, turning the parser's internal panics (it has a
// few "please report" ones) into errors: library code never panics on input.
func decodeYAML(dec *yaml.Decoder, n *yaml.Node) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("YAML parser failed: %v", r)
		}
	}()
	return dec.Decode(n)
}

// docRoot returns a document's content, or nil for an empty document (no
// content, or only a null, as comment-only documents are).
func docRoot(doc *yaml.Node) *yaml.Node {
	n := doc
	if n.Kind == yaml.DocumentNode {
		if len(n.Content) == 0 {
			return nil
		}
		n = n.Content[0]
	}
	if n.Kind == 0 || n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	return n
}

// yamlErrorLine splits "yaml: line 7: did not find expected key" into 7 and
// an error without the prefix. The parser omits the line when its (0-based)
// mark is 0, i.e. on line 1; errors about anchors have no position at all.
func yamlErrorLine(msg string) (int, error) {
	msg = strings.TrimPrefix(msg, "yaml: ")
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, tail, ok := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(num); ok && err == nil {
			return n, errors.New(tail)
		}
	}
	if strings.Contains(msg, "anchor") {
		return 0, errors.New(msg)
	}
	return 1, errors.New(msg)
}

// jsonLiteral marks scalars read from JSON (FlowStyle means nothing for a
// scalar): their type is explicit, so they are never YAML 1.1 booleans nor
// "unquoted" in messages.
const jsonLiteral = yaml.FlowStyle

// jsonReader turns a stream of JSON values into yaml.Node trees with line
// numbers, so that JSON input gets the same treatment (and field lines) as
// YAML. Strings are double-quoted scalars, so no YAML 1.1 reading applies.
type jsonReader struct {
	dec  *json.Decoder
	data []byte
	pos  int // lines counted up to here
	line int // line at pos
}

// jsonDocuments calls fn with every top-level value of a JSON stream.
func jsonDocuments(data []byte, fn func(*yaml.Node)) (line int, err error) {
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(data)), data: data, line: 1}
	r.dec.UseNumber()
	for {
		n, err := r.value(0)
		if errors.Is(err, io.EOF) {
			return 0, nil
		}
		if err != nil {
			return r.lineAt(r.start()), err
		}
		fn(n)
	}
}

// start returns the offset of the next token: the decoder's offset past
// whitespace and separators.
func (r *jsonReader) start() int {
	off := int(r.dec.InputOffset())
	for off < len(r.data) && strings.IndexByte(" \t\r\n,:", r.data[off]) >= 0 {
		off++
	}
	return off
}

// lineAt returns the line of offset off; offsets only grow, so counting is
// linear overall.
func (r *jsonReader) lineAt(off int) int {
	if off > len(r.data) {
		off = len(r.data)
	}
	if off > r.pos {
		r.line += bytes.Count(r.data[r.pos:off], []byte{'\n'})
		r.pos = off
	}
	return r.line
}

func (r *jsonReader) value(depth int) (*yaml.Node, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("nested more than %d levels deep", maxDepth)
	}
	line := r.lineAt(r.start())
	tok, err := r.dec.Token()
	if err != nil {
		return nil, unexpectedEOF(err, depth)
	}
	n := &yaml.Node{Line: line}
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return n, r.object(n, depth)
		}
		return n, r.array(n, depth)
	case string:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", t, yaml.DoubleQuotedStyle
	case json.Number:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!int", string(t), jsonLiteral
		if strings.ContainsAny(string(t), ".eE") {
			n.Tag = "!!float"
		}
	case bool:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!bool", strconv.FormatBool(t), jsonLiteral
	default:
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!null", "null", jsonLiteral
	}
	return n, nil
}

func (r *jsonReader) object(n *yaml.Node, depth int) error {
	n.Kind, n.Tag = yaml.MappingNode, "!!map"
	for r.dec.More() {
		k, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		v, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		n.Content = append(n.Content, k, v)
	}
	_, err := r.dec.Token() // '}'
	return unexpectedEOF(err, depth+1)
}

func (r *jsonReader) array(n *yaml.Node, depth int) error {
	n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
	for r.dec.More() {
		v, err := r.value(depth + 1)
		if err != nil {
			return err
		}
		n.Content = append(n.Content, v)
	}
	_, err := r.dec.Token() // ']'
	return unexpectedEOF(err, depth+1)
}

// unexpectedEOF turns EOF inside a value into an error: only the end of a
// top-level value may end the stream.
func unexpectedEOF(err error, depth int) error {
	if depth > 0 && errors.Is(err, io.EOF) {
		return io.ErrUnexpectedEOF
	}
	return err
}
