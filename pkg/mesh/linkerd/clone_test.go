package linkerd

import (
	"maps"
	"net/netip"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// TestCloneKnowsModelFields fails when a model type gains a field:
// cloneCluster must then be taught to copy it deeply.
func TestCloneKnowsModelFields(t *testing.T) {
	t.Parallel()
	known := map[reflect.Type][]string{
		reflect.TypeFor[model.Cluster]():       {"Namespaces", "Workloads", "Services", "Policies", "Objects", "Unevaluated", "Externals", "Gaps", "ClusterPolicies", "Nodes", "MeshPolicies"},
		reflect.TypeFor[model.Node]():          {"Name", "Labels", "Addresses", "Source"},
		reflect.TypeFor[model.ClusterPolicy](): {"CNP", "ANP", "BANP", "Source"},
		reflect.TypeFor[model.Namespace]():     {"Name", "Labels", "Annotations", "Implicit", "Source"},
		reflect.TypeFor[model.Workload]():      {"Kind", "Namespace", "Name", "Labels", "Annotations", "Template", "Replicas", "Pods", "Source"},
		reflect.TypeFor[model.PodSpec]():       {"Labels", "Annotations", "Containers", "HostNetwork", "ServiceAccount", "Probes"},
		reflect.TypeFor[model.Container]():     {"Name", "Image", "Init", "Ports"},
		reflect.TypeFor[model.Pod]():           {"Name", "Spec", "IPs", "NodeName", "Source"},
		reflect.TypeFor[model.Service]():       {"Namespace", "Name", "Type", "Headless", "Selector", "Ports", "Source"},
		reflect.TypeFor[model.Policy]():        {"NetworkPolicy", "Source"},
		reflect.TypeFor[model.Object]():        {"APIVersion", "Kind", "Namespace", "Name", "Labels", "Annotations", "Data", "Source"},
		reflect.TypeFor[model.External]():      {"Name", "Prefix"},
		reflect.TypeFor[model.Gap]():           {"Namespace", "Resources", "Reason"},
	}
	for typ, want := range known {
		var got []string
		for f := range typ.Fields() {
			got = append(got, f.Name)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s fields changed; update cloneCluster (-known +now):\n%s", typ, diff)
		}
	}
}

func TestCloneIsDeep(t *testing.T) {
	t.Parallel()
	c := &model.Cluster{
		Namespaces: []model.Namespace{namespace("app", nsAnnotation("a", "b"))},
		Workloads:  []model.Workload{deploy("app", "web", annotation("a", "b"), withPod("web-1"))},
		Services:   []model.Service{{Namespace: "app", Name: "web", Selector: map[string]string{"app": "web"}, Ports: []model.ServicePort{{Port: 80}}}},
		Policies: []model.Policy{{NetworkPolicy: &networkingv1.NetworkPolicy{
			ObjectMeta: metav1.ObjectMeta{Namespace: "app", Name: "deny", Labels: map[string]string{"x": "y"}}}}},
		Objects:   []model.Object{configMap("linkerd", map[string]string{"values": "x"})},
		Externals: []model.External{{Name: "apiserver", Prefix: netip.MustParsePrefix("10.0.0.1/32")}},
	}
	c.Workloads[0].Pods[0].IPs = []netip.Addr{netip.MustParseAddr("10.1.0.1")}
	before := cloneCluster(c)
	out := cloneCluster(c)
	if diff := cmp.Diff(c, out, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Fatalf("clone differs (-orig +clone):\n%s", diff)
	}
	out.Namespaces[0].Annotations["a"] = "changed"
	out.Workloads[0].Template.Labels["app"] = "changed"
	out.Workloads[0].Template.Containers[0].Ports[0].Port = 1
	out.Workloads[0].Pods[0].Spec.Labels["app"] = "changed"
	out.Workloads[0].Pods[0].IPs[0] = netip.MustParseAddr("10.9.9.9")
	out.Services[0].Selector["app"] = "changed"
	out.Services[0].Ports[0].Port = 1
	out.Policies[0].NetworkPolicy.Labels["x"] = "changed"
	out.Objects[0].Data["values"] = "changed"
	out.Externals[0].Name = "changed"
	if diff := cmp.Diff(before, c, cmp.Comparer(func(a, b netip.Addr) bool { return a == b }),
		cmp.Comparer(func(a, b netip.Prefix) bool { return a == b })); diff != "" {
		t.Errorf("changing the clone changed the original (-before +after):\n%s", diff)
	}
}

// cloneCluster returns a deep copy of c: no map, slice or pointer is shared.
// Tests use it to snapshot clusters and as the reference for Inject's
// copy-on-write (TestCloneKnowsModelFields fails when a model type gains a
// field this function does not know).
func cloneCluster(c *model.Cluster) *model.Cluster {
	out := &model.Cluster{
		Namespaces:  slices.Clone(c.Namespaces),
		Workloads:   slices.Clone(c.Workloads),
		Services:    slices.Clone(c.Services),
		Policies:    slices.Clone(c.Policies),
		Objects:     slices.Clone(c.Objects),
		Unevaluated: slices.Clone(c.Unevaluated),
		Externals:   slices.Clone(c.Externals),
		Gaps:        slices.Clone(c.Gaps),
		// The policies' API objects are shared: injection never reads them.
		ClusterPolicies: slices.Clone(c.ClusterPolicies),
		Nodes:           slices.Clone(c.Nodes),
		// The policies' specs are shared: injection never reads them.
		MeshPolicies: slices.Clone(c.MeshPolicies),
	}
	for i := range out.Nodes {
		n := &out.Nodes[i]
		n.Labels, n.Addresses = maps.Clone(n.Labels), slices.Clone(n.Addresses)
	}
	for i := range out.Gaps {
		out.Gaps[i].Resources = slices.Clone(out.Gaps[i].Resources)
	}
	for i := range out.Namespaces {
		ns := &out.Namespaces[i]
		ns.Labels, ns.Annotations = maps.Clone(ns.Labels), maps.Clone(ns.Annotations)
	}
	for i := range out.Workloads {
		w := &out.Workloads[i]
		w.Labels, w.Annotations = maps.Clone(w.Labels), maps.Clone(w.Annotations)
		w.Template = cloneSpec(w.Template)
		w.Pods = slices.Clone(w.Pods)
		for j := range w.Pods {
			p := &w.Pods[j]
			p.Spec, p.IPs = cloneSpec(p.Spec), slices.Clone(p.IPs)
		}
	}
	for i := range out.Services {
		s := &out.Services[i]
		s.Selector, s.Ports = maps.Clone(s.Selector), slices.Clone(s.Ports)
	}
	for i := range out.Policies {
		out.Policies[i].NetworkPolicy = out.Policies[i].NetworkPolicy.DeepCopy()
	}
	for _, os := range [][]model.Object{out.Objects, out.Unevaluated} {
		for i := range os {
			o := &os[i]
			o.Labels, o.Annotations, o.Data = maps.Clone(o.Labels), maps.Clone(o.Annotations), maps.Clone(o.Data)
		}
	}
	return out
}

func cloneSpec(s model.PodSpec) model.PodSpec {
	s.Labels, s.Annotations = maps.Clone(s.Labels), maps.Clone(s.Annotations)
	s.Containers, s.Probes = slices.Clone(s.Containers), slices.Clone(s.Probes)
	for i := range s.Containers {
		s.Containers[i].Ports = slices.Clone(s.Containers[i].Ports)
	}
	return s
}
