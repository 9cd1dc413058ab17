package manifest

import (
	"context"
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// Builder layers sources into one cluster, for what-if questions: objects
// from a live cluster, then manifests, then deletions. A later object with
// the same kind, namespace and name replaces the earlier one (with a
// Notice); Delete removes one. Load and Decode are a Builder used once.
//
// A Builder is not safe for concurrent use.
type Builder struct {
	b *builder
}

// NewBuilder returns an empty Builder.
func NewBuilder(opts ...Option) *Builder {
	return &Builder{b: newBuilder(makeOptions(opts))}
}

// Load adds each source in order, as Load does. It returns only ctx's
// error; problems with the sources are diagnostics (see Finish).
func (b *Builder) Load(ctx context.Context, sources ...string) error {
	for _, src := range sources {
		if err := b.b.load(ctx, src); err != nil {
			return err
		}
	}
	return nil
}

// Decode adds one in-memory stream, as Decode does.
func (b *Builder) Decode(name string, data []byte) {
	b.b.input++
	b.b.decode(name, data)
}

// DecodeServed adds a stream of JSON objects as an API server serves them
// (defaults applied, apiVersion and kind set). origin names where they come
// from in diagnostics ("live:prod"); their sources carry no line numbers,
// which would be positions in a transient buffer.
func (b *Builder) DecodeServed(origin string, data []byte) {
	b.b.served = true
	b.b.input++
	b.b.decode(origin, data)
	b.b.served = false
}

// AddDiagnostic records a problem found outside the builder (a source
// that could only be read in part).
func (b *Builder) AddDiagnostic(d model.Diagnostic) { b.b.diags = append(b.b.diags, d) }

// Finish builds the cluster: the same contract as Load. The Builder must
// not be used afterwards.
func (b *Builder) Finish() (*model.Cluster, model.Diagnostics, error) { return b.b.finish() }

// ObjectRef names one object: Namespace is empty for cluster-scoped kinds.
// Kind is the API kind ("Deployment", "NetworkPolicy").
type ObjectRef struct {
	Kind, Namespace, Name string
}

func (r ObjectRef) String() string {
	if r.Namespace == "" {
		return r.Kind + " " + r.Name
	}
	return r.Kind + " " + r.Namespace + "/" + r.Name
}

// kindAliases maps kubectl's resource names (plural, singular, short) to
// the kinds the builder reads.
var kindAliases = map[string]string{
	"namespace": "Namespace", "namespaces": "Namespace", "ns": "Namespace",
	"pod": "Pod", "pods": "Pod", "po": "Pod",
	"service": "Service", "services": "Service", "svc": "Service",
	"deployment": "Deployment", "deployments": "Deployment", "deploy": "Deployment",
	"statefulset": "StatefulSet", "statefulsets": "StatefulSet", "sts": "StatefulSet",
	"daemonset": "DaemonSet", "daemonsets": "DaemonSet", "ds": "DaemonSet",
	"replicaset": "ReplicaSet", "replicasets": "ReplicaSet", "rs": "ReplicaSet",
	"replicationcontroller": "ReplicationController", "replicationcontrollers": "ReplicationController", "rc": "ReplicationController",
	"job": "Job", "jobs": "Job",
	"cronjob": "CronJob", "cronjobs": "CronJob", "cj": "CronJob",
	"networkpolicy": "NetworkPolicy", "networkpolicies": "NetworkPolicy", "netpol": "NetworkPolicy",
	"configmap": "ConfigMap", "configmaps": "ConfigMap", "cm": "ConfigMap",
	"mutatingwebhookconfiguration": "MutatingWebhookConfiguration", "mutatingwebhookconfigurations": "MutatingWebhookConfiguration",
	"validatingwebhookconfiguration": "ValidatingWebhookConfiguration", "validatingwebhookconfigurations": "ValidatingWebhookConfiguration",
	"apiservice": "APIService", "apiservices": "APIService",
}

// ParseObjectRef parses KIND/NAMESPACE/NAME, or KIND/NAME for a
// cluster-scoped kind, as kubectl names objects: KIND is a kind or resource
// name, case-insensitive, optionally with its API group
// ("netpol/shop/deny-all", "deploy/shop/web", "networkpolicy.networking.k8s.io/shop/x",
// "ns/shop").
func ParseObjectRef(s string) (ObjectRef, error) {
	parts := strings.Split(s, "/")
	if len(parts) < 2 || len(parts) > 3 {
		return ObjectRef{}, fmt.Errorf("invalid object %q: want KIND/NAMESPACE/NAME (or KIND/NAME for a cluster-scoped kind)", s)
	}
	word, _, _ := strings.Cut(strings.ToLower(parts[0]), ".")
	kind, ok := kindAliases[word]
	if !ok {
		return ObjectRef{}, fmt.Errorf("invalid object %q: unknown kind %q", s, parts[0])
	}
	r := ObjectRef{Kind: kind, Name: parts[len(parts)-1]}
	if len(parts) == 3 {
		r.Namespace = parts[1]
	}
	switch {
	case slicesContainsEmpty(parts):
		return ObjectRef{}, fmt.Errorf("invalid object %q: empty name", s)
	case clusterScoped(kind) && r.Namespace != "":
		return ObjectRef{}, fmt.Errorf("invalid object %q: %s is cluster-scoped: want %s/NAME", s, kind, parts[0])
	case !clusterScoped(kind) && r.Namespace == "":
		return ObjectRef{}, fmt.Errorf("invalid object %q: want %s/NAMESPACE/NAME", s, parts[0])
	}
	return r, nil
}

func slicesContainsEmpty(parts []string) bool {
	for _, p := range parts {
		if p == "" {
			return true
		}
	}
	return false
}

// Delete removes an object and, as the API server's garbage collector
// would, what it owns: the objects whose ownerReferences name it and no
// owner that is still present (a Deployment's ReplicaSets and their pods).
// Deleting a Namespace removes everything in it. Deleting an object that is
// not there is an Error diagnostic: the question asked would not be the one
// answered.
func (b *Builder) Delete(r ObjectRef) {
	bb := b.b
	k := objKey{r.Kind, r.Namespace, r.Name}
	if _, ok := bb.objs[k]; !ok {
		bb.diags = append(bb.diags, model.Diagnostic{Severity: model.Error, Object: r.String(),
			Message: "cannot delete: no such object in the input"})
		return
	}
	deleted := map[objKey]bool{k: true}
	delete(bb.objs, k)
	if r.Kind == "Namespace" {
		for ok := range bb.objs {
			if ok.namespace == r.Name {
				deleted[ok] = true
				delete(bb.objs, ok)
			}
		}
	}
	for bb.collect(deleted) {
	}
	bb.diags = append(bb.diags, model.Diagnostic{Severity: model.Notice, Object: r.String(),
		Message: fmt.Sprintf("deleted (what-if), with %d dependent objects", len(deleted)-1)})
}

// collect removes one round of orphans: objects with an owner among
// deleted and none among the objects left. It reports whether it removed
// any.
func (b *builder) collect(deleted map[objKey]bool) bool {
	removed := false
	for k, v := range b.objs {
		owners := ownersOf(v)
		gone, left := false, false
		for _, o := range owners {
			ok := objKey{o.Kind, k.namespace, o.Name}
			if deleted[ok] {
				gone = true
			} else if _, present := b.objs[ok]; present {
				left = true
			}
		}
		if gone && !left {
			deleted[k] = true
			delete(b.objs, k)
			removed = true
		}
	}
	return removed
}

func ownersOf(v any) []metav1.OwnerReference {
	switch v := v.(type) {
	case *workloadRecord:
		return v.owners
	case *podRecord:
		return v.owners
	}
	return nil
}
