package manifest

import (
	"unicode/utf8"

	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/types"
)

// The typed fast path: the objects a cluster holds by the thousand (Pods
// and the workloads that own them: Deployments, StatefulSets, DaemonSets,
// Jobs) decoded without reflection, when they keep to the common shape. A
// fastReader reads only the fields it knows, and only values spelled the
// plain way: strings without escapes, integers of the field's range,
// true/false, objects and arrays. Anything else — an unknown or repeated
// field, null, an escape, a number with a fraction, a value of the wrong
// type — makes it give up, and the object goes to the reflective decoder
// (unmarshalTyped), which reads it and reports what is wrong, as before.
// When it does not give up, the value equals what sigs.k8s.io/json's
// strict decoder returns, without warnings (FuzzFastTyped checks it
// against that decoder); so the fast path changes no answer.

// fastReader reads one JSON value of a validated stream. bad is set, and
// every read returns a zero value from then on, at the first thing it
// does not take.
type fastReader struct {
	d   []byte
	i   int
	bad bool
}

func (r *fastReader) space() {
	for r.i < len(r.d) {
		switch r.d[r.i] {
		case ' ', '\t', '\n', '\r':
			r.i++
		default:
			return
		}
	}
}

// peek returns the next non-space byte, 0 at the end or when bad.
func (r *fastReader) peek() byte {
	r.space()
	if r.bad || r.i >= len(r.d) {
		return 0
	}
	return r.d[r.i]
}

func (r *fastReader) fail() { r.bad = true }

// expect consumes byte c or fails.
func (r *fastReader) expect(c byte) {
	if r.peek() != c {
		r.fail()
		return
	}
	r.i++
}

// raw returns a string's bytes without the quotes: no escapes, no
// control characters, valid UTF-8 (which the reflective decoder would
// change).
func (r *fastReader) raw() []byte {
	if r.peek() != '"' {
		r.fail()
		return nil
	}
	start := r.i + 1
	ascii := true
	for j := start; j < len(r.d); j++ {
		switch c := r.d[j]; {
		case c == '"':
			s := r.d[start:j]
			if !ascii && !utf8.Valid(s) {
				r.fail()
				return nil
			}
			r.i = j + 1
			return s
		case c == '\\' || c < 0x20:
			r.fail()
			return nil
		case c >= 0x80:
			ascii = false
		}
	}
	r.fail()
	return nil
}

func (r *fastReader) str() string { return string(r.raw()) }

// int32 reads an integer in int32's range, spelled without sign "+",
// leading zeros, fraction or exponent.
func (r *fastReader) int32() int32 {
	c := r.peek()
	neg := c == '-'
	j := r.i
	if neg {
		j++
	}
	start := j
	var n int64
	for ; j < len(r.d) && r.d[j] >= '0' && r.d[j] <= '9'; j++ {
		n = n*10 + int64(r.d[j]-'0')
		if j-start >= 10 {
			r.fail()
			return 0
		}
	}
	if j == start || r.d[start] == '0' && j-start > 1 || j < len(r.d) && (r.d[j] == '.' || r.d[j] == 'e' || r.d[j] == 'E') {
		r.fail()
		return 0
	}
	if neg {
		n = -n
	}
	if n < -1<<31 || n > 1<<31-1 {
		r.fail()
		return 0
	}
	r.i = j
	return int32(n)
}

func (r *fastReader) bool() bool {
	switch {
	case r.peek() == 't' && len(r.d)-r.i >= 4 && string(r.d[r.i:r.i+4]) == "true":
		r.i += 4
		return true
	case r.peek() == 'f' && len(r.d)-r.i >= 5 && string(r.d[r.i:r.i+5]) == "false":
		r.i += 5
		return false
	}
	r.fail()
	return false
}

// object reads an object, handing each key to field, which reads the
// value and returns false for a key it does not know. A key seen twice
// fails (the strict decoder warns about it).
func (r *fastReader) object(field func(key string) bool) {
	r.expect('{')
	var seen []string
	if r.peek() == '}' {
		r.i++
		return
	}
	for !r.bad {
		key := r.raw()
		for _, k := range seen {
			if string(key) == k {
				r.fail()
				return
			}
		}
		k := string(key)
		seen = append(seen, k)
		r.expect(':')
		if r.bad || !field(k) {
			r.fail()
			return
		}
		switch r.peek() {
		case ',':
			r.i++
		case '}':
			r.i++
			return
		default:
			r.fail()
		}
	}
}

// array reads an array, calling item for each element.
func (r *fastReader) array(item func()) {
	r.expect('[')
	if r.peek() == ']' {
		r.i++
		return
	}
	for !r.bad {
		item()
		switch r.peek() {
		case ',':
			r.i++
		case ']':
			r.i++
			return
		default:
			r.fail()
		}
	}
}

// empty reads {}: a struct the fast path leaves at its zero value.
func (r *fastReader) empty() {
	r.object(func(string) bool { return false })
}

// stringMap reads an object of strings into a new (non-nil) map.
func (r *fastReader) stringMap() map[string]string {
	m := map[string]string{}
	r.object(func(k string) bool {
		if r.peek() != '"' {
			return false
		}
		m[k] = r.str()
		return true
	})
	return m
}

func (r *fastReader) boolPtr() *bool {
	b := r.bool()
	return &b
}

func (r *fastReader) typeMeta(tm *metav1.TypeMeta, k string) bool {
	switch k {
	case "kind":
		tm.Kind = r.str()
	case "apiVersion":
		tm.APIVersion = r.str()
	default:
		return false
	}
	return true
}

func (r *fastReader) objectMeta(m *metav1.ObjectMeta) {
	r.object(func(k string) bool {
		switch k {
		case "name":
			m.Name = r.str()
		case "generateName":
			m.GenerateName = r.str()
		case "namespace":
			m.Namespace = r.str()
		case "uid":
			m.UID = types.UID(r.str())
		case "labels":
			m.Labels = r.stringMap()
		case "annotations":
			m.Annotations = r.stringMap()
		case "ownerReferences":
			m.OwnerReferences = []metav1.OwnerReference{}
			r.array(func() {
				var o metav1.OwnerReference
				r.ownerReference(&o)
				m.OwnerReferences = append(m.OwnerReferences, o)
			})
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) ownerReference(o *metav1.OwnerReference) {
	r.object(func(k string) bool {
		switch k {
		case "apiVersion":
			o.APIVersion = r.str()
		case "kind":
			o.Kind = r.str()
		case "name":
			o.Name = r.str()
		case "uid":
			o.UID = types.UID(r.str())
		case "controller":
			o.Controller = r.boolPtr()
		case "blockOwnerDeletion":
			o.BlockOwnerDeletion = r.boolPtr()
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) podSpec(s *corev1.PodSpec) {
	r.object(func(k string) bool {
		switch k {
		case "containers":
			s.Containers = r.containers()
		case "initContainers":
			s.InitContainers = r.containers()
		case "nodeName":
			s.NodeName = r.str()
		case "hostNetwork":
			s.HostNetwork = r.bool()
		case "restartPolicy":
			s.RestartPolicy = corev1.RestartPolicy(r.str())
		case "serviceAccountName":
			s.ServiceAccountName = r.str()
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) containers() []corev1.Container {
	out := []corev1.Container{}
	r.array(func() {
		var c corev1.Container
		r.object(func(k string) bool {
			switch k {
			case "name":
				c.Name = r.str()
			case "image":
				c.Image = r.str()
			case "ports":
				c.Ports = []corev1.ContainerPort{}
				r.array(func() {
					var p corev1.ContainerPort
					r.containerPort(&p)
					c.Ports = append(c.Ports, p)
				})
			case "resources":
				r.empty()
			case "restartPolicy":
				p := corev1.ContainerRestartPolicy(r.str())
				c.RestartPolicy = &p
			default:
				return false
			}
			return true
		})
		out = append(out, c)
	})
	return out
}

func (r *fastReader) containerPort(p *corev1.ContainerPort) {
	r.object(func(k string) bool {
		switch k {
		case "name":
			p.Name = r.str()
		case "containerPort":
			p.ContainerPort = r.int32()
		case "hostPort":
			p.HostPort = r.int32()
		case "hostIP":
			p.HostIP = r.str()
		case "protocol":
			p.Protocol = corev1.Protocol(r.str())
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) podStatus(s *corev1.PodStatus) {
	r.object(func(k string) bool {
		switch k {
		case "phase":
			s.Phase = corev1.PodPhase(r.str())
		case "podIP":
			s.PodIP = r.str()
		case "hostIP":
			s.HostIP = r.str()
		case "podIPs":
			s.PodIPs = []corev1.PodIP{}
			r.array(func() {
				var ip corev1.PodIP
				r.object(func(k string) bool {
					if k != "ip" {
						return false
					}
					ip.IP = r.str()
					return true
				})
				s.PodIPs = append(s.PodIPs, ip)
			})
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) template(t *corev1.PodTemplateSpec) {
	r.object(func(k string) bool {
		switch k {
		case "metadata":
			r.objectMeta(&t.ObjectMeta)
		case "spec":
			r.podSpec(&t.Spec)
		default:
			return false
		}
		return true
	})
}

func (r *fastReader) labelSelector() *metav1.LabelSelector {
	sel := &metav1.LabelSelector{}
	r.object(func(k string) bool {
		switch k {
		case "matchLabels":
			sel.MatchLabels = r.stringMap()
		case "matchExpressions":
			sel.MatchExpressions = []metav1.LabelSelectorRequirement{}
			r.array(func() {
				var req metav1.LabelSelectorRequirement
				r.object(func(k string) bool {
					switch k {
					case "key":
						req.Key = r.str()
					case "operator":
						req.Operator = metav1.LabelSelectorOperator(r.str())
					case "values":
						req.Values = r.strings()
					default:
						return false
					}
					return true
				})
				sel.MatchExpressions = append(sel.MatchExpressions, req)
			})
		default:
			return false
		}
		return true
	})
	return sel
}

func (r *fastReader) strings() []string {
	out := []string{}
	r.array(func() { out = append(out, r.str()) })
	return out
}

func (r *fastReader) int32Ptr() *int32 {
	n := r.int32()
	return &n
}

// int32s reads an object of int32 fields (a status's counters), each
// known by name.
func (r *fastReader) int32s(fields map[string]*int32) {
	r.object(func(k string) bool {
		p, ok := fields[k]
		if ok {
			*p = r.int32()
		}
		return ok
	})
}

// top reads a whole object of a kind with metadata, spec and status; false
// when it gave up.
func (r *fastReader) top(tm *metav1.TypeMeta, om *metav1.ObjectMeta, spec, status func()) bool {
	r.object(func(k string) bool {
		switch k {
		case "metadata":
			r.objectMeta(om)
		case "spec":
			spec()
		case "status":
			status()
		default:
			return r.typeMeta(tm, k)
		}
		return true
	})
	return !r.bad && r.peek() == 0
}

// podsOf reads the spec fields of a workload that say which pods it makes
// (selector, template); false for another field.
func (r *fastReader) podsOf(k string, sel **metav1.LabelSelector, t *corev1.PodTemplateSpec) bool {
	switch k {
	case "selector":
		*sel = r.labelSelector()
	case "template":
		r.template(t)
	default:
		return false
	}
	return true
}

// fastPod decodes a Pod of the common shape; false when it gives up.
func fastPod(raw []byte) (*corev1.Pod, bool) {
	p := &corev1.Pod{}
	r := &fastReader{d: raw}
	return p, r.top(&p.TypeMeta, &p.ObjectMeta, func() { r.podSpec(&p.Spec) }, func() { r.podStatus(&p.Status) })
}

func fastDeployment(raw []byte) (*appsv1.Deployment, bool) {
	d := &appsv1.Deployment{}
	r := &fastReader{d: raw}
	return d, r.top(&d.TypeMeta, &d.ObjectMeta, func() {
		r.object(func(k string) bool {
			switch k {
			case "replicas":
				d.Spec.Replicas = r.int32Ptr()
			case "strategy":
				r.empty()
			default:
				return r.podsOf(k, &d.Spec.Selector, &d.Spec.Template)
			}
			return true
		})
	}, r.empty)
}

func fastStatefulSet(raw []byte) (*appsv1.StatefulSet, bool) {
	ss := &appsv1.StatefulSet{}
	r := &fastReader{d: raw}
	st := &ss.Status
	return ss, r.top(&ss.TypeMeta, &ss.ObjectMeta, func() {
		r.object(func(k string) bool {
			switch k {
			case "replicas":
				ss.Spec.Replicas = r.int32Ptr()
			case "serviceName":
				ss.Spec.ServiceName = r.str()
			case "updateStrategy":
				r.empty()
			default:
				return r.podsOf(k, &ss.Spec.Selector, &ss.Spec.Template)
			}
			return true
		})
	}, func() {
		r.int32s(map[string]*int32{"replicas": &st.Replicas, "readyReplicas": &st.ReadyReplicas, "currentReplicas": &st.CurrentReplicas,
			"updatedReplicas": &st.UpdatedReplicas, "availableReplicas": &st.AvailableReplicas})
	})
}

func fastDaemonSet(raw []byte) (*appsv1.DaemonSet, bool) {
	ds := &appsv1.DaemonSet{}
	r := &fastReader{d: raw}
	st := &ds.Status
	return ds, r.top(&ds.TypeMeta, &ds.ObjectMeta, func() {
		r.object(func(k string) bool {
			if k == "updateStrategy" {
				r.empty()
				return true
			}
			return r.podsOf(k, &ds.Spec.Selector, &ds.Spec.Template)
		})
	}, func() {
		r.int32s(map[string]*int32{"currentNumberScheduled": &st.CurrentNumberScheduled, "numberMisscheduled": &st.NumberMisscheduled,
			"desiredNumberScheduled": &st.DesiredNumberScheduled, "numberReady": &st.NumberReady})
	})
}

func fastJob(raw []byte) (*batchv1.Job, bool) {
	j := &batchv1.Job{}
	r := &fastReader{d: raw}
	return j, r.top(&j.TypeMeta, &j.ObjectMeta, func() {
		r.object(func(k string) bool {
			if k != "template" {
				return false
			}
			r.template(&j.Spec.Template)
			return true
		})
	}, r.empty)
}

// fastTyped decodes raw into a new T on the fast path, for the types it
// knows; false when it does not know T or gives up.
func fastTyped[T any](raw []byte) (*T, bool) {
	var v any
	ok := false
	switch any((*T)(nil)).(type) {
	case *corev1.Pod:
		v, ok = fastPod(raw)
	case *appsv1.Deployment:
		v, ok = fastDeployment(raw)
	case *appsv1.StatefulSet:
		v, ok = fastStatefulSet(raw)
	case *appsv1.DaemonSet:
		v, ok = fastDaemonSet(raw)
	case *batchv1.Job:
		v, ok = fastJob(raw)
	}
	if !ok {
		return nil, false
	}
	return v.(*T), true
}
