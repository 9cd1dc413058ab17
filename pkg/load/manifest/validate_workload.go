package manifest

import (
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
)

// This file checks the workload fields reachability depends on as
// k8s.io/kubernetes pkg/apis/apps/validation (ValidateDeploymentSpec,
// ValidateReplicaSetSpec, ValidateStatefulSetSpec, ValidateDaemonSetSpec),
// pkg/apis/core/validation (ValidateReplicationControllerSpec) and
// pkg/apis/batch/validation (ValidateJobSpec) do: a controller whose
// selector does not select its own pods, or a negative number of replicas,
// is refused by the API server.

// validateReplicas: ValidateNonnegativeField: "must be greater than or
// equal to 0".
func validateReplicas(o *object, path string, n *int32) {
	if n != nil && *n < 0 {
		o.errorf(path, "invalid value %d: must be greater than or equal to 0", *n)
	}
}

// defaultsSelector reports whether the object's apiVersion defaults an
// omitted selector to the template's labels: apps/v1beta1 and
// extensions/v1beta1 did; apps/v1beta2 and apps/v1 require it ("In API
// version apps/v1, .spec.selector and .metadata.labels do not default to
// .spec.template.metadata.labels if not set",
// https://kubernetes.io/docs/concepts/workloads/controllers/deployment/#selector).
func (o *object) defaultsSelector() bool {
	return o.apiVersion == "apps/v1beta1" || o.apiVersion == "extensions/v1beta1"
}

// validateControllerSelector: "spec.selector: Required value"; "empty
// selector is invalid for deployment"; the selector is a valid label
// selector; and "`selector` does not match template `labels`".
func validateControllerSelector(o *object, s *metav1.LabelSelector, t *corev1.PodTemplateSpec, tpath string) {
	if s == nil && o.defaultsSelector() {
		return // defaulted to the template's labels
	}
	switch {
	case s == nil:
		o.errorf("spec.selector", "required")
		return
	case len(s.MatchLabels)+len(s.MatchExpressions) == 0:
		o.errorf("spec.selector", "empty selector is invalid for %s", strings.ToLower(o.kind))
		return
	}
	if sel := validateSelector(o, "spec.selector", s); sel != nil && !sel.Matches(labels.Set(t.Labels)) {
		o.errorf(tpath+".metadata.labels", "`selector` does not match template `labels`")
	}
}

// validateRCSelector: a ReplicationController's selector "must match the
// labels of the pod template. If empty, defaulted to labels on Pod
// template" (ValidateReplicationControllerSpec, ValidateNonEmptySelector,
// ValidatePodTemplateSpecForRC).
func validateRCSelector(o *object, r *corev1.ReplicationControllerSpec) {
	if r.Template == nil {
		o.errorf("spec.template", "required")
		return
	}
	sel := r.Selector
	if len(sel) == 0 {
		sel = r.Template.Labels
	}
	if len(sel) == 0 {
		o.errorf("spec.selector", "required")
		return
	}
	validateLabels(o, "spec.selector", r.Selector)
	if !labels.SelectorFromSet(sel).Matches(labels.Set(r.Template.Labels)) {
		o.errorf("spec.template.metadata.labels", "`selector` does not match template `labels`")
	}
}

// validateJobSpec: parallelism and completions are not negative; with
// manualSelector the selector is required and must select the template
// (without it the API server generates one from the Job's uid).
func validateJobSpec(o *object, path string, manual *bool, s *metav1.LabelSelector, t *corev1.PodTemplateSpec, parallelism, completions *int32) {
	validateReplicas(o, path+".parallelism", parallelism)
	validateReplicas(o, path+".completions", completions)
	if manual == nil || !*manual {
		return
	}
	if s == nil {
		o.errorf(path+".selector", "required")
		return
	}
	if sel := validateSelector(o, path+".selector", s); sel != nil && !sel.Matches(labels.Set(t.Labels)) {
		o.errorf(path+".template.metadata.labels", "`selector` does not match template `labels`")
	}
}
