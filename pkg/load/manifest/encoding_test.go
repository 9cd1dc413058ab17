package manifest

import (
	"bytes"
	"testing"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// encodeUTF16 writes s as UTF-16 with its byte order mark.
func encodeUTF16(s string, bigEndian bool) []byte {
	out := []byte{0xFF, 0xFE}
	if bigEndian {
		out = []byte{0xFE, 0xFF}
	}
	for _, u := range utf16.Encode([]rune(s)) {
		if bigEndian {
			out = append(out, byte(u>>8), byte(u))
		} else {
			out = append(out, byte(u), byte(u>>8))
		}
	}
	return out
}

// TestByteOrderMarks: kubectl reads files through
// unicode.BOMOverride(unicode.UTF8.NewDecoder()), so a UTF-8 BOM and
// UTF-16 (with a BOM) are read, in YAML and JSON alike.
func TestByteOrderMarks(t *testing.T) {
	t.Parallel()
	// Names are ASCII (the API refuses others); the data is not, so a wrong
	// transcoding shows in it.
	const yamlDoc = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cafe, namespace: shop}\ndata: {v: café}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: smile, namespace: shop}\ndata: {v: b😀}\n"
	const jsonDoc = "{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"cafe\", \"namespace\": \"shop\"}, \"data\": {\"v\": \"café\"}}\n{\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n \"metadata\": {\"name\": \"smile\", \"namespace\": \"shop\"}, \"data\": {\"v\": \"b😀\"}}"
	want := []string{"in:1 ConfigMap shop/cafe café", "in:6 ConfigMap shop/smile b😀"}
	wantJSON := []string{"in:1 ConfigMap shop/cafe café", "in:3 ConfigMap shop/smile b😀"}
	for _, tt := range []struct {
		name string
		data []byte
		want []string
	}{
		{"YAML, UTF-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, yamlDoc...), want},
		{"YAML, UTF-16LE", encodeUTF16(yamlDoc, false), want},
		{"YAML, UTF-16BE", encodeUTF16(yamlDoc, true), want},
		{"JSON, UTF-8 BOM", append([]byte{0xEF, 0xBB, 0xBF}, jsonDoc...), wantJSON},
		{"JSON, UTF-16LE", encodeUTF16(jsonDoc, false), wantJSON},
		{"JSON, UTF-16BE", encodeUTF16(jsonDoc, true), wantJSON},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, diags, err := Decode("in", tt.data)
			if err != nil {
				t.Fatalf("Decode: %v %v", err, diagStrings(diags))
			}
			var got []string
			for _, o := range c.Objects {
				got = append(got, o.Source.String()+" "+o.Kind+" "+o.Namespace+"/"+o.Name+" "+o.Data["v"])
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestUTF16Invalid(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   []byte
		want string
	}{
		{[]byte{0xFF, 0xFE, 'a', 0, 0x00, 0xD8, 'b', 0}, "a\uFFFDb"}, // unpaired high surrogate
		{[]byte{0xFE, 0xFF, 0, 'a', 0xDC, 0x00}, "a\uFFFD"},          // lone low surrogate
		{[]byte{0xFF, 0xFE, 'a', 0, 'b'}, "a\uFFFD"},                 // odd length
		{[]byte{0xFF, 0xFE, 0x3D, 0xD8, 0x00, 0xDE}, "😀"},
	} {
		if got := string(toUTF8(tt.in)); got != tt.want {
			t.Errorf("toUTF8(% x) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzToUTF8: UTF-16 input always becomes valid UTF-8, and text with a
// UTF-8 BOM decodes as the same text without it.
func FuzzToUTF8(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"))
	f.Add([]byte{0x3D, 0xD8, 0x00, 0xDE, 'a', 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, bom := range [][]byte{{0xFF, 0xFE}, {0xFE, 0xFF}} {
			if out := toUTF8(append(bom, data...)); !utf8.Valid(out) {
				t.Fatalf("toUTF8(% x) = % x: not UTF-8", append(bom, data...), out)
			}
		}
		if bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}) || bytes.HasPrefix(data, []byte{0xFF, 0xFE}) || bytes.HasPrefix(data, []byte{0xFE, 0xFF}) {
			return
		}
		_, want, _ := Decode("f.yaml", data)
		_, got, _ := Decode("f.yaml", append([]byte{0xEF, 0xBB, 0xBF}, data...))
		if diff := cmp.Diff(diagStrings(want), diagStrings(got)); diff != "" {
			t.Fatalf("with a BOM (-without +with):\n%s", diff)
		}
	})
}
