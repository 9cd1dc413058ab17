package synth

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"

	"github.com/podreach/podreach/pkg/model"
)

// Format is a manifest format Write can produce.
type Format uint8

// Formats.
const (
	FormatUnknown Format = iota
	FormatYAML           // YAML documents in block style
	FormatJSON           // a stream of JSON objects, one per line
)

func (f Format) String() string {
	switch f {
	case FormatYAML:
		return "yaml"
	case FormatJSON:
		return "json"
	}
	return "unknown"
}

// ParseFormat parses "yaml" or "json".
func ParseFormat(s string) (Format, error) {
	switch s {
	case "yaml", "yml":
		return FormatYAML, nil
	case "json":
		return FormatJSON, nil
	}
	return FormatUnknown, fmt.Errorf("unknown format %q (want yaml or json)", s)
}

// Write writes the objects of c (see Objects) to w.
func Write(w io.Writer, c *model.Cluster, f Format) error {
	if f != FormatYAML && f != FormatJSON {
		return fmt.Errorf("unknown format %v", f)
	}
	bw := bufio.NewWriterSize(w, 1<<16)
	for i, o := range Objects(c) {
		data, err := json.Marshal(o)
		if err != nil {
			return err
		}
		if f == FormatJSON {
			bw.Write(data)
			bw.WriteByte('\n')
			continue
		}
		if i > 0 {
			bw.WriteString("---\n")
		}
		if err := jsonToYAML(bw, data); err != nil {
			return err
		}
	}
	return bw.Flush()
}

// jsonToYAML writes one JSON value as block-style YAML.
func jsonToYAML(w *bufio.Writer, data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	y := yamlWriter{w: w, dec: dec}
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("not an object: %v", tok)
	}
	return y.mapping(0, true)
}

type yamlWriter struct {
	w   *bufio.Writer
	dec *json.Decoder
}

// value writes a value whose key (or "- ") is already written; inline
// says the cursor is after "- " (a mapping may start on that line).
func (y *yamlWriter) value(tok json.Token, indent int, inline bool) error {
	switch t := tok.(type) {
	case json.Delim:
		if t == '{' {
			return y.mapping(indent, inline)
		}
		return y.sequence(indent)
	case string:
		y.w.WriteString(" ")
		y.scalar(t)
	case json.Number:
		y.w.WriteString(" " + t.String())
	case bool:
		y.w.WriteString(" " + strconv.FormatBool(t))
	default:
		y.w.WriteString(" null")
	}
	y.w.WriteByte('\n')
	return nil
}

func (y *yamlWriter) scalar(s string) {
	if yamlPlain(s) {
		y.w.WriteString(s)
		return
	}
	b, _ := json.Marshal(s) // a JSON string is a valid double-quoted YAML scalar
	y.w.Write(b)
}

func (y *yamlWriter) mapping(indent int, inline bool) error {
	if !y.dec.More() {
		y.dec.Token()
		y.w.WriteString(" {}\n")
		return nil
	}
	first := true
	for y.dec.More() {
		k, err := y.dec.Token()
		if err != nil {
			return err
		}
		switch {
		case first && inline:
		case first:
			y.w.WriteByte('\n')
			y.pad(indent)
		default:
			y.pad(indent)
		}
		first = false
		y.scalar(k.(string))
		y.w.WriteByte(':')
		v, err := y.dec.Token()
		if err != nil {
			return err
		}
		if err := y.value(v, indent+2, false); err != nil {
			return err
		}
	}
	_, err := y.dec.Token()
	return err
}

func (y *yamlWriter) sequence(indent int) error {
	if !y.dec.More() {
		y.dec.Token()
		y.w.WriteString(" []\n")
		return nil
	}
	y.w.WriteByte('\n')
	for y.dec.More() {
		v, err := y.dec.Token()
		if err != nil {
			return err
		}
		y.pad(indent)
		y.w.WriteByte('-')
		if d, ok := v.(json.Delim); ok && d == '{' {
			y.w.WriteByte(' ')
			if err := y.mapping(indent+2, true); err != nil {
				return err
			}
			continue
		}
		if err := y.value(v, indent+2, false); err != nil {
			return err
		}
	}
	_, err := y.dec.Token()
	return err
}

func (y *yamlWriter) pad(n int) {
	for range n {
		y.w.WriteByte(' ')
	}
}
