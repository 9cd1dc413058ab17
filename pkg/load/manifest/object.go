package manifest

import (
	"cmp"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// maxListDepth bounds Lists nested in Lists.
const maxListDepth = 8

// handler decodes one kind of object and adds it to the builder.
type handler func(o *object)

// addDocument reads one document root: an object, or a List whose items are.
func (b *builder) addDocument(file string, n *yaml.Node, depth int) {
	n = resolveAlias(n)
	src := model.Source{File: file, Line: n.Line}
	if !b.takeDocument(src) {
		return
	}
	if n.Kind != yaml.MappingNode {
		b.errorAt(src, "", "expected a Kubernetes object (a mapping), got a "+kindName(n))
		return
	}
	apiVersion, kind, ok := b.typeMeta(src, n)
	if !ok {
		return
	}
	if items := mapValue(n, "items"); strings.HasSuffix(kind, "List") && items != nil {
		b.addList(file, kind, items, depth)
		return
	}
	group, version := splitAPIVersion(apiVersion)
	h, known := handlerFor(group, version, kind)
	if !known {
		b.skip(apiVersion, kind)
		return
	}
	o := b.newObject(file, n, apiVersion, kind)
	h(o)
	if cap(o.conv.buf) <= 1<<20 {
		b.scratch = o.conv.buf[:0]
	}
}

// takeDocument counts one more object against the stream's budget and
// reports whether it is within it.
func (b *builder) takeDocument(src model.Source) bool {
	if b.docs--; b.docs < 0 {
		if b.docs == -1 {
			b.errorAt(src, "", "more objects than the stream can hold (YAML aliases in Lists?); the rest is ignored")
		}
		return false
	}
	return true
}

// newObject starts reading an object. Its name and namespace are peeked
// from the node to name it in decoding errors.
func (b *builder) newObject(file string, n *yaml.Node, apiVersion, kind string) *object {
	o := &object{
		b: b, file: file, node: n, line: n.Line, apiVersion: apiVersion, kind: kind,
		// Every object may expand to 1 MiB; beyond that, to what is
		// left of the stream's budget.
		conv: &converter{buf: b.scratch[:0], limit: max(b.expand, 1<<20)},
	}
	meta := mapValue(n, "metadata")
	o.name = scalarValue(mapValue(meta, "name"))
	if !clusterScoped(kind) {
		o.namespace = cmp.Or(scalarValue(mapValue(meta, "namespace")), b.opts.defaultNamespace)
	}
	return o
}

func (b *builder) addList(file, kind string, items *yaml.Node, depth int) {
	items = resolveAlias(items)
	switch {
	case items.Kind == yaml.ScalarNode && items.ShortTag() == "!!null":
		return
	case items.Kind != yaml.SequenceNode:
		b.errorAt(model.Source{File: file, Line: items.Line}, "items", kind+" items must be a list")
		return
	case depth >= maxListDepth:
		b.errorAt(model.Source{File: file, Line: items.Line}, "items", "Lists nested too deeply")
		return
	}
	for _, item := range items.Content {
		b.addDocument(file, item, depth+1)
	}
}

// typeMeta returns apiVersion and kind, which every object must have.
func (b *builder) typeMeta(src model.Source, n *yaml.Node) (apiVersion, kind string, ok bool) {
	var missing []string
	ok = true
	for _, f := range []string{"apiVersion", "kind"} {
		v := resolveAlias(nilSafe(mapValue(n, f)))
		switch {
		case v.Kind == 0 || v.ShortTag() == "!!null" || v.Kind == yaml.ScalarNode && v.Value == "":
			missing = append(missing, f)
		case v.Kind != yaml.ScalarNode || v.ShortTag() != "!!str" || isYAML11Bool(v):
			b.errorAt(model.Source{File: src.File, Line: v.Line}, f, f+" must be a string")
			ok = false
		case f == "kind":
			kind = v.Value
		default:
			apiVersion = v.Value
		}
	}
	if len(missing) > 0 {
		b.errorAt(src, "", "missing "+strings.Join(missing, " and ")+" (not a Kubernetes object?)")
		ok = false
	}
	return apiVersion, kind, ok
}

func (b *builder) errorAt(src model.Source, field, msg string) {
	b.diags = append(b.diags, model.Diagnostic{Severity: model.Error, Source: src, Field: field, Message: msg})
}

// handlerFor returns the handler for a kind, and whether the kind is read
// at all. A networking.k8s.io NetworkPolicy of another version is an
// error: a policy we cannot interpret must not be silently ignored. Policy
// kinds of other APIs (Calico, Cilium, AdminNetworkPolicy, Linkerd
// authorization) are skipped with a warning (see skip).
//
// An object of a kind podreach reads, in a version the API server does not
// serve, or of a kind the API server does not serve in a group podreach
// reads, gets a handler that reports it (validate_kind.go).
func handlerFor(group, version, kind string) (handler, bool) {
	h, read := readHandler(group, version, kind)
	if bad := checkType(group, version, kind, read && kind != "NetworkPolicy"); bad != nil {
		return bad, true
	}
	return h, read
}

// readHandler returns the handler of a kind podreach reads.
func readHandler(group, version, kind string) (handler, bool) {
	switch {
	case kind == "NetworkPolicy" && (group == "networking.k8s.io" || group == "extensions"):
		if version == "v1" {
			return addNetworkPolicy, true
		}
		return unsupportedPolicy, true
	case readsTier(group, version, kind):
		return tierHandler(version, kind)
	case linkerdVersions(group, kind) != nil:
		return linkerdHandler(group, version, kind)
	case policyKind(kind) && group != "":
		return addUnevaluated, true
	case group == "" && kind == "Node":
		return addNode, true
	case group == "":
		return coreHandler(kind)
	case group == "apps" || group == "extensions":
		return appsHandler(kind, group)
	case group == "batch" && kind == "Job":
		return addJob, true
	case group == "batch" && kind == "CronJob":
		return addCronJob, true
	case group == "admissionregistration.k8s.io" &&
		(kind == "MutatingWebhookConfiguration" || kind == "ValidatingWebhookConfiguration"),
		group == "apiregistration.k8s.io" && kind == "APIService":
		return addMetaObject, true
	}
	return nil, false
}

func coreHandler(kind string) (handler, bool) {
	switch kind {
	case "Namespace":
		return addNamespace, true
	case "Pod":
		return addPod, true
	case "Service":
		return addService, true
	case "ReplicationController":
		return addReplicationController, true
	case "ConfigMap":
		return addConfigMap, true
	}
	return nil, false
}

// appsHandler accepts the apps kinds, and those extensions/v1beta1 once
// served (read with the apps/v1 schema; old fields become warnings).
func appsHandler(kind, group string) (handler, bool) {
	switch kind {
	case "Deployment":
		return addDeployment, true
	case "DaemonSet":
		return addDaemonSet, true
	case "ReplicaSet":
		return addReplicaSet, true
	case "StatefulSet":
		if group == "apps" {
			return addStatefulSet, true
		}
	}
	return nil, false
}

func unsupportedPolicy(o *object) {
	o.errorf("apiVersion", "unsupported apiVersion %q for NetworkPolicy (only networking.k8s.io/v1 is understood)", o.apiVersion)
}

func clusterScoped(kind string) bool {
	switch kind {
	case "Namespace", "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService":
		return true
	}
	return tierKind(kind)
}

func splitAPIVersion(v string) (group, version string) {
	if g, ver, ok := strings.Cut(v, "/"); ok {
		return g, ver
	}
	return "", v
}

// mapValue returns the value of key in mapping n (through aliases), or nil.
func mapValue(n *yaml.Node, key string) *yaml.Node {
	if n == nil {
		return nil
	}
	n = resolveAlias(n)
	if n.Kind != yaml.MappingNode {
		return nil
	}
	var v *yaml.Node
	for i := 0; i+1 < len(n.Content); i += 2 {
		if k := n.Content[i]; k.Kind == yaml.ScalarNode && k.Value == key {
			v = n.Content[i+1] // the last duplicate wins, as in JSON decoding
		}
	}
	return v
}

// scalarValue is a node's text, "" when it is not a scalar or is null.
// It names objects in diagnostics before they are decoded.
func scalarValue(n *yaml.Node) string {
	if n == nil {
		return ""
	}
	if n = resolveAlias(n); n.Kind != yaml.ScalarNode || n.ShortTag() == "!!null" {
		return ""
	}
	return n.Value
}

func isYAML11Bool(n *yaml.Node) bool {
	_, ok := yaml11Bool(n)
	return ok
}

func nilSafe(n *yaml.Node) *yaml.Node {
	if n == nil {
		return &yaml.Node{}
	}
	return n
}
