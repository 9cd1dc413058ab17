package manifest

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	sigsjson "sigs.k8s.io/json"

	"github.com/podreach/podreach/internal/synth"
)

// fastAgrees fails t when the fast path takes raw as a T and its value
// differs from the strict reflective decoder's, or that decoder has an
// error or a warning for it. It reports whether the fast path took raw.
func fastAgrees[T any](t *testing.T, raw []byte) bool {
	t.Helper()
	got, ok := fastTyped[T](raw)
	if !ok {
		return false
	}
	want := new(T)
	warnings, err := sigsjson.UnmarshalStrict(raw, want)
	if err != nil || len(warnings) > 0 {
		t.Fatalf("fast path took %s; the strict decoder says %v, warnings %v", raw, err, warnings)
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Fatalf("fast path on %s (-strict decoder +fast):\n%s", raw, d)
	}
	return true
}

// allAgree runs fastAgrees for every type of the fast path; it reports
// whether one took raw.
func allAgree(t *testing.T, raw []byte) bool {
	t.Helper()
	took := fastAgrees[corev1.Pod](t, raw)
	took = fastAgrees[appsv1.Deployment](t, raw) || took
	took = fastAgrees[appsv1.StatefulSet](t, raw) || took
	took = fastAgrees[appsv1.DaemonSet](t, raw) || took
	return fastAgrees[batchv1.Job](t, raw) || took
}

// TestFastTypedAgrees: every Pod, Deployment, StatefulSet, DaemonSet and
// Job of a generated cluster takes the fast path and decodes as the strict
// decoder decodes it; each way of leaving the common shape makes it give
// up.
func TestFastTypedAgrees(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := synth.Write(&buf, synth.Generate(synth.SizeM.Config(1)), synth.FormatJSON); err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for line := range bytes.Lines(buf.Bytes()) {
		line = bytes.TrimSpace(line)
		var h struct{ Kind string }
		if err := json.Unmarshal(line, &h); err != nil {
			t.Fatal(err)
		}
		took := false
		switch h.Kind {
		case "Pod":
			took = fastAgrees[corev1.Pod](t, line)
		case "Deployment":
			took = fastAgrees[appsv1.Deployment](t, line)
		case "StatefulSet":
			took = fastAgrees[appsv1.StatefulSet](t, line)
		case "DaemonSet":
			took = fastAgrees[appsv1.DaemonSet](t, line)
		case "Job":
			took = fastAgrees[batchv1.Job](t, line)
		default:
			continue
		}
		if !took {
			t.Fatalf("the fast path gave up on %s", line)
		}
		kinds[h.Kind]++
	}
	if len(kinds) != 5 || kinds["Pod"] < 1000 {
		t.Fatalf("objects read: %v", kinds)
	}

	base := `{"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p", "labels": {"app": "web"}, "ownerReferences": [{"kind": "ReplicaSet", "name": "r", "controller": true}]}, ` +
		`"spec": {"containers": [{"name": "c", "ports": [{"name": "http", "containerPort": 8080, "protocol": "TCP"}], "resources": {}}], "hostNetwork": false}, ` +
		`"status": {"podIP": "10.0.0.1", "podIPs": [{"ip": "10.0.0.1"}, {"ip": "fd00::1"}]}}`
	if !fastAgrees[corev1.Pod](t, []byte(base)) {
		t.Fatal("the fast path gave up on the base pod")
	}
	for _, tt := range []struct{ name, from, to string }{
		{"unknown field", `"hostNetwork": false`, `"hostNetwork": false, "dnsPolicy": "None"`},
		{"field in another case", `"podIP"`, `"PodIP"`},
		{"repeated field", `"name": "p",`, `"name": "p", "name": "q",`},
		{"null", `"labels": {"app": "web"}`, `"labels": null`},
		{"escape", `"name": "p"`, `"name": "p\u0041"`},
		{"fraction", `8080`, `8080.0`},
		{"exponent", `8080`, `8e3`},
		{"out of range", `8080`, `2147483648`},
		{"string for a number", `8080`, `"8080"`},
		{"number for a string", `"protocol": "TCP"`, `"protocol": 6`},
		{"string for a boolean", `"controller": true`, `"controller": "true"`},
		{"resources set", `"resources": {}`, `"resources": {"limits": {"cpu": "1"}}`},
		{"number for a label", `"app": "web"`, `"app": 1`},
		{"invalid UTF-8", `"name": "p"`, "\"name\": \"p\xff\""},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := strings.Replace(base, tt.from, tt.to, 1)
			if in == base {
				t.Fatalf("%q is not in the base pod", tt.from)
			}
			if allAgree(t, []byte(in)) {
				t.Errorf("the fast path took %s", in)
			}
		})
	}
}

// FuzzFastTyped: whatever valid JSON the fast path takes, it decodes as the strict
// reflective decoder does, which neither fails nor warns on it.
func FuzzFastTyped(f *testing.F) {
	for _, s := range []string{
		`{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","namespace":"n","uid":"u","generateName":"p-","labels":{"a":"b"},"annotations":{"x":"é"},"ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"r","uid":"","controller":true,"blockOwnerDeletion":false}]},"spec":{"containers":[{"name":"c","image":"i","ports":[{"name":"http","containerPort":80,"hostPort":-1,"hostIP":"1.2.3.4","protocol":"UDP"}],"resources":{}}],"initContainers":[],"nodeName":"n1","hostNetwork":true,"restartPolicy":"Never","serviceAccountName":"sa"},"status":{"phase":"Running","hostIP":"10.0.0.9","podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}]}}`,
		`{"kind":"Pod","metadata":{},"spec":{},"status":{}}`,
		`{"metadata":{"labels":{}},"spec":{"containers":[{"ports":[]}]}}`,
		` { "kind" : "Pod" , "spec" : { "containers" : [ { "name" : "c" } , { "name" : "d" } ] } } `,
		`{"spec":{"containers":[{"ports":[{"containerPort":-2147483648},{"containerPort":0}]}]}}`,
		`{"kind":"Deployment","apiVersion":"apps/v1","metadata":{"name":"d","namespace":"n","labels":{"app":"a"}},"spec":{"replicas":2,"selector":{"matchLabels":{"app":"a"},"matchExpressions":[{"key":"k","operator":"In","values":["v"]}]},"template":{"metadata":{"labels":{"app":"a"}},"spec":{"containers":[{"name":"c","ports":[{"containerPort":80}],"resources":{}}]}},"strategy":{}},"status":{}}`,
		`{"kind":"StatefulSet","spec":{"replicas":0,"selector":{},"template":{},"serviceName":"s","updateStrategy":{}},"status":{"replicas":1,"readyReplicas":1,"currentReplicas":1,"updatedReplicas":1,"availableReplicas":1}}`,
		`{"kind":"DaemonSet","spec":{"selector":{"matchExpressions":[]},"template":{"spec":{"hostNetwork":true}},"updateStrategy":{}},"status":{"currentNumberScheduled":1,"numberMisscheduled":0,"desiredNumberScheduled":1,"numberReady":1}}`,
		`{"kind":"Job","spec":{"template":{"spec":{"restartPolicy":"Never","containers":[{"name":"j","restartPolicy":"Always"}]}}},"status":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if json.Valid(data) { // the fast path reads values of a validated stream
			allAgree(t, data)
		}
	})
}
