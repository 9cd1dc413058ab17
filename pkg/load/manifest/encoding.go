package manifest

import (
	"bytes"
	"unicode/utf16"
	"unicode/utf8"
)

// Text encodings, as kubectl reads files. kubectl wraps every file and
// standard input in unicode.BOMOverride(unicode.UTF8.NewDecoder())
// (k8s.io/cli-runtime/pkg/resource/visitor.go, FileVisitor.Visit): a UTF-8
// byte order mark is dropped, and a UTF-16 one (little or big endian, as
// PowerShell's > writes) selects UTF-16, which is transcoded to UTF-8.
// https://github.com/kubernetes/cli-runtime/blob/master/pkg/resource/visitor.go

var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// toUTF8 returns data without its byte order mark, transcoded to UTF-8
// when the mark says UTF-16. Unpaired surrogates and a trailing odd byte
// become U+FFFD, as golang.org/x/text decodes them.
func toUTF8(data []byte) []byte {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		return data[len(bomUTF8):]
	case bytes.HasPrefix(data, bomUTF16LE):
		return utf16ToUTF8(data[2:], false)
	case bytes.HasPrefix(data, bomUTF16BE):
		return utf16ToUTF8(data[2:], true)
	}
	return data
}

func utf16ToUTF8(data []byte, bigEndian bool) []byte {
	out := make([]byte, 0, len(data)/2*3/2+4)
	unit := func(i int) rune {
		if bigEndian {
			return rune(data[i])<<8 | rune(data[i+1])
		}
		return rune(data[i+1])<<8 | rune(data[i])
	}
	for i := 0; i+1 < len(data); i += 2 {
		r := unit(i)
		if utf16.IsSurrogate(r) {
			r2 := utf8.RuneError
			if i+3 < len(data) {
				r2 = unit(i + 2)
			}
			if d := utf16.DecodeRune(r, r2); d != utf8.RuneError {
				r = d
				i += 2
			} else {
				r = utf8.RuneError
			}
		}
		out = utf8.AppendRune(out, r)
	}
	if len(data)%2 == 1 {
		out = utf8.AppendRune(out, utf8.RuneError)
	}
	return out
}
