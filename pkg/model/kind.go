package model

import "strings"

// Kind is the kind of object a workload (a set of pods sharing one
// template) comes from, or External for a non-pod peer.
type Kind uint8

// Workload kinds podreach understands.
const (
	KindUnknown Kind = iota
	KindPod
	KindDeployment
	KindStatefulSet
	KindDaemonSet
	KindReplicaSet
	KindReplicationController
	KindJob
	KindCronJob
	KindExternal
)

var kindNames = [...]string{
	KindUnknown:               "Unknown",
	KindPod:                   "Pod",
	KindDeployment:            "Deployment",
	KindStatefulSet:           "StatefulSet",
	KindDaemonSet:             "DaemonSet",
	KindReplicaSet:            "ReplicaSet",
	KindReplicationController: "ReplicationController",
	KindJob:                   "Job",
	KindCronJob:               "CronJob",
	KindExternal:              "External",
}

func (k Kind) String() string {
	if int(k) < len(kindNames) {
		return kindNames[k]
	}
	return "Unknown"
}

// ParseKind parses a Kubernetes kind name ("Deployment") or a kubectl short
// name ("deploy", "sts", "ds", "rs", "rc", "po", "cj"), case-insensitively.
func ParseKind(s string) Kind {
	switch strings.ToLower(s) {
	case "pod", "pods", "po":
		return KindPod
	case "deployment", "deployments", "deploy":
		return KindDeployment
	case "statefulset", "statefulsets", "sts":
		return KindStatefulSet
	case "daemonset", "daemonsets", "ds":
		return KindDaemonSet
	case "replicaset", "replicasets", "rs":
		return KindReplicaSet
	case "replicationcontroller", "replicationcontrollers", "rc":
		return KindReplicationController
	case "job", "jobs":
		return KindJob
	case "cronjob", "cronjobs", "cj":
		return KindCronJob
	case "external":
		return KindExternal
	}
	return KindUnknown
}
