package manifest

import (
	appsv1 "k8s.io/api/apps/v1"
	batchv1 "k8s.io/api/batch/v1"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// decoderFor returns the decoding the handler of kind starts with, nil
// when it has none. It must match decodeAs's T and strictness in the
// handler: decodeRaw takes only a value of the type and strictness it
// asks for, so a mismatch costs a second decoding, never a wrong answer
// (a test checks every kind).
func decoderFor(kind string) typedDecoder {
	switch kind {
	case "Namespace":
		return strictly[corev1.Namespace]
	case "Pod":
		return strictly[corev1.Pod]
	case "Service":
		return strictly[corev1.Service]
	case "ReplicationController":
		return strictly[corev1.ReplicationController]
	case "ConfigMap":
		return strictly[corev1.ConfigMap]
	case "Deployment":
		return strictly[appsv1.Deployment]
	case "StatefulSet":
		return strictly[appsv1.StatefulSet]
	case "DaemonSet":
		return strictly[appsv1.DaemonSet]
	case "ReplicaSet":
		return strictly[appsv1.ReplicaSet]
	case "Job":
		return strictly[batchv1.Job]
	case "CronJob":
		return strictly[batchv1.CronJob]
	case "NetworkPolicy":
		return strictly[networkingv1.NetworkPolicy]
	case "MutatingWebhookConfiguration", "ValidatingWebhookConfiguration", "APIService":
		return loosely[metav1.PartialObjectMetadata]
	case "Node":
		return strictly[corev1.Node]
	}
	if d := linkerdDecoder(kind); d != nil {
		return d
	}
	return tierDecoder(kind)
}
