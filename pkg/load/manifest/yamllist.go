package manifest

import (
	"bytes"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Reading a large YAML List item by item.
//
// `kubectl get -A -o yaml` prints one document, a List whose items are
// every object: parsed whole, its node tree takes some thirty times the
// bytes of the text. A List document is therefore cut as text: its head
// (apiVersion, kind, metadata: the document without the items: line and
// its block sequence) is parsed first, then the items a batch at a time,
// so that memory follows the items, not the document.
//
// The cut is exact for block YAML: an item starts at a line at the
// sequence's indentation starting with "- ", and a line at that
// indentation or less that is neither blank, a comment nor an item ends
// the sequence (block scalars and nested blocks are indented more). Only
// a document without anchors (an alias may refer to another item) nor
// directives is cut; a document that does not parse as cut is parsed
// whole.

const (
	// listSplitSize is the least size of a List document read item by
	// item; smaller ones are parsed whole.
	listSplitSize = 1 << 20
	// listBatch is about the text of the items parsed at once.
	listBatch = 64 << 10
)

// listLayout is a List document as text.
type listLayout struct {
	key    int // offset of the "items:" line
	first  int // offset of the first item
	end    int // offset of the first line after the sequence
	indent int // the items' indentation
}

// findList finds the items of a document that looks like a List: one
// "items:" line at column 0 (nothing after it but a comment) followed by
// a block sequence; no anchors and no directives.
func findList(doc []byte) (listLayout, bool) {
	l := listLayout{key: -1}
	for i := 0; i < len(doc); {
		end := lineEnd(doc, i)
		line := doc[i:end]
		switch {
		case line[0] == '%':
			return l, false
		case itemsKey(line):
			if l.key >= 0 {
				return l, false
			}
			l.key = i
			var ok bool
			if l.first, l.end, l.indent, ok = sequenceAt(doc, end); !ok {
				return l, false
			}
			end = l.end
		}
		i = end
	}
	return l, l.key >= 0 && !mayHaveAnchor(doc)
}

// itemsKey reports whether line is "items:" at column 0, with nothing
// after it but white space or a comment.
func itemsKey(line []byte) bool {
	rest, ok := bytes.CutPrefix(line, []byte("items:"))
	return ok && blankOrComment(rest) && (len(rest) == 0 || rest[0] != '#')
}

// sequenceAt scans the block sequence that starts at the first content
// line at or after off, returning its first item, its end and its
// indentation.
func sequenceAt(doc []byte, off int) (first, end, indent int, ok bool) {
	first = -1
	for i := off; i < len(doc); {
		next := lineEnd(doc, i)
		line := doc[i:next]
		if blankOrComment(line) {
			i = next
			continue
		}
		ind := len(line) - len(bytes.TrimLeft(line, " "))
		switch {
		case first < 0 && isItem(line, ind):
			first, indent = i, ind
		case first < 0:
			return 0, 0, 0, false
		case ind > indent, ind == indent && isItem(line, ind):
		case ind == 0:
			return first, i, indent, true
		default: // a line between the column and the items' indentation
			return 0, 0, 0, false
		}
		i = next
	}
	return first, len(doc), indent, first >= 0
}

// isItem reports whether line, indented ind spaces, starts a sequence
// item.
func isItem(line []byte, ind int) bool {
	return docMarker(line[ind:], "-") && !docMarker(line, "---")
}

// mayHaveAnchor reports whether doc may define an anchor: a '&' at the
// start of a token followed by an anchor character. Strings holding such
// text make it answer true, which only costs reading the List whole.
func mayHaveAnchor(doc []byte) bool {
	for i := bytes.IndexByte(doc, '&'); i >= 0; {
		before := byte(' ')
		if i > 0 {
			before = doc[i-1]
		}
		if strings.IndexByte(" \t\n[{,", before) >= 0 && i+1 < len(doc) && strings.IndexByte(" \t\r\n[]{},", doc[i+1]) < 0 {
			return true
		}
		j := bytes.IndexByte(doc[i+1:], '&')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}

// parse parses the head of the List document doc (starting on line
// line), then its items a batch at a time, and sends them. It returns
// ok false, having sent nothing, when the head is not a List's.
func (l listLayout) parse(doc []byte, line int, send func(yamlPart) bool) (sent, ok bool) {
	head, ok := l.head(doc, line)
	if !ok {
		return true, false
	}
	if !send(yamlPart{root: head, kind: partListHead}) {
		return false, true
	}
	itemLine := line + bytes.Count(doc[:l.first], []byte{'\n'})
	for start := l.first; start < l.end; {
		end := l.batchEnd(doc, start)
		batch := doc[start:end]
		if !parseItems(batch, itemLine, send) {
			return false, true
		}
		itemLine += bytes.Count(batch, []byte{'\n'})
		start = end
	}
	return true, true
}

// head parses the document without its items; ok when it is a mapping
// whose kind is a string ending in "List" and that has no other items.
func (l listLayout) head(doc []byte, line int) (*yaml.Node, bool) {
	text := make([]byte, 0, l.key+len(doc)-l.end)
	text = append(append(text, doc[:l.key]...), doc[l.end:]...)
	var root yaml.Node
	if err := decodeYAML(yaml.NewDecoder(bytes.NewReader(text)), &root); err != nil {
		return nil, false
	}
	n := docRoot(&root)
	if n == nil || n.Kind != yaml.MappingNode || mapValue(n, "items") != nil {
		return nil, false
	}
	if k := mapValue(n, "kind"); k == nil || k.Kind != yaml.ScalarNode || !strings.HasSuffix(k.Value, "List") {
		return nil, false
	}
	keyLine := line + bytes.Count(doc[:l.key], []byte{'\n'})
	shiftLines(n, bytes.Count(doc[l.key:l.end], []byte{'\n'}), keyLine-line) // the lines after the items
	shiftLines(n, line-1, 0)
	return n, true
}

// batchEnd returns where the batch of items starting at start ends: at
// the first item start listBatch bytes on, or at the sequence's end.
func (l listLayout) batchEnd(doc []byte, start int) int {
	for i := lineEnd(doc[:l.end], start); i < l.end; i = lineEnd(doc[:l.end], i) {
		if i-start >= listBatch && isItem(doc[i:lineEnd(doc, i)], l.indent) && lineIndent(doc[i:]) == l.indent {
			return i
		}
	}
	return l.end
}

func lineIndent(line []byte) int { return len(line) - len(bytes.TrimLeft(line, " ")) }

// parseItems parses a batch of items (a block sequence starting on line
// line) and sends each item.
func parseItems(batch []byte, line int, send func(yamlPart) bool) bool {
	var seq *yaml.Node
	ok := parseYAML(batch, line, partListItem, func(p yamlPart) bool {
		if p.kind == partError {
			return send(p)
		}
		seq = p.root
		return true
	})
	if !ok || seq == nil {
		return ok
	}
	for _, item := range seq.Content {
		if !send(yamlPart{root: item, kind: partListItem}) {
			return false
		}
	}
	return true
}
