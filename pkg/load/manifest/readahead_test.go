package manifest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
	"testing/synctest"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// decodeWith is Decode with procs goroutines reading a JSON stream.
func decodeWith(procs int, name string, data []byte, served bool) (*model.Cluster, model.Diagnostics, error) {
	b := newBuilder(makeOptions(nil))
	b.parallel = procs
	b.served = served
	b.decode(name, data)
	return b.finish()
}

// generatedJSON is a generated cluster's stream, one object per line.
func generatedJSON(t testing.TB, size synth.Size) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Generate(size.Config(1)), synth.FormatJSON); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// edit changes the first line from line at (a fraction of the stream,
// wrapping around) that contains old.
func edit(lines []string, at float64, old, new string) {
	from := int(at * float64(len(lines)))
	for k := range lines {
		if i := (from + k) % len(lines); strings.Contains(lines[i], old) {
			lines[i] = strings.Replace(lines[i], old, new, 1)
			return
		}
	}
	panic("no line with " + old)
}

// withErrors injects problems of every kind into a stream of objects on
// lines, all through it.
func withErrors(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	edit(lines, 0.1, `"containerPort":`, `"containerPort":"80","x":`)
	edit(lines, 0.2, `"spec":{`, `"spec":{"bogus":1,`)
	edit(lines, 0.3, `"metadata":{`, `"metadata":{"name":"dup",`)
	edit(lines, 0.4, `"networking.k8s.io/v1"`, `"networking.k8s.io/v1beta1"`)
	edit(lines, 0.5, `"labels":{`, `"labels":{"bad key!":"-v-",`)
	edit(lines, 0.6, `"kind":"Deployment"`, `"kind":"Deployment","metadata":"x"`)
	edit(lines, 0.7, `"kind":"Pod"`, `"kind":7`)
	mid := len(lines) / 2
	inserted := []string{
		`{"apiVersion":"v1","metadata":{"name":"no-kind"}}`,
		`{"apiVersion":"example.com/v1","kind":"Widget","metadata":{"name":"w"}}`,
		`{"apiVersion":"v1","kind":"List","items":[` + lines[3] + `,1,` + lines[mid] + `]}`,
		`{"apiVersion":"admissionregistration.k8s.io/v1","kind":"MutatingWebhookConfiguration","metadata":{"name":"m"},"x":1}`,
		lines[5], // replaces an object
	}
	return []byte(strings.Join(slices.Insert(lines, mid, inserted...), "\n"))
}

// indentSome pretty-prints every third object.
func indentSome(data []byte) []byte {
	lines := strings.Split(string(data), "\n")
	for i := 0; i < len(lines); i += 3 {
		var buf bytes.Buffer
		if json.Indent(&buf, []byte(lines[i]), "", "  ") == nil {
			lines[i] = buf.String()
		}
	}
	return []byte(strings.Join(lines, "\n"))
}

// sameAsSequential checks that reading data with procs goroutines gives
// what one gives: the same cluster and the same diagnostics in the same
// order.
func sameAsSequential(t testing.TB, data []byte, served bool, procs int) {
	t.Helper()
	want, wantDiags, wantErr := decodeWith(1, "m.json", data, served)
	got, gotDiags, gotErr := decodeWith(procs, "m.json", data, served)
	if (wantErr == nil) != (gotErr == nil) {
		t.Fatalf("procs=%d served=%v: error %v, sequential %v", procs, served, gotErr, wantErr)
	}
	if diff := cmp.Diff(diagStrings(wantDiags), diagStrings(gotDiags)); diff != "" {
		t.Fatalf("procs=%d served=%v: diagnostics differ (-sequential +parallel):\n%s", procs, served, diff)
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Fatalf("procs=%d served=%v: clusters differ (-sequential +parallel):\n%s", procs, served, diff)
	}
}

func TestParallelMatchesSequential(t *testing.T) {
	t.Parallel()
	gen := generatedJSON(t, synth.SizeM)
	broken := withErrors(gen)
	cases := map[string][]byte{
		"generated":      gen,
		"errors":         broken,
		"pretty-printed": indentSome(broken),
		"not plain":      bytes.Replace(broken, []byte(`"containerPort":`), []byte(`"containerPort":8e1,"x":`), 1),
		"syntax error":   append(broken[:len(broken)/2:len(broken)/2], "\n"+string(gen)...),
	}
	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			for _, procs := range []int{2, 5} {
				sameAsSequential(t, data, false, procs)
				sameAsSequential(t, data, true, procs)
			}
		})
	}
}

// FuzzParallel reads minAhead copies of a value with workers and without.
func FuzzParallel(f *testing.F) {
	f.Add([]byte(`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p"},"spec":{"containers":[{"name":"c","ports":[{"containerPort":"80"}]}]}}`))
	f.Add([]byte(`{"apiVersion":"v1","kind":"List","items":[{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"a"},"data":{"x":1}}]}`))
	f.Add([]byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"n"},"spec":{"podSelector":{"matchLabels":{"a":"-"}}}}`))
	f.Fuzz(func(t *testing.T, value []byte) {
		sameAsSequential(t, bytes.Repeat(append(value, '\n'), minAhead), false, 3)
	})
}

// TestErrorsInjected checks that the injected problems are found (a
// parallel run that lost them would still match one that did not see
// them).
func TestErrorsInjected(t *testing.T) {
	t.Parallel()
	_, diags, _ := decodeWith(2, "m.json", withErrors(generatedJSON(t, synth.SizeS)), false)
	all := strings.Join(diagStrings(diags), "\n")
	for _, want := range []string{
		"expected an integer, got a string", "unknown field (ignored)", "duplicate field",
		"unsupported apiVersion", "missing kind", "Widget (1)", "defined twice in one input",
		"expected a Kubernetes object (a mapping), got a", "kind must be a string",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("no diagnostic %q in:\n%s", want, all)
		}
	}
}

// TestDecoderForMatchesHandlers checks that each handler takes the value
// decoded ahead for its kind: decoderFor and decodeAs agree on the type
// and strictness. A warning planted in the value shows it was taken.
func TestDecoderForMatchesHandlers(t *testing.T) {
	t.Parallel()
	apiVersions := map[string]string{
		"Namespace": "v1", "Pod": "v1", "Service": "v1", "ReplicationController": "v1", "ConfigMap": "v1",
		"Deployment": "apps/v1", "StatefulSet": "apps/v1", "DaemonSet": "apps/v1", "ReplicaSet": "apps/v1",
		"Job": "batch/v1", "CronJob": "batch/v1", "NetworkPolicy": "networking.k8s.io/v1",
		"MutatingWebhookConfiguration":   "admissionregistration.k8s.io/v1",
		"ValidatingWebhookConfiguration": "admissionregistration.k8s.io/v1",
		"APIService":                     "apiregistration.k8s.io/v1",
	}
	for _, kind := range slices.Compact(slices.Sorted(maps.Values(kindAliases))) {
		t.Run(kind, func(t *testing.T) {
			t.Parallel()
			raw := fmt.Appendf(nil, `{"apiVersion":%q,"kind":%q,"metadata":{"name":"x"}}`, apiVersions[kind], kind)
			pre := readObject(raw)
			if pre.typed.v == nil {
				t.Fatalf("%s: nothing decoded ahead", raw)
			}
			pre.typed.warnings = append(pre.typed.warnings, errors.New("planted"))
			b := newBuilder(makeOptions(nil))
			b.docs, b.expand = 1, 1<<20
			b.addJSON("k.json", raw, [2]int{0, len(raw)}, &lineCounter{data: raw, line: 1}, 0, pre)
			if !strings.Contains(strings.Join(diagStrings(b.diags), "\n"), "unknown field (ignored)") {
				t.Errorf("%s: the value decoded ahead was not taken; diagnostics: %q", kind, diagStrings(b.diags))
			}
		})
	}
}

// TestReadAheadStops checks that workers stay within the window and
// return when the builder stops early; synctest fails on a goroutine left
// blocked.
func TestReadAheadStops(t *testing.T) {
	data := generatedJSON(t, synth.SizeM)
	spans, ok := jsonValues(data, 1)
	if !ok || len(spans) < aheadWindow+100 {
		t.Fatalf("want a plain stream of more than %d objects, got %d (ok %v)", aheadWindow+100, len(spans), ok)
	}
	synctest.Test(t, func(t *testing.T) {
		a := startReadAhead(data, spans, 3)
		for i := range 10 {
			a.take(i)
		}
		synctest.Wait() // the workers wait for room
		filled := 0
		for i := range a.slots {
			s := &a.slots[i]
			s.mu.Lock()
			if s.read != nil {
				filled++
			}
			s.mu.Unlock()
		}
		if filled != aheadWindow {
			t.Errorf("%d objects read ahead, want %d", filled, aheadWindow)
		}
		a.close()
	})
	synctest.Test(t, func(t *testing.T) {
		if _, _, err := decodeWith(3, "m.json", withErrors(data), false); err == nil {
			t.Error("no error for a stream with errors")
		}
	})
}

func FuzzJSONValues(f *testing.F) {
	obj := `{"a":{"b":[1,2,{"c":"}\n{"}]}}`
	for _, s := range []string{
		obj + "\n" + obj + "\n" + obj + "\n" + obj,
		obj + "}\n{" + obj + "\n" + obj,
		obj + "\n  7\n" + obj + "\n" + obj,
		"{\n \"a\": {\n  \"b\": 1}\n}\n{\n \"a\": 2.5\n}\n{}\n{}",
		`{"a":{"b":1}` + "\n" + `{"c":2}}` + "\n{}\n{}",
		"{}\n{}\n{}\n{}\n\n\n",
		"{}\n{}\n{\"a\":[}\n{}",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		want, wantOK := jsonValues(data, 1)
		for pieces := 2; pieces <= 4; pieces++ {
			if got, ok := jsonValues(data, pieces); ok != wantOK || !slices.Equal(got, want) {
				t.Fatalf("%d pieces: %v %v, one piece: %v %v", pieces, got, ok, want, wantOK)
			}
		}
	})
}
