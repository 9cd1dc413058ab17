package manifest

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// decodeExact is Decode through the exact JSON path only (jsonDocuments
// then addDocument), which decodeJSONFast must match.
func decodeExact(name string, data []byte, served bool) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(nil))
	b.served = served
	b.expand = min(1<<20+16*len(data), 1<<28)
	b.docs = 16 + len(data)/4
	line, err := jsonDocuments(data, func(root *yaml.Node) { b.addDocument(name, root, 0) })
	if err != nil {
		b.errorAt(model.Source{File: name, Line: line}, "", errors.New("invalid JSON: "+err.Error()).Error())
	}
	return b.finish()
}

func decodeFast(name string, data []byte, served bool) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(nil))
	b.served = served
	b.decode(name, data)
	return b.finish()
}

// sameAsExact checks that the fast path gives the exact path's cluster and
// diagnostics.
func sameAsExact(t testing.TB, name string, data []byte, served bool) {
	t.Helper()
	want, wantDiags, wantErr := decodeExact(name, data, served)
	got, gotDiags, gotErr := decodeFast(name, data, served)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("error: exact %v, fast %v", wantErr, gotErr)
	}
	if diff := cmp.Diff(diagStrings(wantDiags), diagStrings(gotDiags)); diff != "" {
		t.Fatalf("diagnostics differ (-exact +fast):\n%s", diff)
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Fatalf("clusters differ (-exact +fast):\n%s", diff)
	}
}

func TestJSONFastMatchesExact(t *testing.T) {
	t.Parallel()
	pod := `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"a","labels":{"app":"web"}},` +
		`"spec":{"containers":[{"name":"c","ports":[{"name":"http","containerPort":80}]}]},"status":{"podIPs":[{"ip":"10.0.0.1"}]}}`
	cases := map[string]string{
		"objects on lines":        pod + "\n" + strings.Replace(pod, `"p"`, `"q"`, 1) + "\n",
		"a List":                  `{"apiVersion":"v1","kind":"List","items":[` + pod + ",\n  " + strings.Replace(pod, `"p"`, `"q"`, 1) + "]}",
		"nested Lists":            `{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"List","items":[` + pod + `]}]}`,
		"List items null":         `{"apiVersion":"v1","kind":"PodList","items":null}`,
		"List items not a list":   `{"apiVersion":"v1","kind":"PodList","items":{"a":1}}`,
		"List item not an object": `{"apiVersion":"v1","kind":"List","items":[1, "x", ` + pod + `]}`,
		"type error":              strings.Replace(pod, `"containerPort":80`, `"containerPort":"80"`, 1),
		"two type errors":         strings.Replace(strings.Replace(pod, `"containerPort":80`, `"containerPort":"80"`, 1), `"name":"c"`, `"name":7`, 1),
		"unknown field":           strings.Replace(pod, `"spec":{`, `"spec":{"bogus":1,`, 1),
		"duplicate field":         strings.Replace(pod, `"labels":`, `"name":"p2","labels":`, 1),
		"a float":                 strings.Replace(pod, `"containerPort":80`, `"containerPort":80.0`, 1),
		"an exponent":             strings.Replace(pod, `"containerPort":80`, `"containerPort":8e1`, 1),
		"minus zero":              strings.Replace(pod, `"containerPort":80`, `"containerPort":-0`, 1),
		"a huge integer":          strings.Replace(pod, `"containerPort":80`, `"containerPort":123456789012345678901`, 1),
		"no kind":                 `{"apiVersion":"v1","metadata":{"name":"x"}}`,
		"kind not a string":       `{"apiVersion":"v1","kind":3}`,
		"empty kind":              `{"apiVersion":"v1","kind":""}`,
		"numeric name":            `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":12}}`,
		"metadata a string":       `{"apiVersion":"v1","kind":"ConfigMap","metadata":"x"}`,
		"escaped keys":            `{"api\u0056ersion":"v1","kind":"Config\u004dap","metadata":{"name":"a\u00e9"},"data":{"k":"\ud83d\ude00"}}`,
		"invalid UTF-8":           "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"a\xff\"}}",
		"not an object":           `[1,2]`,
		"a scalar then an object": "7\n" + pod,
		"syntax error":            "{\"apiVersion\": \"v1\",\n \"kind\": }",
		"skipped kind":            `{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`,
		"policy of another API":   `{"apiVersion":"projectcalico.org/v3","kind":"NetworkPolicy","metadata":{"name":"w"}}`,
		"replaced object":         pod + "\n" + pod,
		"policy":                  `{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n","namespace":"a"},"spec":{"podSelector":{},"ingress":[{"ports":[{"port":"http"},{"port":80,"endPort":"x"}]}]}}`,
		"deep":                    `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"d"},"x":` + strings.Repeat("[", 1200) + strings.Repeat("]", 1200) + "}",
		"whitespace":              "\n\n  " + strings.ReplaceAll(pod, ",", " ,\n ") + "\n\n",
	}
	for name, in := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			sameAsExact(t, "in.json", []byte(in), false)
			sameAsExact(t, "live:test", []byte(in), true)
		})
	}
}

// TestJSONFastGenerated compares the paths on a generated cluster, as
// podreach generate -o json writes it.
func TestJSONFastGenerated(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Generate(synth.SizeS.Config(3)), synth.FormatJSON); err != nil {
		t.Fatal(err)
	}
	sameAsExact(t, "s.json", buf.Bytes(), false)
}

func FuzzJSONFast(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}]}]}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":"1"}}]}`))
	f.Add([]byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n"},"spec":{"podSelector":{"matchLabels":{"a":"b"}}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		sameAsExact(t, "f.json", data, false)
	})
}
