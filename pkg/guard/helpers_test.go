package guard

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// example is the emojivoto + Linkerd example, without its deny-all-ingress.
var example = []string{"namespaces.yaml", "emojivoto.yaml", "linkerd-control-plane.yaml", "linkerd-viz.yaml"}

func examplePath(f string) string {
	return filepath.Join("..", "..", "examples", "emojivoto-linkerd", f)
}

// exampleCluster loads the example plus extra files.
func exampleCluster(t testing.TB, extra ...string) *model.Cluster {
	t.Helper()
	var srcs []string
	for _, f := range example {
		srcs = append(srcs, examplePath(f))
	}
	c, _, err := manifest.Load(context.Background(), append(srcs, extra...))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// object returns the document of file with kind/namespace/name as JSON,
// after tweaks.
func object(t testing.TB, file, kind, ns, name string, tweaks ...func(map[string]any)) []byte {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for {
		var doc map[string]any
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		md, _ := doc["metadata"].(map[string]any)
		if doc["kind"] == kind && md["name"] == name && (ns == "" || md["namespace"] == ns) {
			for _, tw := range tweaks {
				tw(doc)
			}
			out, err := json.Marshal(doc)
			if err != nil {
				t.Fatal(err)
			}
			return out
		}
	}
	t.Fatalf("%s: no %s %s/%s", file, kind, ns, name)
	return nil
}

// at returns the map at path in doc.
func at(doc map[string]any, path ...string) map[string]any {
	m := doc
	for _, p := range path {
		m = m[p].(map[string]any)
	}
	return m
}

// dropLabel removes a label at path (e.g. spec.template.metadata.labels).
func dropLabel(key string, path ...string) func(map[string]any) {
	return func(doc map[string]any) { delete(at(doc, path...), key) }
}

// labelNamespaces sets label k=v on the named namespaces of c (in place:
// c is the test's own).
func labelNamespaces(c *model.Cluster, k, v string, names ...string) {
	for i := range c.Namespaces {
		for _, n := range names {
			if c.Namespaces[i].Name == n {
				c.Namespaces[i].Labels[k] = v
			}
		}
	}
}
