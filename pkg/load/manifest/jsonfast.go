package manifest

import (
	"bytes"
	"cmp"
	"encoding/json"
	"strings"

	sigsjson "sigs.k8s.io/json"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// decodeJSONFast reads a stream of JSON objects without a yaml.Node tree
// per object: each object's bytes go to the typed decoder as they are, and
// the tree (which gives field lines) is built only when a diagnostic needs
// one. The answers and diagnostics are those of the exact path
// (jsonDocuments then addDocument), which reads what is not plain.
// With more than one core, the stream is checked in pieces at once
// (jsonValues) and workers decode objects ahead of the builder
// (readahead.go); neither changes an answer.
//
// It returns false, having read nothing, when the stream is not plain:
// invalid JSON, a value that is not an object, a number that is not an
// integer of at most 18 digits (the exact path rewrites such numbers as
// goyaml would), or nesting near maxDepth.
func (b *builder) decodeJSONFast(name string, data []byte) bool {
	procs := b.procs()
	spans, ok := jsonValues(data, scanPieces(data, procs))
	if !ok {
		return false
	}
	ahead := startReadAhead(data, spans, procs-1)
	defer ahead.close()
	lc := lineCounter{data: data, line: 1}
	for i, sp := range spans {
		b.addJSON(name, data, sp, &lc, 0, ahead.take(i))
	}
	return true
}

// jsonHead is what addDocument reads of an object before decoding it.
type jsonHead struct {
	apiVersion, kind, name, namespace string
	items                             []byte // the items value, nil when absent
	itemsAt                           int    // its offset in the object
}

// peekJSON reads an object's head; false when it is not plain (apiVersion
// or kind missing or not a non-empty string, a name or namespace that is
// not a string): the exact path reports or reads it.
func peekJSON(raw []byte) (jsonHead, bool) {
	var h jsonHead
	ok, seen := true, 0
	members(raw, 0, func(key string, start, end int) {
		v := raw[start:end]
		switch key {
		case "apiVersion":
			ok = headString(v, &h.apiVersion, true) && ok
			seen |= 1
		case "kind":
			ok = headString(v, &h.kind, true) && ok
			seen |= 2
		case "items":
			h.items, h.itemsAt = v, start
		case "metadata":
			ok = h.metadata(v) && ok
		}
	})
	return h, ok && seen == 3
}

// metadata reads name and namespace (the last metadata wins, as in
// mapValue; a metadata that is no object names nothing).
func (h *jsonHead) metadata(v []byte) bool {
	h.name, h.namespace = "", ""
	if v[0] != '{' {
		return true
	}
	ok := true
	members(v, 0, func(k string, s, e int) {
		switch k {
		case "name":
			ok = headString(v[s:e], &h.name, false) && ok
		case "namespace":
			ok = headString(v[s:e], &h.namespace, false) && ok
		}
	})
	return ok
}

// headString reads a string (or, unless needed, null) into out; false
// when the value is of another type, not valid UTF-8, or needed and empty.
func headString(v []byte, out *string, needed bool) bool {
	switch {
	case v[0] == '"':
		s, good := unquote(v)
		*out = s
		return good && (s != "" || !needed)
	case v[0] == 'n' && !needed:
		*out = ""
		return true
	}
	return false
}

// addJSON is addDocument for the object at data[sp[0]:sp[1]], of which
// pre, when not nil, is what a worker read ahead (readahead.go).
func (b *builder) addJSON(file string, data []byte, sp [2]int, lc *lineCounter, depth int, pre *preread) {
	raw := data[sp[0]:sp[1]]
	line := lc.at(sp[0])
	h, ok := pre.headOf(raw)
	list := ok && strings.HasSuffix(h.kind, "List") && h.items != nil
	if !ok || list && (h.items[0] != '[' && h.items[0] != 'n' || depth >= maxListDepth) {
		b.addDocument(file, jsonTree(raw, line), depth)
		return
	}
	if !b.takeDocument(model.Source{File: file, Line: line}) {
		return
	}
	if list {
		if h.items[0] == '[' {
			b.addJSONItems(file, data, sp[0]+h.itemsAt, h.items, lc, depth+1, true)
		}
		return
	}
	group, version := splitAPIVersion(h.apiVersion)
	hd, known := handlerFor(group, version, h.kind)
	if !known {
		b.skip(h.apiVersion, h.kind)
		return
	}
	o := &object{b: b, file: file, raw: raw, line: line, apiVersion: h.apiVersion, kind: h.kind, name: h.name,
		conv: &converter{buf: b.scratch[:0], limit: max(b.expand, 1<<20)}}
	if !clusterScoped(h.kind) {
		o.namespace = cmp.Or(h.namespace, b.opts.defaultNamespace)
	}
	if pre != nil {
		o.typed = pre.typed
	}
	hd(o)
	if cap(o.conv.buf) <= 1<<20 {
		b.scratch = o.conv.buf[:0]
	}
}

// addJSONItems adds the items of a List (the array at data[base:]).
// plain says the List is plain; else each item is checked, and one that
// is not plain is read through its tree.
func (b *builder) addJSONItems(file string, data []byte, base int, items []byte, lc *lineCounter, depth int, plain bool) {
	for i := skipSpace(items, 1); i < len(items) && items[i] != ']'; {
		end := skipValue(items, i)
		if items[i] == '{' && (plain || plainJSON(items[i:end])) {
			b.addJSON(file, data, [2]int{base + i, base + end}, lc, depth, nil)
		} else {
			b.addDocument(file, jsonTree(items[i:end], lc.at(base+i)), depth)
		}
		if i = skipSpace(items, end); i < len(items) && items[i] == ',' {
			i = skipSpace(items, i+1)
		}
	}
}

// decodeRaw decodes a fast-path object from its bytes, or takes the value
// a worker decoded (readahead.go). It returns false when the object has no
// bytes or they do not decode cleanly: decodeAs then reads it from its
// tree, which locates every error.
func decodeRaw[T any](o *object, strict bool) (*T, bool) {
	if o.raw == nil || o.node != nil {
		return nil, false
	}
	o.b.expand -= len(o.raw)
	tv := o.typed
	o.typed = typedValue{}
	if _, ok := tv.v.(*T); !ok || tv.strict != strict {
		tv = unmarshalTyped[T](o.raw, strict)
	}
	if tv.err != nil {
		o.tree()
		return nil, false
	}
	o.strictWarnings(tv.warnings)
	return tv.v.(*T), true
}

// unmarshalTyped decodes raw into a new T as the API server would,
// case-sensitively; with strict set, unknown and duplicate fields are
// returned as warnings. Strict decodes of the common shapes take the fast
// path (typedfast.go), which gives the same value.
func unmarshalTyped[T any](raw []byte, strict bool) typedValue {
	if strict {
		if v, ok := fastTyped[T](raw); ok {
			return typedValue{v: v, strict: true}
		}
	}
	v := new(T)
	tv := typedValue{v: v, strict: strict}
	if strict {
		tv.warnings, tv.err = sigsjson.UnmarshalStrict(raw, v)
	} else {
		tv.err = sigsjson.UnmarshalCaseSensitivePreserveInts(raw, v)
	}
	return tv
}

// jsonTree is the node tree of a valid JSON object whose first byte is on
// line line, as jsonDocuments builds it.
func jsonTree(raw []byte, line int) *yaml.Node {
	r := &jsonReader{dec: json.NewDecoder(bytes.NewReader(raw)), data: raw, line: line}
	r.dec.UseNumber()
	n, err := r.value(0)
	if err != nil { // cannot happen: the stream was validated
		return &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: line}
	}
	return n
}

// lineCounter returns the line of byte offsets, counting newlines once
// for offsets that only grow.
type lineCounter struct {
	data      []byte
	pos, line int
}

func (l *lineCounter) at(off int) int {
	if off < l.pos {
		l.pos, l.line = 0, 1
	}
	l.line += bytes.Count(l.data[l.pos:off], []byte{'\n'})
	l.pos = off
	return l.line
}
