package manifest

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestEchoedValuesCapped: an 8 MiB label value is echoed as its first
// 256 bytes and its size.
func TestEchoedValuesCapped(t *testing.T) {
	t.Parallel()
	v := strings.Repeat("a", 8<<20)
	got := decodeErrors("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  labels:\n    x: " + v + "\n")
	want := []string{`error: in.yaml:6: ConfigMap default/a: metadata.labels.x: invalid label value "` + v[:256] + `"… (8388608 bytes): must be no more than 63 bytes`}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

func TestCapQuoted(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("é", 140) // 280 bytes
	for in, want := range map[string]string{
		`short "value" kept`:                    `short "value" kept`,
		`value "` + long + `" is bad`:           `value "` + strings.Repeat("é", 128) + `"… (280 bytes) is bad`,
		`unterminated "` + long:                 `unterminated "` + long,
		`two "` + long + `" and "` + long + `"`: `two "` + strings.Repeat("é", 128) + `"… (280 bytes) and "` + strings.Repeat("é", 128) + `"… (280 bytes)`,
	} {
		if got := capQuoted(in); got != want {
			t.Errorf("capQuoted(%q)\n = %q\nwant %q", in, got, want)
		}
	}
	if got := capText(strings.Repeat("x", 600), 512); got != strings.Repeat("x", 512)+"… (600 bytes)" {
		t.Errorf("capText = %q", got)
	}
}

// TestCyclesReported: a merge key or alias naming a mapping that contains
// it is reported as a cycle where it closes, not as nesting 1000 deep.
func TestCyclesReported(t *testing.T) {
	t.Parallel()
	cm := "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n"
	for in, want := range map[string]string{
		cm + "data: &a\n  b:\n    <<: *a\n": "error: in.yaml:4: ConfigMap default/a: data.b: a merge key (<<) names a mapping that contains it (a cycle)",
		cm + "data: &a\n  b: *a\n":          "error: in.yaml:5: ConfigMap default/a: data.b: YAML alias *a refers to a node that contains it",
		cm + "data: &a\n  <<: *a\n":         "error: in.yaml:4: ConfigMap default/a: data: a merge key (<<) names a mapping that contains it (a cycle)",
	} {
		if diff := cmp.Diff([]string{want}, decodeErrors(in)); diff != "" {
			t.Errorf("%q (-want +got):\n%s", in, diff)
		}
	}
}
