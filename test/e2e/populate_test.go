package e2e

import (
	"context"
	"fmt"
	"maps"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/client-go/dynamic"
)

// populate creates the example and extra objects, then the ReplicaSets and
// pods that controllers would have made (pods get an IP through the status
// subresource), then the webhooks and APIServices last (they would
// intercept pod creation), and writes the generated objects as manifests.
func (c *cluster) populate() error { return c.populateFrom(exampleDir, extraFile) }

// populateFrom is populate with the objects of the given files and
// directories.
func (c *cluster) populateFrom(paths ...string) error {
	ctx := context.Background()
	dc, err := c.client()
	if err != nil {
		return err
	}
	objs, err := readObjects(paths...)
	if err != nil {
		return err
	}
	var late, owners []*unstructured.Unstructured
	for _, pass := range []func(kind string) bool{
		func(k string) bool { return k == "Namespace" },
		func(k string) bool { return k != "Namespace" && !isAdmission(k) },
	} {
		for _, o := range objs {
			if !pass(o.GetKind()) {
				continue
			}
			got, err := create(ctx, dc, o)
			if err != nil {
				return err
			}
			switch o.GetKind() {
			case "Deployment", "StatefulSet", "DaemonSet":
				owners = append(owners, got)
			}
		}
	}
	for _, o := range objs {
		if isAdmission(o.GetKind()) {
			late = append(late, o)
		}
	}
	gen, err := generate(ctx, dc, owners)
	if err != nil {
		return err
	}
	for _, o := range late {
		if _, err := create(ctx, dc, o); err != nil {
			return err
		}
	}
	return writeYAML(c.generated, gen)
}

func isAdmission(kind string) bool {
	switch kind {
	case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService":
		return true
	}
	return false
}

// generate creates, for each Deployment, a ReplicaSet <name>-<hash> owned
// by it and a pod owned by the ReplicaSet; for each StatefulSet and
// DaemonSet, a pod owned by it. It returns them as created (with status).
func generate(ctx context.Context, dc dynamic.Interface, owners []*unstructured.Unstructured) ([]*unstructured.Unstructured, error) {
	var out []*unstructured.Unstructured
	ip := 10
	for _, w := range owners {
		tmpl, _, _ := unstructured.NestedMap(w.Object, "spec", "template")
		owner := w
		podName := w.GetName() + "-0"
		labels := map[string]string{}
		if l, ok, _ := unstructured.NestedStringMap(tmpl, "metadata", "labels"); ok {
			labels = l
		}
		if w.GetKind() == "Deployment" {
			const hash = "7c9f8d6b5"
			labels = maps.Clone(labels)
			labels["pod-template-hash"] = hash
			rs := &unstructured.Unstructured{Object: map[string]any{
				"apiVersion": "apps/v1", "kind": "ReplicaSet",
				"metadata": map[string]any{"name": w.GetName() + "-" + hash, "namespace": w.GetNamespace(),
					"labels": toAny(labels), "ownerReferences": ownerRef(w)},
				"spec": map[string]any{"replicas": int64(1),
					"selector": map[string]any{"matchLabels": toAny(labels)},
					"template": withLabels(tmpl, labels)},
			}}
			got, err := create(ctx, dc, rs)
			if err != nil {
				return nil, err
			}
			out = append(out, got)
			owner, podName = got, got.GetName()+"-x2b4z"
		}
		if w.GetKind() == "DaemonSet" {
			podName = w.GetName() + "-q7k2m"
		}
		spec, _, _ := unstructured.NestedMap(tmpl, "spec")
		addr := fmt.Sprintf("10.244.%d.%d", ip/250, ip%250+1)
		ip++
		meta := map[string]any{"name": podName, "namespace": w.GetNamespace(), "labels": toAny(labels), "ownerReferences": ownerRef(owner)}
		if a, ok, _ := unstructured.NestedMap(tmpl, "metadata", "annotations"); ok {
			meta["annotations"] = a
		}
		pod := &unstructured.Unstructured{Object: map[string]any{
			"apiVersion": "v1", "kind": "Pod", "metadata": meta, "spec": spec,
			"status": map[string]any{"phase": "Running", "podIP": addr, "podIPs": []any{map[string]any{"ip": addr}}},
		}}
		got, err := create(ctx, dc, pod)
		if err != nil {
			return nil, err
		}
		out = append(out, got)
	}
	return out, nil
}

func ownerRef(o *unstructured.Unstructured) []any {
	return []any{map[string]any{"apiVersion": o.GetAPIVersion(), "kind": o.GetKind(), "name": o.GetName(),
		"uid": string(o.GetUID()), "controller": true, "blockOwnerDeletion": true}}
}

func withLabels(tmpl map[string]any, labels map[string]string) map[string]any {
	t := maps.Clone(tmpl)
	meta, _, _ := unstructured.NestedMap(tmpl, "metadata")
	meta = maps.Clone(meta)
	if meta == nil {
		meta = map[string]any{}
	}
	meta["labels"] = toAny(labels)
	t["metadata"] = meta
	return t
}

func toAny(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
