package manifest

import (
	"encoding/json"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// podTemplateHashLabel is the label the Deployment controller puts on its
// ReplicaSets and their pods; a ReplicaSet is named <deployment>-<hash>.
const podTemplateHashLabel = "pod-template-hash"

// meta applies the API server's namespace defaulting to m, records the
// object's identity, and validates the metadata.
func (o *object) meta(m *metav1.ObjectMeta) {
	if clusterScoped(o.kind) {
		m.Namespace = ""
	} else if m.Namespace == "" {
		o.b.placeInDefault(o) // inputs.go
		m.Namespace = o.b.opts.defaultNamespace
	}
	// An object with only a generateName is named by the API server
	// (generateName plus five random characters); it is read under its
	// prefix.
	generated := m.Name == ""
	if generated {
		m.Name = m.GenerateName
	}
	o.name, o.namespace = m.Name, m.Namespace
	validateMeta(o, m, generated)
}

func addNamespace(o *object) {
	ns := decodeAs[corev1.Namespace](o, true)
	if ns == nil {
		return
	}
	o.meta(&ns.ObjectMeta)
	o.b.put(o, &model.Namespace{
		Name:        ns.Name,
		Labels:      ns.Labels,
		Annotations: ns.Annotations,
		Source:      o.source(),
	})
}

func addPod(o *object) {
	p := decodeAs[corev1.Pod](o, true)
	if p == nil {
		return
	}
	o.meta(&p.ObjectMeta)
	o.b.put(o, &podRecord{
		ns: p.Namespace,
		pod: model.Pod{
			Name:     p.Name,
			Spec:     o.podSpec("metadata", &p.ObjectMeta, "spec", &p.Spec),
			IPs:      podIPs(o, &p.Status),
			NodeName: p.Spec.NodeName,
			Source:   o.source(),
		},
		owners: p.OwnerReferences,
	})
}

func addDeployment(o *object) {
	d := decodeAs[appsv1.Deployment](o, true)
	if d == nil {
		return
	}
	o.meta(&d.ObjectMeta)
	validateReplicas(o, "spec.replicas", d.Spec.Replicas)
	validateControllerSelector(o, d.Spec.Selector, &d.Spec.Template, "spec.template")
	o.addWorkload(model.KindDeployment, &d.ObjectMeta, &d.Spec.Template, "spec.template", replicas(d.Spec.Replicas, 1))
}

func addStatefulSet(o *object) {
	s := decodeAs[appsv1.StatefulSet](o, true)
	if s == nil {
		return
	}
	o.meta(&s.ObjectMeta)
	validateReplicas(o, "spec.replicas", s.Spec.Replicas)
	validateControllerSelector(o, s.Spec.Selector, &s.Spec.Template, "spec.template")
	o.addWorkload(model.KindStatefulSet, &s.ObjectMeta, &s.Spec.Template, "spec.template", replicas(s.Spec.Replicas, 1))
}

func addDaemonSet(o *object) {
	d := decodeAs[appsv1.DaemonSet](o, true)
	if d == nil {
		return
	}
	o.meta(&d.ObjectMeta)
	validateControllerSelector(o, d.Spec.Selector, &d.Spec.Template, "spec.template")
	// A DaemonSet runs one pod per eligible node: the count is not declared.
	o.addWorkload(model.KindDaemonSet, &d.ObjectMeta, &d.Spec.Template, "spec.template", 0)
}

func addReplicaSet(o *object) {
	r := decodeAs[appsv1.ReplicaSet](o, true)
	if r == nil {
		return
	}
	o.meta(&r.ObjectMeta)
	validateReplicas(o, "spec.replicas", r.Spec.Replicas)
	validateControllerSelector(o, r.Spec.Selector, &r.Spec.Template, "spec.template")
	o.addWorkload(model.KindReplicaSet, &r.ObjectMeta, &r.Spec.Template, "spec.template", replicas(r.Spec.Replicas, 1))
}

func addReplicationController(o *object) {
	r := decodeAs[corev1.ReplicationController](o, true)
	if r == nil {
		return
	}
	o.meta(&r.ObjectMeta)
	validateReplicas(o, "spec.replicas", r.Spec.Replicas)
	validateRCSelector(o, &r.Spec)
	tmpl := r.Spec.Template
	if tmpl == nil {
		tmpl = &corev1.PodTemplateSpec{}
	}
	o.addWorkload(model.KindReplicationController, &r.ObjectMeta, tmpl, "spec.template", replicas(r.Spec.Replicas, 1))
}

func addJob(o *object) {
	j := decodeAs[batchv1.Job](o, true)
	if j == nil {
		return
	}
	o.meta(&j.ObjectMeta)
	js := &j.Spec
	validateJobSpec(o, "spec", js.ManualSelector, js.Selector, &js.Template, js.Parallelism, js.Completions)
	o.addWorkload(model.KindJob, &j.ObjectMeta, &j.Spec.Template, "spec.template", replicas(j.Spec.Parallelism, 1))
}

func addCronJob(o *object) {
	c := decodeAs[batchv1.CronJob](o, true)
	if c == nil {
		return
	}
	o.meta(&c.ObjectMeta)
	js := &c.Spec.JobTemplate.Spec
	validateJobSpec(o, "spec.jobTemplate.spec", js.ManualSelector, js.Selector, &js.Template, js.Parallelism, js.Completions)
	o.addWorkload(model.KindCronJob, &c.ObjectMeta, &js.Template, "spec.jobTemplate.spec.template", replicas(js.Parallelism, 1))
}

// addWorkload adds a workload built from its metadata and pod template.
func (o *object) addWorkload(kind model.Kind, m *metav1.ObjectMeta, t *corev1.PodTemplateSpec, path string, n int32) {
	hash := m.Labels[podTemplateHashLabel]
	if hash == "" {
		hash = t.Labels[podTemplateHashLabel]
	}
	o.b.put(o, &workloadRecord{
		w: model.Workload{
			Kind:        kind,
			Namespace:   m.Namespace,
			Name:        m.Name,
			Labels:      m.Labels,
			Annotations: m.Annotations,
			Template:    o.podSpec(path+".metadata", &t.ObjectMeta, path+".spec", &t.Spec),
			Replicas:    n,
			Source:      o.source(),
		},
		owners: m.OwnerReferences,
		hash:   hash,
	})
}

// replicas is *p, or def when the field is omitted (the API default).
func replicas(p *int32, def int32) int32 {
	if p == nil {
		return def
	}
	return *p
}

// podSpec extracts what reachability needs from a pod or a pod template.
func (o *object) podSpec(metaPath string, m *metav1.ObjectMeta, specPath string, s *corev1.PodSpec) model.PodSpec {
	validateLabels(o, metaPath+".labels", m.Labels)
	ps := model.PodSpec{Labels: m.Labels, Annotations: m.Annotations, HostNetwork: s.HostNetwork,
		ServiceAccount: serviceAccount(s), Probes: httpProbes(s)}
	n := len(s.InitContainers) + len(s.Containers)
	if n > 0 {
		ps.Containers = make([]model.Container, 0, n)
	}
	names := map[string]string{} // port name -> path
	for i := range s.InitContainers {
		ps.Containers = append(ps.Containers, o.container(&s.InitContainers[i], indexPath(specPath+".initContainers", i), true, names))
	}
	for i := range s.Containers {
		ps.Containers = append(ps.Containers, o.container(&s.Containers[i], indexPath(specPath+".containers", i), false, names))
	}
	return ps
}

func (o *object) container(c *corev1.Container, path string, init bool, names map[string]string) model.Container {
	mc := model.Container{Name: c.Name, Image: c.Image, Init: init}
	for i := range c.Ports {
		if p, ok := containerPort(o, indexPath(path+".ports", i), c.Name, &c.Ports[i], names); ok {
			mc.Ports = append(mc.Ports, p)
		}
	}
	return mc
}

func addService(o *object) {
	s := decodeAs[corev1.Service](o, true)
	if s == nil {
		return
	}
	o.meta(&s.ObjectMeta)
	validateLabels(o, "spec.selector", s.Spec.Selector)
	svc := &model.Service{
		Namespace: s.Namespace,
		Name:      s.Name,
		Type:      string(s.Spec.Type),
		Headless:  s.Spec.ClusterIP == corev1.ClusterIPNone,
		Selector:  s.Spec.Selector,
		Source:    o.source(),
	}
	if svc.Type == "" {
		svc.Type = string(corev1.ServiceTypeClusterIP) // the API default
	}
	validateServicePorts(o, s.Spec.Ports)
	for i := range s.Spec.Ports {
		if p, ok := servicePort(o, indexPath("spec.ports", i), &s.Spec.Ports[i]); ok {
			svc.Ports = append(svc.Ports, p)
		}
	}
	o.b.put(o, svc)
}

func addNetworkPolicy(o *object) {
	np := decodeAs[networkingv1.NetworkPolicy](o, true)
	if np == nil {
		return
	}
	o.meta(&np.ObjectMeta)
	defaultPolicy(np)
	validatePolicy(o, np)
	o.b.put(o, &model.Policy{NetworkPolicy: np, Source: o.source()})
}

func addConfigMap(o *object) {
	cm := decodeAs[corev1.ConfigMap](o, true)
	if cm == nil {
		return
	}
	o.meta(&cm.ObjectMeta)
	o.putObject(&cm.ObjectMeta, cm.Data)
}

// addMetaObject keeps the identity and metadata of webhook configurations
// and APIServices; their specs are not checked (nothing reads them here).
func addMetaObject(o *object) {
	m := decodeAs[metav1.PartialObjectMetadata](o, false)
	if m == nil {
		return
	}
	o.meta(&m.ObjectMeta)
	o.putObject(&m.ObjectMeta, nil)
}

// unevaluatedPolicy is what podreach keeps of a policy it does not
// evaluate: who it is, and its spec to tell what it selects.
type unevaluatedPolicy struct {
	metav1.ObjectMeta `json:"metadata"`
	Spec              json.RawMessage `json:"spec"`
}

// unevaluatedRecord is a policy of a kind podreach does not evaluate
// (policyKind): counted for the warning, kept in Cluster.Unevaluated.
type unevaluatedRecord struct{ o model.Object }

// addUnevaluated keeps a policy podreach does not evaluate, so that the
// answers it could change say so.
func addUnevaluated(o *object) {
	o.b.unevaluated[o.kind+" "+o.apiVersion]++
	if u, ok := unevaluatedObject(o); ok {
		o.b.put(o, &unevaluatedRecord{u})
	}
}

// unevaluatedObject is what Cluster.Unevaluated keeps of a policy.
func unevaluatedObject(o *object) (model.Object, bool) {
	p := decodeAs[unevaluatedPolicy](o, false)
	if p == nil {
		return model.Object{}, false
	}
	ns := p.Namespace
	if clusterwidePolicy(o.kind) {
		ns = ""
	} else if ns == "" {
		ns = o.b.opts.defaultNamespace
	}
	return model.Object{APIVersion: o.apiVersion, Kind: o.kind, Namespace: ns, Name: p.Name,
		Labels: p.Labels, Data: map[string]string{"spec": string(p.Spec)}, Source: o.source()}, true
}

// clusterwidePolicy reports whether a policy kind of policyKind is cluster-scoped.
func clusterwidePolicy(kind string) bool {
	switch kind {
	case "GlobalNetworkPolicy", "StagedGlobalNetworkPolicy", "CiliumClusterwideNetworkPolicy",
		"AdminNetworkPolicy", "BaselineAdminNetworkPolicy", "ClusterNetworkPolicy":
		return true
	}
	return false
}

func (o *object) putObject(m *metav1.ObjectMeta, data map[string]string) {
	o.b.put(o, &model.Object{
		APIVersion:  o.apiVersion,
		Kind:        o.kind,
		Namespace:   m.Namespace,
		Name:        m.Name,
		Labels:      m.Labels,
		Annotations: m.Annotations,
		Data:        data,
		Source:      o.source(),
	})
}

// serviceAccount is spec.serviceAccountName, else the deprecated
// spec.serviceAccount, else "default" (the API server's default).
func serviceAccount(s *corev1.PodSpec) string {
	switch {
	case s.ServiceAccountName != "":
		return s.ServiceAccountName
	case s.DeprecatedServiceAccount != "":
		return s.DeprecatedServiceAccount
	}
	return "default"
}

// httpProbes lists the httpGet liveness, readiness and startup probes of
// every container, init containers included (Linkerd authorizes their
// paths, policy-controller inbound/workload.rs pod_http_probes).
func httpProbes(s *corev1.PodSpec) []model.HTTPProbe {
	var out []model.HTTPProbe
	for _, cs := range [][]corev1.Container{s.InitContainers, s.Containers} {
		for i := range cs {
			c := &cs[i]
			for _, p := range []*corev1.Probe{c.LivenessProbe, c.ReadinessProbe, c.StartupProbe} {
				if p != nil && p.HTTPGet != nil {
					out = append(out, model.HTTPProbe{Container: c.Name, Port: p.HTTPGet.Port, Path: p.HTTPGet.Path})
				}
			}
		}
	}
	return out
}
