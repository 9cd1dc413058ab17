package linkerd

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

func TestMeshed(t *testing.T) {
	t.Parallel()
	enabledNS := namespace("app", nsAnnotation(annotationInject, "enabled"))
	plainNS := namespace("app")
	disabledNS := namespace("app", nsAnnotation(annotationInject, "disabled"))
	noWebhooks := namespace("app", nsAnnotation(annotationInject, "enabled"), nsLabel(labelWebhooks, "disabled"))
	kubeSystem := namespace("kube-system", nsAnnotation(annotationInject, "enabled"))
	certManager := namespace("cert-manager", nsAnnotation(annotationInject, "enabled"))
	podOn := annotation(annotationInject, "enabled")
	podOff := annotation(annotationInject, "disabled")
	asInit := func(w *model.Workload) {
		w.Template.Containers = append(w.Template.Containers, model.Container{Name: containerProxy, Init: true})
	}
	tests := []struct {
		name    string
		version string
		opts    []Option
		ns      model.Namespace
		w       model.Workload
		want    bool
	}{
		{"namespace enabled", "2.14.10", nil, enabledNS, deploy("app", "web"), true},
		{"namespace enabled, pod disabled", "2.14.10", nil, enabledNS, deploy("app", "web", podOff), false},
		{"pod enabled", "2.14.10", nil, plainNS, deploy("app", "web", podOn), true},
		{"pod enabled overrides namespace disabled", "2.14.10", nil, disabledNS, deploy("app", "web", podOn), true},
		{"pod ingress", "2.14.10", nil, plainNS, deploy("app", "web", annotation(annotationInject, "ingress")), true},
		{"pod unknown value", "2.14.10", nil, enabledNS, deploy("app", "web", annotation(annotationInject, "true")), false},
		{"no annotation anywhere", "2.14.10", nil, plainNS, deploy("app", "web"), false},
		{"admission-webhooks=disabled namespace", "2.14.10", nil, noWebhooks, deploy("app", "web", podOn), false},
		{"kube-system from 2.12", "2.12", nil, kubeSystem, deploy("kube-system", "web"), false},
		{"kube-system before 2.12", "2.11", nil, kubeSystem, deploy("kube-system", "web"), true},
		{"cert-manager from 2.12", "edge-26.8.3", nil, certManager, deploy("cert-manager", "web"), false},
		{"hostNetwork", "2.14.10", nil, enabledNS, deploy("app", "web", podOn, hostNetwork), false},
		{"already injected", "2.14.10", nil, plainNS, deploy("app", "web", withProxy), true},
		{"already injected, native sidecar", "2.14.10", nil, plainNS, deploy("app", "web", asInit), true},
		{"already injected, opted out and host network", "2.14.10", nil, noWebhooks, deploy("app", "web", withProxy, podOff, hostNetwork), true},
		{"seed era without injector", "edge-19.1.2", nil, enabledNS, deploy("app", "web"), false},
		{"seed era with injector", "edge-19.1.2", []Option{WithComponents("proxy-injector")}, enabledNS, deploy("app", "web"), true},
		{"injector always from 2.4", "2.4", nil, enabledNS, deploy("app", "web"), true},
		{"undeclared namespace", "2.14.10", nil, namespace("elsewhere"), deploy("app", "web", podOn), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := install(tt.version, tt.opts...)
			c := cluster([]model.Namespace{tt.ns}, []model.Workload{tt.w})
			if got := in.Meshed(c, &c.Workloads[0]); got != tt.want {
				t.Errorf("Meshed = %v, want %v", got, tt.want)
			}
		})
	}
}

// injected is what an Inject test compares for one workload.
type injected struct {
	Labels      map[string]string
	Annotations map[string]string
	Containers  []model.Container
}

func proxy(init bool, admin string) model.Container {
	return model.Container{Name: containerProxy, Init: init, Ports: []model.ContainerPort{
		{Container: containerProxy, Name: "linkerd-proxy", Port: 4143, Protocol: model.TCP},
		{Container: containerProxy, Name: admin, Port: 4191, Protocol: model.TCP}}}
}

func appContainer(name string) model.Container {
	return model.Container{Name: "app", Image: "example/" + name, Ports: []model.ContainerPort{
		{Container: "app", Name: "http", Port: 8080, Protocol: model.TCP}}}
}

func TestInject(t *testing.T) {
	t.Parallel()
	initC := model.Container{Name: containerInit, Init: true}
	labels := func(kv ...string) map[string]string {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return m
	}
	on := annotation(annotationInject, "enabled")
	tests := []struct {
		name    string
		version string
		opts    []Option
		w       model.Workload
		want    injected
	}{
		{"deployment", "2.14.10", nil, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("web")}}},
		{"statefulset", "2.14.10", nil, workload(model.KindStatefulSet, "app", "db", on), injected{
			labels("app", "db", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-statefulset", "db"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("db")}}},
		{"daemonset", "2.14.10", nil, workload(model.KindDaemonSet, "app", "agent", on), injected{
			labels("app", "agent", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-daemonset", "agent"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("agent")}}},
		{"replicaset", "2.14.10", nil, workload(model.KindReplicaSet, "app", "rs", on), injected{
			labels("app", "rs", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-replicaset", "rs"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("rs")}}},
		{"replicationcontroller", "2.14.10", nil, workload(model.KindReplicationController, "app", "rc", on), injected{
			labels("app", "rc", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-replicationcontroller", "rc"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("rc")}}},
		{"job", "2.14.10", nil, workload(model.KindJob, "app", "migrate", on), injected{
			labels("app", "migrate", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-job", "migrate"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("migrate")}}},
		{"cronjob", "2.14.10", nil, workload(model.KindCronJob, "app", "nightly", on), injected{
			labels("app", "nightly", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-cronjob", "nightly"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("nightly")}}},
		{"bare pod: no owner label", "2.14.10", nil, workload(model.KindPod, "app", "debug", on), injected{
			labels("app", "debug", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("debug")}}},
		{"no workload-ns before 2.9", "2.8", nil, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("web")}}},
		{"linkerd-metrics before 2.3", "edge-19.1.2", []Option{WithComponents("proxy-injector")}, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-metrics"), appContainer("web")}}},
		{"native sidecar from 2.20, custom control-plane namespace", "edge-26.8.3", []Option{WithNamespace("l5d")}, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "l5d", labelWorkloadNS, "app", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(true, "linkerd-admin"), appContainer("web")}}},
		{"native sidecar off in config", "edge-26.8.3", []Option{WithNativeSidecar(false)}, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{initC, proxy(false, "linkerd-admin"), appContainer("web")}}},
		{"CNI: network validator instead of linkerd-init", "2.14.10", []Option{WithCNI(true)}, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{{Name: "linkerd-network-validator", Init: true}, proxy(false, "linkerd-admin"), appContainer("web")}}},
		{"CNI before 2.13: no init container", "2.12", []Option{WithCNI(true)}, deploy("app", "web", on), injected{
			labels("app", "web", labelControlPlaneNS, "linkerd", labelWorkloadNS, "app", "linkerd.io/proxy-deployment", "web"),
			labels(annotationInject, "enabled"), []model.Container{proxy(false, "linkerd-admin"), appContainer("web")}}},
		{"not injected: untouched", "2.14.10", nil, deploy("app", "web"), injected{
			labels("app", "web"), nil, []model.Container{appContainer("web")}}},
		{"already injected: untouched", "2.14.10", nil, deploy("app", "web", on, withProxy), injected{
			labels("app", "web"), labels(annotationInject, "enabled"), []model.Container{appContainer("web"), {Name: containerProxy}}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in := install(tt.version, tt.opts...)
			c := cluster([]model.Namespace{namespace("app")}, []model.Workload{tt.w})
			got := in.Inject(c).Workloads[0].Template
			gotSum := injected{got.Labels, got.Annotations, got.Containers}
			for i := range gotSum.Containers {
				if gotSum.Containers[i].Name == containerProxy {
					gotSum.Containers[i].Image = "" // for display only
				}
			}
			if diff := cmp.Diff(tt.want, gotSum); diff != "" {
				t.Errorf("injected template (-want +got):\n%s", diff)
			}
		})
	}
}

func TestInjectPodsNamespaceAnnotationsAndCopy(t *testing.T) {
	t.Parallel()
	in := install("2.14.10")
	ns := namespace("app", nsAnnotation(annotationInject, "enabled"),
		nsAnnotation(annotationOpaquePorts, "6379"), nsAnnotation(annotationSkipInbound, "9000"),
		nsAnnotation("unrelated.example.com/x", "y"))
	w := deploy("app", "redis", annotation(annotationSkipInbound, "9100"), withPod("redis-1"), withPod("redis-2"))
	c := cluster([]model.Namespace{ns}, []model.Workload{w})
	before := cloneCluster(c)

	out := in.Inject(c)
	if diff := cmp.Diff(before, c); diff != "" {
		t.Fatalf("Inject modified its input (-before +after):\n%s", diff)
	}
	wantAnn := map[string]string{annotationOpaquePorts: "6379", annotationSkipInbound: "9100"} // pod's own value wins
	for _, spec := range []*model.PodSpec{&out.Workloads[0].Template, &out.Workloads[0].Pods[0].Spec, &out.Workloads[0].Pods[1].Spec} {
		if diff := cmp.Diff(wantAnn, spec.Annotations); diff != "" {
			t.Errorf("annotations (-want +got):\n%s", diff)
		}
		if spec.Labels[labelControlPlaneNS] != "linkerd" || spec.Labels["linkerd.io/proxy-deployment"] != "redis" || !hasProxy(spec) {
			t.Errorf("spec not injected: %+v", spec)
		}
	}
	out.Workloads[0].Pods[0].Spec.Labels["x"] = "y"
	if _, shared := out.Workloads[0].Pods[1].Spec.Labels["x"]; shared {
		t.Error("pods share a label map")
	}
	if !in.Meshed(out, &out.Workloads[0]) {
		t.Error("injected workload is not Meshed")
	}
}
