package manifest

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

const configMap = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ok, namespace: shop}\n"

func write(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestInputSizeLimits(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	small := filepath.Join(dir, "small.yaml")
	big := filepath.Join(dir, "big.yaml")
	write(t, small, configMap)
	write(t, big, configMap+strings.Repeat("#", 60))
	n := int64(len(configMap))
	tooLarge := func(file, limit string, size int64) []string {
		if size > 0 {
			limit += fmt.Sprintf(" (it has %d B)", size)
		}
		return []string{fmt.Sprintf("error: %s: input larger than %s; not read: raise the input size limit to read it", file, limit)}
	}
	tests := []struct {
		name    string
		sources []string
		opts    []Option
		want    []string
	}{
		{"under both limits", []string{small, big}, []Option{WithMaxInputSize(200, 400)}, nil},
		{"file over the per-file limit", []string{small, big}, []Option{WithMaxInputSize(100, 400)},
			tooLarge(big, "the limit of 100 B per file", n+60)},
		{"files over the total", []string{small, big}, []Option{WithMaxInputSize(200, 150)},
			tooLarge(big, "what is left of the limit of 150 B for all inputs together", n+60)},
		{"stdin over the limit, read no further than the limit", []string{"-"},
			[]Option{WithMaxInputSize(n-1, 0), WithStdin(strings.NewReader(configMap + strings.Repeat("x", 1<<20)))},
			tooLarge("<stdin>", fmt.Sprintf("the limit of %d B per file", n-1), 0)},
		{"stdin at the limit", []string{"-"}, []Option{WithMaxInputSize(n, 0), WithStdin(strings.NewReader(configMap))}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, diags, err := Load(context.Background(), tt.sources, tt.opts...)
			checkResult(t, c, diags, err)
			if diff := cmp.Diff(tt.want, diagStrings(diags.Errors())); diff != "" {
				t.Errorf("errors (-want +got):\n%s", diff)
			}
		})
	}
}

func TestFormatSize(t *testing.T) {
	t.Parallel()
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 1 << 30: "1 GiB", 4 << 30: "4 GiB"} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
	}
}
