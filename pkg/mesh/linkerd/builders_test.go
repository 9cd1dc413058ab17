package linkerd

import (
	"github.com/podreach/podreach/pkg/model"
)

// Builders for small clusters: an object plus tweak funcs.

type nsTweak func(*model.Namespace)

func namespace(name string, tweaks ...nsTweak) model.Namespace {
	ns := model.Namespace{Name: name, Labels: map[string]string{model.NamespaceNameLabel: name}}
	for _, t := range tweaks {
		t(&ns)
	}
	return ns
}

func nsLabel(k, v string) nsTweak {
	return func(ns *model.Namespace) { ns.Labels[k] = v }
}

func nsAnnotation(k, v string) nsTweak {
	return func(ns *model.Namespace) {
		if ns.Annotations == nil {
			ns.Annotations = map[string]string{}
		}
		ns.Annotations[k] = v
	}
}

type wlTweak func(*model.Workload)

// workload is a workload with one "app" container serving 8080.
func workload(kind model.Kind, ns, name string, tweaks ...wlTweak) model.Workload {
	w := model.Workload{
		Kind: kind, Namespace: ns, Name: name,
		Template: model.PodSpec{
			Labels: map[string]string{"app": name},
			Containers: []model.Container{{Name: "app", Image: "example/" + name, Ports: []model.ContainerPort{
				{Container: "app", Name: "http", Port: 8080, Protocol: model.TCP}}}},
		},
	}
	for _, t := range tweaks {
		t(&w)
	}
	return w
}

func deploy(ns, name string, tweaks ...wlTweak) model.Workload {
	return workload(model.KindDeployment, ns, name, tweaks...)
}

func label(k, v string) wlTweak {
	return func(w *model.Workload) { w.Template.Labels[k] = v }
}

func annotation(k, v string) wlTweak {
	return func(w *model.Workload) {
		if w.Template.Annotations == nil {
			w.Template.Annotations = map[string]string{}
		}
		w.Template.Annotations[k] = v
	}
}

func image(container, ref string) wlTweak {
	return func(w *model.Workload) {
		w.Template.Containers = append(w.Template.Containers, model.Container{Name: container, Image: ref})
	}
}

func hostNetwork(w *model.Workload) { w.Template.HostNetwork = true }

// withProxy gives the template a linkerd-proxy container, as manual or
// control-plane injection does.
func withProxy(w *model.Workload) {
	w.Template.Containers = append(w.Template.Containers, model.Container{Name: containerProxy})
}

// withPod adds one pod instance whose spec is a copy of the template.
func withPod(name string) wlTweak {
	return func(w *model.Workload) {
		w.Pods = append(w.Pods, model.Pod{Name: name, Spec: cloneSpec(w.Template)})
	}
}

// controlPlane is the workload of a control-plane component.
func controlPlane(ns, component string, tweaks ...wlTweak) model.Workload {
	return deploy(ns, "linkerd-"+component, append([]wlTweak{label(labelComponent, component), withProxy}, tweaks...)...)
}

func configMap(ns string, data map[string]string) model.Object {
	return model.Object{APIVersion: "v1", Kind: "ConfigMap", Namespace: ns, Name: configMapName, Data: data}
}

func cluster(nss []model.Namespace, ws []model.Workload, objs ...model.Object) *model.Cluster {
	return &model.Cluster{Namespaces: nss, Workloads: ws, Objects: objs}
}

// install is New for tests.
func install(version string, opts ...Option) *Install {
	in, err := New(MustParseVersion(version), opts...)
	if err != nil {
		panic(err)
	}
	return in
}
