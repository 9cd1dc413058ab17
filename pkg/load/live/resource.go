package live

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// resource is one kind podreach lists.
type resource struct {
	group, version, plural, kind string
	namespaced                   bool
	// optional: the API may be absent (404: skipped) and reading it is not
	// essential (refused everywhere: a Gap, not an error).
	optional      bool
	fieldSelector string // e.g. only the linkerd-config ConfigMaps
}

// resources are what Read lists, namespaces first. deploy/rbac.yaml grants
// exactly these (list; linkerd-config by name only).
var resources = []resource{
	{group: "", version: "v1", plural: "namespaces", kind: "Namespace"},
	{group: "", version: "v1", plural: "pods", kind: "Pod", namespaced: true},
	{group: "", version: "v1", plural: "services", kind: "Service", namespaced: true},
	{group: "", version: "v1", plural: "replicationcontrollers", kind: "ReplicationController", namespaced: true},
	{group: "apps", version: "v1", plural: "deployments", kind: "Deployment", namespaced: true},
	{group: "apps", version: "v1", plural: "statefulsets", kind: "StatefulSet", namespaced: true},
	{group: "apps", version: "v1", plural: "daemonsets", kind: "DaemonSet", namespaced: true},
	{group: "apps", version: "v1", plural: "replicasets", kind: "ReplicaSet", namespaced: true},
	{group: "batch", version: "v1", plural: "jobs", kind: "Job", namespaced: true},
	{group: "batch", version: "v1", plural: "cronjobs", kind: "CronJob", namespaced: true},
	{group: "networking.k8s.io", version: "v1", plural: "networkpolicies", kind: "NetworkPolicy", namespaced: true},
	{group: "", version: "v1", plural: "configmaps", kind: "ConfigMap", namespaced: true, optional: true,
		fieldSelector: "metadata.name=linkerd-config"},
	{group: "admissionregistration.k8s.io", version: "v1", plural: "mutatingwebhookconfigurations", kind: "MutatingWebhookConfiguration", optional: true},
	{group: "admissionregistration.k8s.io", version: "v1", plural: "validatingwebhookconfigurations", kind: "ValidatingWebhookConfiguration", optional: true},
	{group: "apiregistration.k8s.io", version: "v1", plural: "apiservices", kind: "APIService", optional: true},
}

// name is the resource as RBAC and kubectl name it: "pods",
// "deployments.apps".
func (r resource) name() string {
	if r.group == "" {
		return r.plural
	}
	return r.plural + "." + r.group
}

func (r resource) apiVersion() string {
	if r.group == "" {
		return r.version
	}
	return r.group + "/" + r.version
}

// path is the list URL path, in one namespace or all.
func (r resource) path(ns string) []string {
	p := []string{"/apis", r.group, r.version}
	if r.group == "" {
		p = []string{"/api", r.version}
	}
	if ns != "" {
		p = append(p, "namespaces", ns)
	}
	return append(p, r.plural)
}

// rawObject is one list item as served.
type rawObject json.RawMessage

func (o *rawObject) UnmarshalJSON(b []byte) error {
	*o = append((*o)[:0], b...)
	return nil
}

type typeMeta struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
}

func (o rawObject) name() string {
	var tm typeMeta
	json.Unmarshal(o, &tm) // already parsed once: cannot fail
	return tm.Metadata.Name
}

// decodePage parses a list response and returns its items as a stream of
// JSON objects, one per line, with the apiVersion and kind that list items
// are served without.
func decodePage(data []byte, res resource) (page, []byte, error) {
	var p page
	if err := json.Unmarshal(data, &p); err != nil {
		return p, nil, err
	}
	var buf bytes.Buffer
	buf.Grow(len(data) + len(p.Items)*64)
	for _, it := range p.Items {
		var tm typeMeta
		if err := json.Unmarshal(it, &tm); err != nil {
			return p, nil, err
		}
		body := bytes.TrimSpace(it)
		switch {
		case tm.Kind != "":
			buf.Write(body)
		case len(body) < 2 || body[0] != '{':
			return p, nil, fmt.Errorf("list item is not an object")
		default:
			fmt.Fprintf(&buf, `{"apiVersion":%q,"kind":%q`, res.apiVersion(), res.kind)
			if rest := bytes.TrimSpace(body[1:]); len(rest) > 0 && rest[0] != '}' {
				buf.WriteByte(',')
			}
			buf.Write(body[1:])
		}
		buf.WriteByte('\n')
	}
	return p, buf.Bytes(), nil
}
