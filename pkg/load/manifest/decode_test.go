package manifest

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

const nsNotice = "notice: namespace used but not declared, assumed with only the kubernetes.io/metadata.name label: "

func TestDecodeDiagnostics(t *testing.T) {
	t.Parallel()
	cm := func(body ...string) string { return obj("v1", "ConfigMap", "ns", "cm", body...) }
	tests := []struct {
		name string
		file string // default in.yaml
		in   string
		want []string
	}{
		{"empty documents are skipped", "", "# only a comment\n---\n---\n~\n---\n" + cm() + "---\n# trailing\n",
			[]string{nsNotice + "ns"}},
		{"empty stream", "", "", nil},
		{"missing apiVersion and kind names the line", "", "a: 1\n---\n\nmetadata: {name: x}\n",
			[]string{"error: in.yaml:1: missing apiVersion and kind (not a Kubernetes object?)",
				"error: in.yaml:4: missing apiVersion and kind (not a Kubernetes object?)"}},
		{"missing kind", "", "apiVersion: v1\nmetadata: {name: x}\n",
			[]string{"error: in.yaml:1: missing kind (not a Kubernetes object?)"}},
		{"kind must be a string", "", "apiVersion: v1\nkind: [Pod]\n",
			[]string{"error: in.yaml:2: kind: kind must be a string"}},
		{"document must be a mapping", "", "- a\n- b\n",
			[]string{"error: in.yaml:1: expected a Kubernetes object (a mapping), got a sequence"}},
		{"YAML syntax error names its line", "", cm() + "---\na: b\n c: d\n",
			[]string{"error: in.yaml:8: invalid YAML: mapping values are not allowed in this context", nsNotice + "ns"}},
		{"JSON syntax error", "in.json", "{\"apiVersion\": \"v1\",\n \"kind\": }",
			[]string{"error: in.json:2: invalid JSON: invalid character '}' looking for beginning of value"}},
		{"truncated JSON", "in.json", "{\"apiVersion\": \"v1\",\n \"kind\": \"Pod\"",
			[]string{"error: in.json:2: invalid JSON: unexpected EOF"}},
		{"unsupported NetworkPolicy apiVersion", "", obj("extensions/v1beta1", "NetworkPolicy", "ns", "p"),
			[]string{`error: in.yaml:1: NetworkPolicy ns/p: apiVersion: unsupported apiVersion "extensions/v1beta1" for NetworkPolicy (only networking.k8s.io/v1 is understood)`}},
		{"unknown kinds are summarized once", "", docs(
			obj("v1", "ServiceAccount", "ns", "a"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "r1"),
			obj("v1", "ServiceAccount", "ns", "b"), obj("rbac.authorization.k8s.io/v1", "ClusterRole", "", "r2"),
			obj("apiextensions.k8s.io/v1", "CustomResourceDefinition", "", "crd"), obj("v1", "Secret", "ns", "s")),
			[]string{"notice: skipped 6 objects of kinds not used for reachability: ClusterRole (2), CustomResourceDefinition (1), Secret (1), ServiceAccount (2)"}},
		{"a known kind in another group is summarized with its apiVersion", "", obj("example.com/v1", "Deployment", "ns", "d"),
			[]string{"notice: skipped 1 object of a kind not used for reachability: Deployment example.com/v1 (1)"}},
		{"unknown field is a warning", "", cm("data: {a: b}", "dat: {a: b}"),
			[]string{"warning: in.yaml:7: ConfigMap ns/cm: dat: unknown field (ignored)", nsNotice + "ns"}},
		{"duplicate field is a warning", "", cm("data: {a: b}", "data: {a: c}"),
			[]string{"warning: in.yaml:6: ConfigMap ns/cm: data: duplicate field (the last value is used)", nsNotice + "ns"}},
		{"YAML 1.1 boolean in a namespace", "", obj("v1", "ConfigMap", "no", "cm"),
			[]string{`error: in.yaml:5: ConfigMap no/cm: metadata.namespace: unquoted YAML value no is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "no"`, nsNotice + "default"}},
		{"YAML 1.2 boolean in a name", "", obj("v1", "ConfigMap", "ns", "true"),
			[]string{`error: in.yaml:4: ConfigMap ns/true: metadata.name: unquoted YAML value true is read as a boolean; quote it: "true"`, nsNotice + "ns"}},
		{"quoted yes is a string", "", cm(`  labels: {a: "yes", b: 'on'}`), []string{nsNotice + "ns"}},
		{"unquoted number in a label value", "", cm("  labels:", "    version: 1.0"),
			[]string{`error: in.yaml:7: ConfigMap ns/cm: metadata.labels.version: unquoted YAML value 1.0 is read as a number; quote it: "1.0"`, nsNotice + "ns"}},
		{"unquoted number in ConfigMap data", "", cm("data:", "  port: 0x50"),
			[]string{`error: in.yaml:7: ConfigMap ns/cm: data.port: unquoted YAML value 0x50 is read as a number; quote it: "0x50"`, nsNotice + "ns"}},
		{"every type error is reported", "", cm("  labels: {a: yes, b: 2, c: ok}", "  annotations:", "    x.io/y: off", "data: [1]"),
			[]string{
				`error: in.yaml:6: ConfigMap ns/cm: metadata.labels.a: unquoted YAML value yes is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "yes"`,
				`error: in.yaml:6: ConfigMap ns/cm: metadata.labels.b: unquoted YAML value 2 is read as a number; quote it: "2"`,
				`error: in.yaml:8: ConfigMap ns/cm: metadata.annotations[x.io/y]: unquoted YAML value off is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "off"`,
				`error: in.yaml:9: ConfigMap ns/cm: data: expected a mapping, got a list`,
				nsNotice + "ns",
			}},
		{"unquoted boolean key warns", "", cm("data:", "  y: a"),
			[]string{`warning: in.yaml:7: ConfigMap ns/cm: data.true: unquoted YAML key y is read as the boolean true (YAML 1.1, as kubectl reads it); quote it if you meant "y"`, nsNotice + "ns"}},
		{"type error inside a list names the index", "", obj("v1", "Pod", "ns", "p", "spec:", "  containers:", "  - name: a", "  - name: on"),
			[]string{`error: in.yaml:9: Pod ns/p: spec.containers[1].name: unquoted YAML value on is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "on"`, nsNotice + "ns"}},
		{"type error in an IntOrString", "", policy("ingress:", "- ports:", "  - port: 80", "  - port: yes", "- ports: [{port: on}]"),
			[]string{
				`error: in.yaml:10: NetworkPolicy ns/p: spec.ingress[0].ports[1].port: unquoted YAML value yes is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "yes"`,
				`error: in.yaml:11: NetworkPolicy ns/p: spec.ingress[1].ports[0].port: unquoted YAML value on is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "on"`,
				nsNotice + "ns",
			}},
		{"error in a Quantity", "", obj("v1", "Pod", "ns", "p", "spec:", "  containers:", "  - name: c", "    resources: {limits: {cpu: lots}}"),
			[]string{`error: in.yaml:1: Pod ns/p: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`}},
		{"mapping key must be a scalar", "", cm("data:", "  ? [a]", "  : b"),
			[]string{`error: in.yaml:7: ConfigMap ns/cm: data: a mapping key must be a string, not a sequence`}},
		{"alias cycle", "", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d\n  x: *d\n",
			[]string{`error: in.yaml:5: ConfigMap default/a: data.x: YAML alias *d refers to a node that contains it`}},
		{"merge cycle", "", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\ndata: &d\n  <<: *d\n",
			[]string{`error: in.yaml:4: ConfigMap default/a: data: a merge key (<<) names a mapping that contains it (a cycle)`}},
		{"alias bomb is bounded", "", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a}\n" + aliasBomb(30),
			[]string{`error: in.yaml:8: ConfigMap default/a: expands to more than 1061152 bytes of JSON (YAML aliases?)`}},
		{"List items must be a list", "", "apiVersion: v1\nkind: List\nitems: {a: b}\n",
			[]string{`error: in.yaml:3: items: List items must be a list`}},
		{"duplicate object within one input is an error", "", docs(cm("data: {v: '1'}"), cm("data: {v: '2'}")),
			[]string{"error: in.yaml:8: ConfigMap ns/cm: defined twice in one input, first at in.yaml:1 (only a later source may replace an object)", nsNotice + "ns"}},
		{"implicit namespaces are listed once", "", docs(obj("v1", "ConfigMap", "linkerd", "a"), obj("v1", "ConfigMap", "emojivoto", "b"),
			obj("v1", "ConfigMap", "emojivoto", "c"), obj("v1", "Namespace", "", "declared"), obj("v1", "ConfigMap", "declared", "d")),
			[]string{"notice: namespaces used but not declared, assumed with only the kubernetes.io/metadata.name label: emojivoto, linkerd"}},
		{"namespace name label is overridden", "", obj("v1", "Namespace", "", "a", "  labels: {kubernetes.io/metadata.name: b}"),
			[]string{`notice: in.yaml:1: Namespace a: metadata.labels[kubernetes.io/metadata.name]: label value "b" is replaced by the namespace name, as the API server does`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			file := tt.file
			if file == "" {
				file = "in.yaml"
			}
			if diff := cmp.Diff(tt.want, decodeDiags(t, file, tt.in)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
}

// aliasBomb is a data: mapping whose last key expands to 2^n values.
func aliasBomb(n int) string {
	s := "data:\n  a0: &a0 [x, x]\n"
	for i := 1; i <= n; i++ {
		s += fmt.Sprintf("  a%d: &a%d [*a%d, *a%d]\n", i, i, i-1, i-1)
	}
	return s
}

func TestYAML11Booleans(t *testing.T) {
	t.Parallel()
	words := []string{"y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO",
		"on", "On", "ON", "off", "Off", "OFF"}
	for _, w := range words {
		t.Run(w, func(t *testing.T) {
			t.Parallel()
			in := obj("v1", "ConfigMap", "", "cm", "  labels:", "    enabled: "+w)
			want := []string{fmt.Sprintf(`error: in.yaml:6: ConfigMap default/cm: metadata.labels.enabled: `+
				`unquoted YAML value %s is read as a boolean (YAML 1.1, as kubectl reads it); quote it: "%s"`, w, w), nsNotice + "default"}
			if diff := cmp.Diff(want, decodeDiags(t, "in.yaml", in)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("where a boolean is expected it is one", func(t *testing.T) {
		t.Parallel()
		c, _ := decodeOK(t, obj("v1", "Pod", "", "p", "spec: {hostNetwork: yes}"))
		if !c.Workloads[0].Template.HostNetwork {
			t.Error("hostNetwork: yes was not read as true")
		}
	})
}

func TestDecodeJSON(t *testing.T) {
	t.Parallel()
	in := `{"apiVersion": "v1", "kind": "List", "items": [
  {"apiVersion": "v1", "kind": "ConfigMap",
   "metadata": {"name": "a", "labels": {"on": "yes"}}},
  {"apiVersion": "v1", "kind": "ConfigMap",
   "metadata": {"name": "b", "namespace": true}}
]}
{"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "default"}}`
	for _, name := range []string{"in.json", "stdin-without-extension"} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			want := []string{`error: ` + name + `:5: ConfigMap true/b: metadata.namespace: expected a string, got a boolean`}
			if diff := cmp.Diff(want, decodeDiags(t, name, in)); diff != "" {
				t.Errorf("diagnostics (-want +got):\n%s", diff)
			}
		})
	}
	t.Run("strings are never YAML 1.1 booleans", func(t *testing.T) {
		t.Parallel()
		c, _, err := Decode("in.json", []byte(in[:strings.Index(in, ",\n  {\"apiVersion\": \"v1\", \"kind\": \"ConfigMap\",\n   \"metadata\": {\"name\": \"b\"")]+"]}"))
		if err != nil {
			t.Fatal(err)
		}
		got := c.Objects[0]
		if got.Labels["on"] != "yes" || got.Source.Line != 2 {
			t.Errorf("object = %+v, want label on=yes from line 2", got)
		}
	})
}

func TestDecodeLimits(t *testing.T) {
	t.Parallel()
	t.Run("type errors per object are bounded", func(t *testing.T) {
		t.Parallel()
		labels := []string{"  labels:"}
		for i := range 30 {
			labels = append(labels, fmt.Sprintf("    l%d: yes", i))
		}
		got := decodeDiags(t, "in.yaml", obj("v1", "ConfigMap", "ns", "cm", labels...))
		if len(got) != maxTypeErrors+1 || got[maxTypeErrors] != "error: in.yaml:1: ConfigMap ns/cm: more values of the wrong type; fix these and run again" {
			t.Errorf("diagnostics = %q, want %d type errors and a last one", got, maxTypeErrors)
		}
	})
	t.Run("aliased Lists are bounded", func(t *testing.T) {
		t.Parallel()
		in := "apiVersion: v1\nkind: List\nitems:\n- &l0 {apiVersion: v1, kind: ConfigMap, metadata: {name: x}}\n"
		for i := 1; i <= 6; i++ {
			in += fmt.Sprintf("- &l%d {apiVersion: v1, kind: List, items: [*l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d, *l%d]}\n",
				i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
		}
		want := "error: in.yaml:4: more objects than the stream can hold (YAML aliases in Lists?); the rest is ignored"
		if got := decodeDiags(t, "in.yaml", in); !slices.Contains(got, want) {
			t.Errorf("diagnostics do not contain %q", want)
		}
	})
}

func TestOtherPolicyAPIsWarn(t *testing.T) {
	t.Parallel()
	doc := `apiVersion: projectcalico.org/v3
kind: NetworkPolicy
metadata: {name: p, namespace: ns}
spec: {}
---
apiVersion: cilium.io/v2
kind: CiliumNetworkPolicy
metadata: {name: c, namespace: ns}
`
	c, diags, err := Decode("in.yaml", []byte(doc))
	if err != nil || c == nil {
		t.Fatalf("Decode: %v", err)
	}
	var warned bool
	for _, d := range diags {
		if d.Severity == model.Warning && strings.Contains(d.Message, "CiliumNetworkPolicy cilium.io/v2 (1), NetworkPolicy projectcalico.org/v3 (1)") {
			warned = true
		}
	}
	if !warned {
		t.Errorf("no warning naming the unevaluated policies: %v", diags)
	}
	if len(c.Policies) != 0 {
		t.Errorf("policies of other APIs were read as NetworkPolicies: %v", c.Policies)
	}
}
