package manifest

import (
	"strconv"
	"strings"
)

// Field paths name a value inside an object the way the API server does:
// "spec.ingress[0].from[1].ipBlock.cidr". Map keys that are not plain words
// are bracketed: "metadata.labels[app.kubernetes.io/name]".

// childPath appends a map key to a field path: "spec.ingress", or
// "metadata.labels[app.kubernetes.io/name]" when the key is not a plain word.
func childPath(parent, key string) string {
	if !plainKey(key) {
		return parent + "[" + key + "]"
	}
	if parent == "" {
		return key
	}
	return parent + "." + key
}

// indexPath appends a list index to a field path: "spec.ingress[0]".
func indexPath(parent string, i int) string {
	return parent + "[" + strconv.Itoa(i) + "]"
}

func plainKey(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		b := s[i]
		if !('a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9' || b == '_' || b == '-') {
			return false
		}
	}
	return true
}

// parentPath drops the last segment of a field path.
func parentPath(f string) string {
	if strings.HasSuffix(f, "]") {
		if i := strings.LastIndexByte(f, '['); i >= 0 {
			return f[:i]
		}
	}
	if i := strings.LastIndexAny(f, ".["); i >= 0 {
		return f[:i]
	}
	return ""
}

// withoutIndices drops list indices: "spec.ingress[0].ports[1].port" is
// "spec.ingress.ports.port", as encoding/json names fields in type errors.
func withoutIndices(path string) string {
	if !strings.Contains(path, "[") {
		return path
	}
	var b strings.Builder
	for len(path) > 0 {
		i := strings.IndexByte(path, '[')
		if i < 0 {
			b.WriteString(path)
			break
		}
		b.WriteString(path[:i])
		j := strings.IndexByte(path[i:], ']')
		if j < 0 {
			break
		}
		path = path[i+j+1:]
	}
	return b.String()
}
