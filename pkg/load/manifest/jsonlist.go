package manifest

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// decodeJSONList reads a stream that is one JSON List the fast path
// cannot take (some item has a float, a long number or -0, which the tree
// path rewrites as kubectl does) item by item: plain items as the fast
// path reads them, the others through their own tree. The whole List as
// one tree would take some thirty times its bytes.
//
// It returns false, having read nothing, when the stream is not one valid
// List object nesting less than maxDepth (the exact path reads and reports
// it).
func (b *builder) decodeJSONList(name string, data []byte) bool {
	start := skipSpace(data, 0)
	if start == len(data) || data[start] != '{' || !json.Valid(data) {
		return false
	}
	end := skipValue(data, start)
	raw := data[start:end]
	if skipSpace(data, end) != len(data) || nesting(raw) >= maxDepth {
		return false
	}
	h, ok := peekJSON(raw)
	if !ok || !strings.HasSuffix(h.kind, "List") || h.items == nil || h.items[0] != '[' {
		return false
	}
	lc := lineCounter{data: data, line: 1}
	if b.takeDocument(model.Source{File: name, Line: lc.at(start)}) {
		b.addJSONItems(name, data, start+h.itemsAt, h.items, &lc, 1, false)
	}
	return true
}

// nesting returns how deep the valid JSON value raw nests.
func nesting(raw []byte) int {
	depth, most := 0, 0
	for i := 0; i < len(raw); i++ {
		switch raw[i] {
		case '"':
			i = skipString(raw, i) - 1
		case '{', '[':
			depth++
			most = max(most, depth)
		case '}', ']':
			depth--
		}
	}
	return most
}

// hugeJSONValue reports, and returns true for, a stream of valid JSON
// holding a top-level value over maxDocument bytes that neither the fast
// path nor decodeJSONList could read: the exact path would build its tree
// whole (see maxDocument).
func (b *builder) hugeJSONValue(name string, data []byte) bool {
	if len(data) <= maxDocument {
		return false
	}
	lc := lineCounter{data: data, line: 1}
	for i := skipSpace(data, 0); i < len(data); i = skipSpace(data, i) {
		end := skipValue(data, i)
		if !json.Valid(data[i:end]) {
			return false // the exact path reports it
		}
		if end-i > maxDocument {
			b.errorAt(model.Source{File: name, Line: lc.at(i)}, "", fmt.Sprintf(
				"invalid JSON: a value of %s, larger than any object the API server accepts (%s read whole at most); only a List (one per stream) may be this large, and it is read item by item",
				FormatSize(int64(end-i)), FormatSize(maxDocument)))
			return true
		}
		i = end
	}
	return false
}
