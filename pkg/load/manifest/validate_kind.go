package manifest

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/internal/levenshtein"
)

// This file refuses objects whose apiVersion and kind the API server does
// not serve, in the API groups podreach reads objects of. kubectl apply
// reports such an object as `no matches for kind "Networkpolicy" in version
// "networking.k8s.io/v1"` (the REST mapping of the discovery documents,
// https://kubernetes.io/docs/reference/using-api/#api-groups); reading it as
// another kind, or dropping it, would answer for a cluster that cannot
// exist. Kinds of other groups (CRDs) are skipped as before (build.go).

// servedKinds lists, per API group podreach reads objects of, every kind
// the API server serves in it (any version): k8s.io/api v0.37 for the
// built-in groups, kube-aggregator for apiregistration.k8s.io. A test checks
// each entry against the group's scheme. It is read-only.
var servedKinds = map[string][]string{
	"": {"Binding", "ComponentStatus", "ConfigMap", "Endpoints", "Event", "LimitRange", "Namespace", "Node",
		"PersistentVolume", "PersistentVolumeClaim", "Pod", "PodTemplate", "ReplicationController",
		"ResourceQuota", "Secret", "Service", "ServiceAccount"},
	"apps":              {"ControllerRevision", "DaemonSet", "Deployment", "ReplicaSet", "StatefulSet"},
	"batch":             {"CronJob", "Job"},
	"extensions":        {"DaemonSet", "Deployment", "Ingress", "NetworkPolicy", "ReplicaSet"},
	"networking.k8s.io": {"IPAddress", "Ingress", "IngressClass", "NetworkPolicy", "ServiceCIDR"},
	"admissionregistration.k8s.io": {"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding",
		"MutatingWebhookConfiguration", "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
		"ValidatingWebhookConfiguration"},
	"apiregistration.k8s.io": {"APIService"},
}

// servedVersions returns the versions of group in which the API server has
// served kind, newest first, for the kinds podreach reads. Versions removed
// from current servers (apps/v1beta1 and v1beta2 in 1.16, batch/v1beta1 in
// 1.25) are still read, with the apps/v1 or batch/v1 schema: manifests in
// repositories outlive the servers they were written for.
func servedVersions(group, kind string) []string {
	switch group {
	case "":
		return []string{"v1"}
	case "apps":
		if kind == "Deployment" || kind == "StatefulSet" {
			return []string{"v1", "v1beta2", "v1beta1"}
		}
		return []string{"v1", "v1beta2"}
	case "extensions":
		return []string{"v1beta1"}
	case "batch":
		if kind == "CronJob" {
			return []string{"v1", "v1beta1"}
		}
		return []string{"v1"}
	case "admissionregistration.k8s.io", "apiregistration.k8s.io":
		return []string{"v1", "v1beta1"}
	case "policy.networking.k8s.io":
		return tierVersions(kind)
	}
	return []string{"v1"}
}

// checkType returns the handler for an object of a kind podreach reads in
// a version the API server does not serve, or of a kind it does not serve
// in one of the groups podreach reads; nil when the type is served.
func checkType(group, version, kind string, read bool) handler {
	if read {
		if _, builtin := servedKinds[group]; !builtin {
			return nil // a CRD's kind kept only to be listed (unevaluated policies): any version
		}
		if versions := servedVersions(group, kind); !slices.Contains(versions, version) {
			return unservedVersion(group, versions[0])
		}
		return nil
	}
	kinds, known := servedKinds[group]
	if !known || slices.Contains(kinds, kind) {
		return nil
	}
	return unservedKind(kinds)
}

// unservedVersion reports `no matches for kind "Pod" in version "v9"`.
func unservedVersion(group, want string) handler {
	if group != "" {
		want = group + "/" + want
	}
	return func(o *object) {
		o.errorf("apiVersion", "no matches for kind %q in version %q (did you mean %q?)", o.kind, o.apiVersion, want)
	}
}

// unservedKind reports `no matches for kind "Networkpolicy" in version
// "networking.k8s.io/v1"`, with the closest served kind of the group.
func unservedKind(kinds []string) handler {
	return func(o *object) {
		hint := ""
		if k := closest(o.kind, kinds); k != "" {
			hint = fmt.Sprintf(" (did you mean %q?)", k)
		}
		o.errorf("kind", "no matches for kind %q in version %q%s", o.kind, o.apiVersion, hint)
	}
}

// closest returns the candidate nearest to s — the same letters in another
// case, or at most a third of s's letters typed wrong — or "".
func closest(s string, candidates []string) string {
	best, bestD := "", len(s)/3+1
	for _, c := range candidates {
		if strings.EqualFold(s, c) {
			return c
		}
		if d := levenshtein.Distance(strings.ToLower(s), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}
