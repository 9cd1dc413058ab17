package manifest

import (
	"bytes"
	"encoding/json"
	"strings"
	"unicode/utf8"
)

// Helpers of the fast JSON path that walk JSON already known to be valid.

// plainJSON reports whether a valid JSON value has only integers of at
// most 18 digits (not -0) and nests less than maxDepth.
func plainJSON(raw []byte) bool {
	depth := 0
	for i := 0; i < len(raw); i++ {
		switch c := raw[i]; {
		case c == '"':
			i = skipString(raw, i) - 1
		case c == '{' || c == '[':
			if depth++; depth >= maxDepth {
				return false
			}
		case c == '}' || c == ']':
			depth--
		case c == '-' || c >= '0' && c <= '9':
			j := i
			if c == '-' {
				j++
			}
			start := j
			for j < len(raw) && raw[j] >= '0' && raw[j] <= '9' {
				j++
			}
			if j-start > 18 || j < len(raw) && strings.IndexByte(".eE", raw[j]) >= 0 || c == '-' && raw[start] == '0' {
				return false
			}
			i = j - 1
		}
	}
	return true
}

// skipString returns the index after the JSON string starting at i.
func skipString(data []byte, i int) int {
	for i++; i < len(data); i++ {
		switch data[i] {
		case '\\':
			i++
		case '"':
			return i + 1
		}
	}
	return len(data)
}

// skipValue returns the index after the valid JSON value starting at i.
func skipValue(data []byte, i int) int {
	switch data[i] {
	case '"':
		return skipString(data, i)
	case '{', '[':
		depth := 0
		for ; i < len(data); i++ {
			switch data[i] {
			case '"':
				i = skipString(data, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
		return len(data)
	}
	for i < len(data) && strings.IndexByte(",}] \t\r\n", data[i]) < 0 {
		i++
	}
	return i
}

func skipSpace(data []byte, i int) int {
	for i < len(data) && strings.IndexByte(" \t\r\n", data[i]) >= 0 {
		i++
	}
	return i
}

// members calls fn with every member of the valid JSON object at data[i:]
// (key unquoted, value span), in order.
func members(data []byte, i int, fn func(key string, start, end int)) {
	i = skipSpace(data, i+1)
	for i < len(data) && data[i] == '"' {
		kend := skipString(data, i)
		key, _ := unquote(data[i:kend])
		vstart := skipSpace(data, skipSpace(data, kend)+1) // past ':'
		vend := skipValue(data, vstart)
		fn(key, vstart, vend)
		i = skipSpace(data, vend)
		if i < len(data) && data[i] == ',' {
			i = skipSpace(data, i+1)
		}
	}
}

// unquote returns the string a JSON string literal holds, and false when
// the decoder would have to repair it (invalid UTF-8).
func unquote(lit []byte) (string, bool) {
	inner := lit[1 : len(lit)-1]
	if bytes.IndexByte(inner, '\\') < 0 {
		return string(inner), utf8.Valid(inner)
	}
	var s string
	if err := json.Unmarshal(lit, &s); err != nil {
		return "", false
	}
	return s, true
}
