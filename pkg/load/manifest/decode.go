package manifest

import (
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
	sigsjson "sigs.k8s.io/json"

	"github.com/podreach/podreach/pkg/model"
)

// maxTypeErrors bounds the type errors reported for one object (each one
// costs a decode).
const maxTypeErrors = 20

// object is one Kubernetes object being read: its node, identity, and what
// diagnostics about it need (field lines, fields already reported).
type object struct {
	b          *builder
	file       string
	node       *yaml.Node
	apiVersion string
	kind       string
	namespace  string // from metadata (defaulted for namespaced kinds)
	name       string
	conv       *converter
	bad        []string // fields with a reported decode error
	line       int      // the line of the object's first byte
	// raw is the object's JSON when the fast JSON path read it (jsonfast.go);
	// node is then built from it only when a diagnostic needs a line.
	raw []byte
	// typed is raw decoded ahead by a worker, for decodeRaw.
	typed typedValue
}

// tree returns the object's node, building it from raw on first use.
func (o *object) tree() *yaml.Node {
	if o.node == nil {
		o.node = jsonTree(o.raw, o.line)
	}
	return o.node
}

func (o *object) source() model.Source {
	if o.b.served {
		return model.Source{File: o.file}
	}
	return model.Source{File: o.file, Line: o.line}
}

// id names the object as diagnostics do: "Kind ns/name" or "Kind name".
func (o *object) id() string {
	if o.namespace == "" {
		return o.kind + " " + o.name
	}
	return o.kind + " " + o.namespace + "/" + o.name
}

// lineOf returns the line of a field, of its closest ancestor that has one,
// or of the object.
func (o *object) lineOf(field string) int {
	if o.conv.lines == nil {
		o.conv.index(o.tree())
	}
	for f := field; f != ""; f = parentPath(f) {
		if l, ok := o.conv.lines[f]; ok && l > 0 {
			return l
		}
	}
	return o.line
}

func (o *object) report(sev model.Severity, field string, line int, msg string) {
	if sev == model.Error {
		for _, b := range o.bad {
			if field == b || strings.HasPrefix(field, b+".") || strings.HasPrefix(field, b+"[") {
				return // already reported as undecodable
			}
		}
	}
	if line == 0 {
		line = o.lineOf(field)
	}
	if o.b.served {
		line = 0
	}
	o.b.diags = append(o.b.diags, model.Diagnostic{
		Severity: sev,
		Source:   model.Source{File: o.file, Line: line},
		Object:   o.id(),
		Field:    field,
		Message:  msg,
	})
}

func (o *object) errorf(field, format string, args ...any) {
	o.report(model.Error, field, 0, fmt.Sprintf(format, args...))
}

func (o *object) warnf(field, format string, args ...any) {
	o.report(model.Warning, field, 0, fmt.Sprintf(format, args...))
}

// decodeAs decodes the object into a new T as the API server would,
// case-sensitively. With strict set, unknown and duplicate fields become
// warnings. Each type error is reported on its field and that value is then
// read as null, so one pass reports them all. It returns nil when the object
// cannot be decoded at all.
func decodeAs[T any](o *object, strict bool) *T {
	if v, ok := decodeRaw[T](o, strict); ok {
		return v
	}
	work := 0
	for attempt := 0; ; attempt++ {
		data, cerr := o.conv.run(o.tree())
		if attempt == 0 && o.raw == nil {
			o.b.expand -= len(data)
		}
		if cerr != nil {
			o.convError(cerr)
			return nil
		}
		tv := unmarshalTyped[T](data, strict)
		if tv.err == nil {
			o.boolKeyWarnings()
			o.strictWarnings(tv.warnings)
			return tv.v.(*T)
		}
		// Each retry converts the object twice more: bound the work for
		// objects that expand through aliases.
		if work += 2 * len(data); attempt >= maxTypeErrors || work > 1<<20+8*len(data) {
			o.errorf("", "more values of the wrong type; fix these and run again")
			return nil
		}
		if !o.typeError(tv.err) {
			return nil
		}
	}
}

// convError reports a structural error; unless it is about size, a
// tracking run names its field.
func (o *object) convError(cerr *convError) {
	if !cerr.tooBig {
		o.conv.index(o.tree())
		cerr = cmp.Or(o.conv.err, cerr)
	}
	o.report(model.Error, cerr.path, cerr.line, cerr.msg)
}

// boolKeyWarnings warns about keys like y: or on:, which kubectl turns
// into "true" and "false".
func (o *object) boolKeyWarnings() {
	if !o.conv.hasBoolKeys {
		return
	}
	o.conv.index(o.tree())
	for _, k := range o.conv.boolKeys {
		o.report(model.Warning, k.path, k.line, k.msg)
	}
}

func (o *object) strictWarnings(warnings []error) {
	for _, w := range warnings {
		field := ""
		var fe sigsjson.FieldError
		if errors.As(w, &fe) {
			field = fe.FieldPath()
		}
		msg := "unknown field (ignored)"
		if strings.HasPrefix(w.Error(), "duplicate field") {
			msg = "duplicate field (the last value is used)"
		}
		o.warnf(field, "%s", msg)
	}
}

// typeError reports a decode error. It returns true when the error was
// located on one value, which is then nulled so decoding can go on.
func (o *object) typeError(err error) bool {
	var te *json.UnmarshalTypeError
	if !errors.As(err, &te) {
		o.errorf("", "%s", strings.TrimPrefix(err.Error(), "json: "))
		return false
	}
	data := o.conv.index(o.tree())
	sp, ok := locate(o.conv.spans, te)
	msg := ""
	if ok {
		msg = typeMessage(sp.node, te, false)
	} else if sp, ok = locateByField(data, o.conv.spans, te); ok {
		// An UnmarshalJSON method (IntOrString, Quantity, Time) failed;
		// all of them take a string.
		msg = typeMessage(sp.node, te, true)
	} else {
		o.errorf(te.Field, "%s", typeMessage(nil, te, false))
		return false
	}
	o.report(model.Error, sp.path, sp.node.Line, msg)
	o.bad = append(o.bad, sp.path)
	if o.conv.nulls == nil {
		o.conv.nulls = make(map[*yaml.Node]bool)
	}
	o.conv.nulls[sp.node] = true
	return true
}

// locate finds the value a type error is about. The decoder reports a
// literal at its end offset, an object or array just after its opening
// bracket; the innermost span that fits exactly is the one.
func locate(spans []span, te *json.UnmarshalTypeError) (span, bool) {
	off := int(te.Offset)
	container := te.Value == "object" || te.Value == "array"
	for _, s := range spans { // children come before their parents
		if container && off == s.start+1 && s.node.Kind != yaml.ScalarNode {
			return s, true
		}
		if !container && off == s.end && s.node.Kind == yaml.ScalarNode {
			return s, true
		}
	}
	return span{}, false
}

// locateByField finds the value an UnmarshalJSON method failed on: its
// error's offset is relative to that value, and its field path has no list
// indices. Every value of that field and JSON type fails the same way, so
// the first in document order is the one.
func locateByField(data []byte, spans []span, te *json.UnmarshalTypeError) (span, bool) {
	want := te.Value
	if strings.HasPrefix(want, "number") {
		want = "number"
	}
	for _, s := range spans {
		if s.node.Kind == yaml.ScalarNode && s.end > s.start && jsonType(data[s.start]) == want && withoutIndices(s.path) == te.Field {
			return s, true
		}
	}
	return span{}, false
}

// jsonType names the type of the JSON value starting with b as
// UnmarshalTypeError does.
func jsonType(b byte) string {
	switch {
	case b == 't' || b == 'f':
		return "bool"
	case b == '"':
		return "string"
	case b == 'n':
		return "null"
	}
	return "number"
}

// typeMessage explains a type error, with the YAML 1.1 and unquoted-number
// traps spelled out. takesString says the field also takes a string.
func typeMessage(n *yaml.Node, te *json.UnmarshalTypeError, takesString bool) string {
	wantString := takesString || te.Type != nil && te.Type.Kind() == reflect.String
	if n != nil && wantString && n.Kind == yaml.ScalarNode && n.Style == 0 {
		if _, ok := yaml11Bool(n); ok {
			if strings.EqualFold(n.Value, "true") || strings.EqualFold(n.Value, "false") {
				return fmt.Sprintf("unquoted YAML value %s is read as a boolean; quote it: %q", n.Value, n.Value)
			}
			return fmt.Sprintf("unquoted YAML value %s is read as a boolean (YAML 1.1, as kubectl reads it); quote it: %q", n.Value, n.Value)
		}
		if strings.HasPrefix(te.Value, "number") {
			return fmt.Sprintf("unquoted YAML value %s is read as a number; quote it: %q", n.Value, n.Value)
		}
	}
	return fmt.Sprintf("expected %s, got %s", typeDesc(te.Type), valueDesc(te.Value))
}

func typeDesc(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "a boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "an integer"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping"
	}
	return t.String()
}

func valueDesc(v string) string {
	switch {
	case v == "bool":
		return "a boolean"
	case v == "string":
		return "a string"
	case v == "object":
		return "a mapping"
	case v == "array":
		return "a list"
	case strings.HasPrefix(v, "number"):
		return v
	}
	return v
}
