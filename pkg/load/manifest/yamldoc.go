package manifest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Reading a YAML stream document by document, as kubectl does.
//
// kubectl cuts a stream into documents at lines that start with "---"
// followed by a space, a tab or the end of the line, and parses each on
// its own (k8s.io/apimachinery/pkg/util/yaml, YAMLReader.Read;
// https://github.com/kubernetes/apimachinery/blob/master/pkg/util/yaml/decoder.go),
// so an alias never refers to an anchor of another document: "Each
// document is independent of the rest" (YAML 1.2.2, 9.2,
// https://yaml.org/spec/1.2.2/#92-streams). podreach cuts the same way
// (a "..." line ends a document too), and a syntax error spoils only its
// own document.

// yamlPart is what the parser hands the builder: a document root, a
// List's head (the document without its items, which follow one by one,
// see yamllist.go), one such item, or a syntax error at line.
type yamlPart struct {
	root *yaml.Node
	kind partKind
	line int
	err  error
}

type partKind uint8

const (
	partDocument partKind = iota
	partListHead
	partListItem
	partError
)

// yamlDocuments calls fn with every part of a YAML stream, in order.
// splitAt is the least size of a List document read item by item.
//
// The parser runs ahead on its own goroutine (a few parts at most), so
// that parsing overlaps building: fn still sees every part in order, on
// the caller's goroutine.
func yamlDocuments(data []byte, splitAt int, fn func(yamlPart)) {
	ch := make(chan yamlPart, 16)
	done := make(chan struct{})
	defer close(done)
	go func() {
		defer close(ch)
		send := func(p yamlPart) bool {
			select {
			case ch <- p:
				return true
			case <-done:
				return false
			}
		}
		line := 1
		for off := 0; off < len(data); {
			end := nextDocument(data, off)
			doc := data[off:end]
			if !parseDocument(doc, line, splitAt, send) {
				return
			}
			line += bytes.Count(doc, []byte{'\n'})
			off = end
		}
	}()
	for p := range ch {
		fn(p)
	}
}

// nextDocument returns where the document starting at off ends: at the
// next line starting with the marker "---" (unless all before it is
// preamble: blank, comment and directive lines), or after a line starting
// with the marker "...".
func nextDocument(data []byte, off int) int {
	preamble := true
	for i := off; i < len(data); {
		end := lineEnd(data, i)
		line := data[i:end]
		switch {
		case docMarker(line, "---"):
			if !preamble {
				return i
			}
			preamble = false
		case docMarker(line, "..."):
			return end
		case preamble && !blankOrComment(line) && line[0] != '%':
			preamble = false
		}
		i = end
	}
	return len(data)
}

// lineEnd returns the offset after the line starting at i (past its '\n').
func lineEnd(data []byte, i int) int {
	if nl := bytes.IndexByte(data[i:], '\n'); nl >= 0 {
		return i + nl + 1
	}
	return len(data)
}

// docMarker reports whether line starts with the document marker m
// followed by white space or the end of the line.
func docMarker(line []byte, m string) bool {
	return bytes.HasPrefix(line, []byte(m)) && (len(line) == len(m) || strings.IndexByte(" \t\r\n", line[len(m)]) >= 0)
}

// blankOrComment reports whether a line holds only white space or a
// comment.
func blankOrComment(line []byte) bool {
	t := bytes.TrimLeft(line, " \t")
	return len(t) == 0 || t[0] == '#' || t[0] == '\n' || t[0] == '\r'
}

// maxDocument bounds a YAML document parsed whole: its node tree takes
// some thirty times its bytes. The API server accepts requests of at most
// 3 MiB (https://github.com/kubernetes/kubernetes/blob/master/staging/src/k8s.io/apiserver/pkg/server/config.go,
// MaxRequestBodyBytes), so only a List is ever larger, and a List is read
// item by item.
const maxDocument = 64 << 20

// parseDocument parses one document (text starting on line line) and
// sends its parts; false when the receiver is gone.
func parseDocument(doc []byte, line, splitAt int, send func(yamlPart) bool) bool {
	if len(doc) >= splitAt {
		if l, ok := findList(doc); ok {
			if sent, ok := l.parse(doc, line, send); ok || !sent {
				return sent
			}
		}
	}
	if len(doc) > maxDocument {
		return send(yamlPart{kind: partError, line: line, err: fmt.Errorf(
			"a document of %s, larger than any object the API server accepts (%s read whole at most); only a List (block style, without anchors) may be this large, and it is read item by item",
			FormatSize(int64(len(doc))), FormatSize(maxDocument))})
	}
	return parseYAML(doc, line, partDocument, send)
}

// parseYAML parses text starting on line line and sends each document
// root as a part of kind k (and a syntax error as an error part).
func parseYAML(text []byte, line int, k partKind, send func(yamlPart) bool) bool {
	dec := yaml.NewDecoder(bytes.NewReader(text))
	for {
		var doc yaml.Node
		err := decodeYAML(dec, &doc)
		if errors.Is(err, io.EOF) {
			return true
		}
		if err != nil {
			l, e := yamlError(text, err)
			return send(yamlPart{kind: partError, line: l + line - 1, err: e})
		}
		if root := docRoot(&doc); root != nil {
			shiftLines(root, line-1, 0)
			if !send(yamlPart{root: root, kind: k}) {
				return false
			}
		}
	}
}

// yamlError splits a parser error into its line in text and its message.
// The parser gives no line for an alias to an undefined anchor: it is the
// line of the first "*name" in text.
func yamlError(text []byte, err error) (int, error) {
	line, e := yamlErrorLine(err.Error())
	if line == 0 {
		line = 1
		if name, ok := strings.CutPrefix(e.Error(), "unknown anchor '"); ok {
			name, _, _ = strings.Cut(name, "'")
			if i := bytes.Index(text, []byte("*"+name)); i >= 0 {
				line += bytes.Count(text[:i], []byte{'\n'})
			}
			e = errors.New("alias *" + name + " refers to no anchor defined before it in its document")
		}
	}
	return line, e
}

// shiftLines adds by to the line of n and everything under it whose line
// is above after (aliases are not followed: their targets are in the
// same tree).
func shiftLines(n *yaml.Node, by, after int) {
	if by == 0 {
		return
	}
	if n.Line > after {
		n.Line += by
	}
	for _, c := range n.Content {
		shiftLines(c, by, after)
	}
}
