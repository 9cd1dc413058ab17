package manifest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

// sources lists "file:line kind/name" for everything in c.
func sources(c *model.Cluster) []string {
	var out []string
	for _, w := range c.Workloads {
		out = append(out, w.Source.String()+" "+w.Kind.String()+" "+w.ID())
	}
	for _, s := range c.Services {
		out = append(out, s.Source.String()+" Service "+s.Namespace+"/"+s.Name)
	}
	for _, o := range c.Objects {
		out = append(out, o.Source.String()+" "+o.Kind+" "+o.Namespace+"/"+o.Name)
	}
	for _, ns := range c.Namespaces {
		out = append(out, ns.Source.String()+" Namespace "+ns.Name)
	}
	return out
}

func TestLoad(t *testing.T) {
	t.Parallel()
	const stdinYAML = "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: piped, namespace: shop}\n"
	tests := []struct {
		name    string
		sources []string
		opts    []Option
		want    []string // sources(cluster), or the diagnostics when the load fails
	}{
		{"file", []string{"testdata/tree/a.yaml"}, nil,
			[]string{"testdata/tree/a.yaml:6 Deployment shop/web", "testdata/tree/a.yaml:1 Namespace shop"}},
		{"directory: recursive, .yaml/.yml/.json only", []string{"testdata/tree/"}, nil, []string{
			"testdata/tree/a.yaml:6 Deployment shop/web",
			"testdata/tree/sub/b.yml:1 Service shop/web",
			"testdata/tree/sub/deeper/c.json:1 ConfigMap shop/settings",
			"testdata/tree/a.yaml:1 Namespace shop",
		}},
		{"explicit file of another extension is read", []string{"testdata/tree/sub/notes.txt"}, nil,
			[]string{"error: testdata/tree/sub/notes.txt:1: invalid YAML: mapping values are not allowed in this context"}},
		{"stdin", []string{"testdata/tree/a.yaml", "-"}, []Option{WithStdin(strings.NewReader(stdinYAML))}, []string{
			"testdata/tree/a.yaml:6 Deployment shop/web",
			"<stdin>:1 ConfigMap shop/piped",
			"testdata/tree/a.yaml:1 Namespace shop",
		}},
		{"stdin without WithStdin", []string{"-"}, nil,
			[]string{`error: <stdin>: source "-" given but no standard input is configured`}},
		{"missing file", []string{"testdata/tree/a.yaml", "testdata/nope.yaml"}, nil,
			[]string{"error: testdata/nope.yaml: cannot read: no such file or directory"}},
		{"later source replaces earlier (what-if overlay)", []string{"testdata/tree", "testdata/overlay"}, nil, []string{
			"testdata/overlay/web.yaml:2 Deployment shop/web",
			"testdata/tree/sub/b.yml:1 Service shop/web",
			"testdata/tree/sub/deeper/c.json:1 ConfigMap shop/settings",
			"testdata/tree/a.yaml:1 Namespace shop",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, diags, err := Load(context.Background(), tt.sources, tt.opts...)
			checkResult(t, c, diags, err)
			got := diagStrings(diags.Errors())
			if err == nil {
				got = sources(c)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func TestLoadOverlayNotice(t *testing.T) {
	t.Parallel()
	_, diags, err := Load(context.Background(), []string{"testdata/tree", "testdata/overlay/web.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"notice: testdata/overlay/web.yaml:2: Deployment shop/web: replaces the definition at testdata/tree/a.yaml:6"}
	if diff := cmp.Diff(want, diagStrings(diags)); diff != "" {
		t.Errorf("diagnostics (-want +got):\n%s", diff)
	}
}

func TestLoadCanceled(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	c, _, err := Load(ctx, []string{"testdata/tree"})
	if c != nil || !errors.Is(err, context.Canceled) {
		t.Errorf("Load = %v, %v; want nil, context.Canceled", c, err)
	}
}
