package manifest

import (
	"encoding/base64"
	"fmt"
	"strconv"

	"go.yaml.in/yaml/v3"
)

// maxDepth bounds the nesting of one object (Kubernetes objects nest a few
// dozen levels; deeper input is an attack or an accident).
const maxDepth = 1000

// converter turns a yaml.Node tree into JSON the way kubectl does
// (sigs.k8s.io/yaml over goyaml v2, i.e. YAML 1.1 scalars), so that the typed
// decoder sees what the API server would see.
//
// With track set it also records, for every value, its field path, line and
// byte span in the output; that costs a string per node, so it runs only when
// a diagnostic needs a line.
type converter struct {
	buf   []byte
	limit int // output size limit: guards against alias expansion bombs
	// nulls are nodes emitted as null because a type error was already
	// reported for them (so decoding can go on and report the next one).
	nulls  map[*yaml.Node]bool
	active map[*yaml.Node]bool // alias and merge targets being expanded (cycle guard)
	// open are the mappings and sequences being emitted, outermost
	// first: an alias or merge key naming one of them is a cycle.
	open  []*yaml.Node
	steps int // nodes visited, bounded by limit too
	err   *convError
	// boolKeys are mapping keys read as booleans (y: becomes "true":);
	// collected with their paths when tracking.
	boolKeys    []convError
	hasBoolKeys bool

	track bool
	lines map[string]int
	spans []span
}

// span is one emitted value: output bytes [start, end).
type span struct {
	start, end int
	node       *yaml.Node
	path       string
}

// convError is a structural problem that stops the conversion of an object.
type convError struct {
	path   string
	line   int
	msg    string
	tooBig bool // the output limit was hit: a path would cost another expansion
}

// run converts n and returns the JSON (valid until the next run) or the
// first structural error.
func (c *converter) run(n *yaml.Node) ([]byte, *convError) {
	c.buf = c.buf[:0]
	c.err = nil
	c.steps = 0
	c.boolKeys = c.boolKeys[:0]
	c.spans = c.spans[:0]
	c.open = c.open[:0]
	c.emit(n, "", 0)
	return c.buf, c.err
}

// index runs a tracking conversion: it fills lines (kept across runs, first
// line wins) and spans (for the current output).
func (c *converter) index(n *yaml.Node) []byte {
	if c.lines == nil {
		c.lines = make(map[string]int)
	}
	c.track = true
	out, _ := c.run(n)
	c.track = false
	return out
}

func (c *converter) fail(n *yaml.Node, path, format string, args ...any) {
	if c.err == nil {
		c.err = &convError{path: path, line: n.Line, msg: fmt.Sprintf(format, args...)}
	}
}

func (c *converter) emit(n *yaml.Node, path string, depth int) {
	if c.err != nil {
		return
	}
	if depth > maxDepth {
		c.fail(n, path, "nested more than %d levels deep", maxDepth)
		return
	}
	if c.steps++; len(c.buf) > c.limit || c.steps > c.limit {
		c.fail(n, path, "expands to more than %d bytes of JSON (YAML aliases?)", c.limit)
		c.err.tooBig = true
		return
	}
	if c.track {
		if _, ok := c.lines[path]; !ok {
			c.lines[path] = n.Line
		}
	}
	start := len(c.buf)
	switch {
	case c.nulls[n]:
		c.buf = append(c.buf, "null"...)
	case n.Kind == yaml.AliasNode:
		c.alias(n, path, depth)
		return // the target records its own span
	case n.Kind == yaml.DocumentNode && len(n.Content) == 1:
		c.emit(n.Content[0], path, depth+1)
		return
	case n.Kind == yaml.MappingNode:
		c.open = append(c.open, n)
		c.mapping(n, path, depth)
		c.open = c.open[:len(c.open)-1]
	case n.Kind == yaml.SequenceNode:
		c.open = append(c.open, n)
		c.sequence(n, path, depth)
		c.open = c.open[:len(c.open)-1]
	case n.Kind == yaml.ScalarNode:
		c.scalar(n, path)
	default:
		c.buf = append(c.buf, "null"...)
	}
	if c.track {
		c.spans = append(c.spans, span{start: start, end: len(c.buf), node: n, path: path})
	}
}

func (c *converter) alias(n *yaml.Node, path string, depth int) {
	t := n.Alias
	if t == nil {
		c.buf = append(c.buf, "null"...)
		return
	}
	if c.active[t] || c.isOpen(t) {
		c.fail(n, path, "YAML alias *%s refers to a node that contains it", n.Value)
		return
	}
	if c.active == nil {
		c.active = make(map[*yaml.Node]bool)
	}
	c.active[t] = true
	c.emit(t, path, depth+1)
	delete(c.active, t)
}

// isOpen reports whether n is being emitted (an ancestor of the value
// being emitted). Nesting is shallow, so a scan is cheap.
func (c *converter) isOpen(n *yaml.Node) bool {
	for _, o := range c.open {
		if o == n {
			return true
		}
	}
	return false
}

func (c *converter) sequence(n *yaml.Node, path string, depth int) {
	c.buf = append(c.buf, '[')
	for i, item := range n.Content {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		p := ""
		if c.track {
			p = indexPath(path, i)
		}
		c.emit(item, p, depth+1)
	}
	c.buf = append(c.buf, ']')
}

func (c *converter) mapping(n *yaml.Node, path string, depth int) {
	entries := c.entries(n, path, depth)
	c.buf = append(c.buf, '{')
	for i, e := range entries {
		if i > 0 {
			c.buf = append(c.buf, ',')
		}
		c.buf = appendString(c.buf, e.key)
		c.buf = append(c.buf, ':')
		p := ""
		if c.track {
			p = childPath(path, e.key)
		}
		c.emit(e.value, p, depth+1)
	}
	c.buf = append(c.buf, '}')
}

// key returns a mapping key as a JSON object key. goyaml v2 reads plain
// y/yes/on... keys as booleans, which sigs.k8s.io/yaml writes as "true" or
// "false".
func (c *converter) key(k *yaml.Node, path string) (string, bool) {
	k = resolveAlias(k)
	if k.Kind != yaml.ScalarNode {
		c.fail(k, path, "a mapping key must be a string, not a %s", kindName(k))
		return "", false
	}
	b, ok := yaml11Bool(k)
	if !ok {
		return k.Value, true
	}
	key := strconv.FormatBool(b)
	if key != k.Value {
		c.hasBoolKeys = true
		if c.track {
			c.boolKeys = append(c.boolKeys, convError{path: childPath(path, key), line: k.Line,
				msg: fmt.Sprintf("unquoted YAML key %s is read as the boolean %s (YAML 1.1, as kubectl reads it); quote it if you meant %q", k.Value, key, k.Value)})
		}
	}
	return key, true
}

func (c *converter) scalar(n *yaml.Node, path string) {
	if b, ok := yaml11Bool(n); ok {
		c.buf = strconv.AppendBool(c.buf, b)
		return
	}
	switch n.ShortTag() {
	case "!!null":
		c.buf = append(c.buf, "null"...)
		return
	case "!!bool":
		if b, err := strconv.ParseBool(n.Value); err == nil {
			c.buf = strconv.AppendBool(c.buf, b)
			return
		}
	case "!!int", "!!float":
		if num, ok := jsonNumber(n.Value); ok {
			c.buf = append(c.buf, num...)
			return
		}
	case "!!binary":
		c.binary(n, path)
		return
	}
	c.buf = appendString(c.buf, n.Value)
}

// binary writes a !!binary scalar as kubectl does: goyaml v2 decodes its
// base64 (line breaks ignored) into a string of the decoded bytes, which
// sigs.k8s.io/yaml then writes as a JSON string (invalid UTF-8 becoming
// U+FFFD), and fails on invalid base64. So `key: !!binary aGVsbG8=` is
// "hello" to the API server.
// https://github.com/kubernetes-sigs/yaml/blob/master/goyaml.v2/decode.go (decoder.scalar)
func (c *converter) binary(n *yaml.Node, path string) {
	data, err := base64.StdEncoding.DecodeString(n.Value)
	if err != nil {
		c.fail(n, path, "!!binary value contains invalid base64 data")
		return
	}
	c.buf = appendString(c.buf, string(data))
}

// resolveAlias follows aliases (bounded: the parser never builds chains of
// aliases to aliases, but be safe).
func resolveAlias(n *yaml.Node) *yaml.Node {
	for i := 0; i < 100 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

func kindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "sequence"
	case yaml.ScalarNode:
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return "empty node"
}
