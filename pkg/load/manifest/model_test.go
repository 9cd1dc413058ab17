package manifest

import (
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

func TestWorkloadModel(t *testing.T) {
	t.Parallel()
	tmpl := func(path string) []string {
		return []string{
			path + "  template:",
			path + "    metadata:",
			path + "      labels: {app: x}",
			path + "      annotations: {a: b}",
			path + "    spec:",
			path + "      hostNetwork: true",
			path + "      serviceAccountName: sa",
			path + "      initContainers: [{name: init, image: i, ports: [{containerPort: 4143, name: proxy}]}]",
			path + "      containers: [{name: main, image: m, ports: [{containerPort: 53, protocol: UDP}, {containerPort: 80, name: http}], readinessProbe: {httpGet: {port: http, path: /ready}}}]",
		}
	}
	spec := model.PodSpec{
		Labels:         map[string]string{"app": "x"},
		Annotations:    map[string]string{"a": "b"},
		HostNetwork:    true,
		ServiceAccount: "sa",
		Probes:         []model.HTTPProbe{{Container: "main", Port: intstr.FromString("http"), Path: "/ready"}},
		Containers: []model.Container{
			{Name: "init", Image: "i", Init: true, Ports: []model.ContainerPort{{Container: "init", Name: "proxy", Port: 4143, Protocol: model.TCP}}},
			{Name: "main", Image: "m", Ports: []model.ContainerPort{
				{Container: "main", Port: 53, Protocol: model.UDP},
				{Container: "main", Name: "http", Port: 80, Protocol: model.TCP},
			}},
		},
	}
	tests := []struct {
		name     string
		in       string
		kind     model.Kind
		replicas int32
	}{
		{"Deployment: replicas default 1", obj("apps/v1", "Deployment", "ns", "w", append([]string{"spec:", "  selector: {matchLabels: {app: x}}"}, tmpl("")...)...), model.KindDeployment, 1},
		{"Deployment: explicit replicas", obj("apps/v1", "Deployment", "ns", "w", append([]string{"spec:", "  selector: {matchLabels: {app: x}}", "  replicas: 3"}, tmpl("")...)...), model.KindDeployment, 3},
		{"Deployment: extensions/v1beta1", obj("extensions/v1beta1", "Deployment", "ns", "w", append([]string{"spec:"}, tmpl("")...)...), model.KindDeployment, 1},
		{"StatefulSet", obj("apps/v1", "StatefulSet", "ns", "w", append([]string{"spec:", "  selector: {matchLabels: {app: x}}", "  replicas: 2"}, tmpl("")...)...), model.KindStatefulSet, 2},
		{"DaemonSet: replicas 0", obj("apps/v1", "DaemonSet", "ns", "w", append([]string{"spec:", "  selector: {matchLabels: {app: x}}"}, tmpl("")...)...), model.KindDaemonSet, 0},
		{"ReplicaSet", obj("apps/v1", "ReplicaSet", "ns", "w", append([]string{"spec:", "  selector: {matchLabels: {app: x}}"}, tmpl("")...)...), model.KindReplicaSet, 1},
		{"ReplicationController", obj("v1", "ReplicationController", "ns", "w", append([]string{"spec:"}, tmpl("")...)...), model.KindReplicationController, 1},
		{"Job: parallelism default 1", obj("batch/v1", "Job", "ns", "w", append([]string{"spec:"}, tmpl("")...)...), model.KindJob, 1},
		{"Job: parallelism", obj("batch/v1", "Job", "ns", "w", append([]string{"spec:", "  parallelism: 4"}, tmpl("")...)...), model.KindJob, 4},
		{"CronJob: template under jobTemplate", obj("batch/v1", "CronJob", "ns", "w", append([]string{"spec:", "  schedule: '* * * * *'", "  jobTemplate:", "    spec:"}, tmpl("    ")...)...), model.KindCronJob, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := decodeOK(t, tt.in)
			want := []model.Workload{{
				Kind: tt.kind, Namespace: "ns", Name: "w", Template: spec, Replicas: tt.replicas,
				Source: model.Source{File: "in.yaml", Line: 1},
			}}
			if diff := cmp.Diff(want, c.Workloads, cmpOpts...); diff != "" {
				t.Errorf("workloads (-want +got):\n%s", diff)
			}
		})
	}
}

func TestBarePod(t *testing.T) {
	t.Parallel()
	in := obj("v1", "Pod", "ns", "p",
		"  labels: {app: p}",
		"spec: {nodeName: n1, containers: [{name: c, image: i}]}",
		"status: {podIP: 10.0.0.1, podIPs: [{ip: 10.0.0.1}, {ip: 'fd00::1'}]}")
	c, _ := decodeOK(t, in)
	spec := model.PodSpec{Labels: map[string]string{"app": "p"}, ServiceAccount: "default", Containers: []model.Container{{Name: "c", Image: "i"}}}
	src := model.Source{File: "in.yaml", Line: 1}
	want := []model.Workload{{
		Kind: model.KindPod, Namespace: "ns", Name: "p", Labels: map[string]string{"app": "p"},
		Template: spec, Replicas: 1, Source: src,
		Pods: []model.Pod{{Name: "p", Spec: spec, NodeName: "n1", Source: src,
			IPs: []netip.Addr{netip.MustParseAddr("10.0.0.1"), netip.MustParseAddr("fd00::1")}}},
	}}
	if diff := cmp.Diff(want, c.Workloads, cmpOpts...); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
}

func TestServiceAndObjects(t *testing.T) {
	t.Parallel()
	in := docs(
		obj("v1", "Service", "ns", "s", "spec:", "  selector: {app: web}",
			"  ports: [{name: http, port: 80, targetPort: web}, {name: dns, port: 53, protocol: UDP}]"),
		obj("v1", "ConfigMap", "ns", "cm", "  labels: {l: v}", "data: {k: v}"),
		obj("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", "", "hook", "webhooks: [{name: a.b.c}]"),
		obj("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", "ignored", "vhook"),
		obj("apiregistration.k8s.io/v1", "APIService", "", "v1.tap", "spec: {group: tap}"),
	)
	c, _ := decodeOK(t, in)
	wantSvc := []model.Service{{Namespace: "ns", Name: "s", Type: "ClusterIP", Selector: map[string]string{"app": "web"},
		Ports: []model.ServicePort{
			{Name: "http", Port: 80, TargetPort: intstr.FromString("web"), Protocol: model.TCP},
			{Name: "dns", Port: 53, Protocol: model.UDP},
		}, Source: model.Source{File: "in.yaml", Line: 1}}}
	if diff := cmp.Diff(wantSvc, c.Services, cmpOpts...); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	src := func(line int) model.Source { return model.Source{File: "in.yaml", Line: line} }
	wantObj := []model.Object{
		{APIVersion: "admissionregistration.k8s.io/v1", Kind: "MutatingWebhookConfiguration", Name: "hook", Source: src(18)},
		{APIVersion: "apiregistration.k8s.io/v1", Kind: "APIService", Name: "v1.tap", Source: src(30)},
		{APIVersion: "admissionregistration.k8s.io/v1", Kind: "ValidatingWebhookConfiguration", Name: "vhook", Source: src(24)},
		{APIVersion: "v1", Kind: "ConfigMap", Namespace: "ns", Name: "cm", Labels: map[string]string{"l": "v"},
			Data: map[string]string{"k": "v"}, Source: src(10)},
	}
	if diff := cmp.Diff(wantObj, c.Objects, cmpOpts...); diff != "" {
		t.Errorf("objects (-want +got):\n%s", diff)
	}
}

func TestLists(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   string
	}{
		{"kind: List", "apiVersion: v1\nkind: List\nitems:\n- " + indentItem(obj("v1", "ConfigMap", "ns", "a")) + "- " + indentItem(obj("v1", "ConfigMap", "ns", "b"))},
		{"any *List kind", "apiVersion: v1\nkind: ConfigMapList\nitems:\n- " + indentItem(obj("v1", "ConfigMap", "ns", "a")) + "- " + indentItem(obj("v1", "ConfigMap", "ns", "b"))},
		{"List in a List", "apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: List\n  items:\n  - " +
			indentItem(indentItem(obj("v1", "ConfigMap", "ns", "a"))) + "- " + indentItem(obj("v1", "ConfigMap", "ns", "b"))},
		{"JSON List", `{"apiVersion": "v1", "kind": "List", "items": [
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "a", "namespace": "ns"}},
{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "b", "namespace": "ns"}}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := decodeOK(t, tt.in)
			var got []string
			for _, o := range c.Objects {
				got = append(got, o.Namespace+"/"+o.Name)
			}
			if diff := cmp.Diff([]string{"ns/a", "ns/b"}, got); diff != "" {
				t.Errorf("objects (-want +got):\n%s", diff)
			}
		})
	}
}

// indentItem indents all lines but the first by two spaces (a list item).
func indentItem(s string) string {
	out := ""
	for i, l := range splitLines(s) {
		if i > 0 {
			out += "  "
		}
		out += l + "\n"
	}
	return out
}

func splitLines(s string) []string {
	var out []string
	for len(s) > 0 {
		i := 0
		for i < len(s) && s[i] != '\n' {
			i++
		}
		out = append(out, s[:i])
		if i < len(s) {
			i++
		}
		s = s[i:]
	}
	return out
}

func TestAliasesAndMergeKeys(t *testing.T) {
	t.Parallel()
	in := `apiVersion: v1
kind: ConfigMap
metadata:
  name: cm
  labels: &base {a: "1", b: "2"}
  annotations:
    <<: [*base, {c: "3", a: "x"}]
    b: own
data: *base
`
	c, _ := decodeOK(t, in)
	got := c.Objects[0]
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "own", "c": "3"}, got.Annotations); diff != "" {
		t.Errorf("merged annotations (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(map[string]string{"a": "1", "b": "2"}, got.Data); diff != "" {
		t.Errorf("aliased data (-want +got):\n%s", diff)
	}
}

// TestDuplicateReplaces: an object from a later input replaces the same
// object (kind, namespace, name) from an earlier one, with a notice.
func TestDuplicateReplaces(t *testing.T) {
	t.Parallel()
	b := NewBuilder()
	b.Decode("base.yaml", []byte(docs(deployment("ns", "web", "  replicas: 1"), obj("v1", "Service", "ns", "web"))))
	b.Decode("overlay.yaml", []byte(deployment("ns", "web", "  replicas: 5")))
	c, diags, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Workloads) != 1 || c.Workloads[0].Replicas != 5 || c.Workloads[0].Source.File != "overlay.yaml" {
		t.Errorf("workloads = %+v, want only the later web (5 replicas, overlay.yaml)", c.Workloads)
	}
	want := "notice: overlay.yaml:1: Deployment ns/web: replaces the definition at base.yaml:1"
	if got := diagStrings(diags); len(got) == 0 || got[0] != want {
		t.Errorf("diagnostics = %q, want first %q", got, want)
	}
}

func TestSorted(t *testing.T) {
	t.Parallel()
	c, _ := decodeOK(t, docs(
		deployment("b", "x"), deployment("a", "yy"), deployment("a", "x"),
		obj("apps/v1", "StatefulSet", "a", "x", "spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}}}"),
		policy("podSelector: {}"), obj("networking.k8s.io/v1", "NetworkPolicy", "a", "z"),
	))
	want := []string{"Deployment a/x:", "StatefulSet a/x:", "Deployment a/yy:", "Deployment b/x:"}
	if diff := cmp.Diff(want, workloadNames(c)); diff != "" {
		t.Errorf("workloads (-want +got):\n%s", diff)
	}
	if c.Policies[0].ID() != "a/z" || c.Policies[1].ID() != "ns/p" {
		t.Errorf("policies %s, %s: not sorted", c.Policies[0].ID(), c.Policies[1].ID())
	}
}
