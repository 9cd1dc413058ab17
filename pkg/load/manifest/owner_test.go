package manifest

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestOwnership(t *testing.T) {
	t.Parallel()
	rs := func(ns, name string, meta ...string) string {
		body := []string{}
		for _, m := range meta {
			body = append(body, "  "+m)
		}
		return obj("apps/v1", "ReplicaSet", ns, name, append(body, "spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}, spec: {containers: [{name: c}]}}}")...)
	}
	job := func(name string, meta ...string) string {
		body := []string{}
		for _, m := range meta {
			body = append(body, "  "+m)
		}
		return obj("batch/v1", "Job", "ns", name, append(body, "spec: {template: {spec: {containers: [{name: c}]}}}")...)
	}
	const selects = "spec: {selector: {matchLabels: {app: x}}, template: {metadata: {labels: {app: x}}}}"
	sts := func(ns, name string) string { return obj("apps/v1", "StatefulSet", ns, name, selects) }
	cronJob := obj("batch/v1", "CronJob", "ns", "cj", "spec: {schedule: '@daily', jobTemplate: {spec: {template: {spec: {containers: [{name: c}]}}}}}")
	tests := []struct {
		name string
		in   string
		want []string // "Kind ns/name:pods"
	}{
		{"pod owned by a declared StatefulSet",
			docs(sts("ns", "db"), pod("ns", "db-0", ownedBy("StatefulSet", "db"))),
			[]string{"StatefulSet ns/db:db-0"}},
		{"pod owned by a declared DaemonSet, non-controller reference",
			docs(obj("apps/v1", "DaemonSet", "ns", "agent", selects), pod("ns", "agent-x", "ownerReferences: [{apiVersion: apps/v1, kind: DaemonSet, name: agent, uid: u}]")),
			[]string{"DaemonSet ns/agent:agent-x"}},
		{"pod -> ReplicaSet owned by a declared Deployment: ReplicaSet dropped",
			docs(deployment("ns", "web"), rs("ns", "web-5d8f", ownedBy("Deployment", "web")),
				pod("ns", "web-5d8f-a", ownedBy("ReplicaSet", "web-5d8f"))),
			[]string{"Deployment ns/web:web-5d8f-a"}},
		{"pod -> ReplicaSet named <deployment>-<hash>: ReplicaSet dropped",
			docs(deployment("ns", "web"), rs("ns", "web-5d8f", "labels: {pod-template-hash: 5d8f}"),
				pod("ns", "web-5d8f-a", ownedBy("ReplicaSet", "web-5d8f"))),
			[]string{"Deployment ns/web:web-5d8f-a"}},
		{"pod -> undeclared ReplicaSet named <deployment>-<pod hash>",
			docs(deployment("ns", "web"), pod("ns", "web-5d8f-a", "labels: {pod-template-hash: 5d8f}", ownedBy("ReplicaSet", "web-5d8f"))),
			[]string{"Deployment ns/web:web-5d8f-a"}},
		{"pod -> undeclared ReplicaSet whose name does not match the hash",
			docs(deployment("ns", "web"), pod("ns", "web-5d8f-a", "labels: {pod-template-hash: 99ab}", ownedBy("ReplicaSet", "web-5d8f"))),
			[]string{"Deployment ns/web:", "Pod ns/web-5d8f-a:web-5d8f-a"}},
		{"pod -> Job owned by a declared CronJob: Job dropped",
			docs(cronJob, job("cj-2900", ownedBy("CronJob", "cj")), pod("ns", "cj-2900-x", ownedBy("Job", "cj-2900"))),
			[]string{"CronJob ns/cj:cj-2900-x"}},
		{"Job owned by an undeclared CronJob is kept",
			docs(job("cj-2900", ownedBy("CronJob", "other")), pod("ns", "cj-2900-x", ownedBy("Job", "cj-2900"))),
			[]string{"Job ns/cj-2900:cj-2900-x"}},
		{"declared ReplicaSet without a Deployment keeps its pods",
			docs(rs("ns", "solo"), pod("ns", "solo-a", ownedBy("ReplicaSet", "solo"))),
			[]string{"ReplicaSet ns/solo:solo-a"}},
		{"ReplicaSet owned by an undeclared Deployment is kept",
			docs(rs("ns", "web-1", ownedBy("Deployment", "web")), deployment("other", "web")),
			[]string{"ReplicaSet ns/web-1:", "Deployment other/web:"}},
		{"owner in another namespace does not count",
			docs(sts("other", "db"), pod("ns", "db-0", ownedBy("StatefulSet", "db"))),
			[]string{"Pod ns/db-0:db-0", "StatefulSet other/db:"}},
		{"undeclared owner: the pod is its own workload",
			docs(pod("ns", "p", ownedBy("ReplicaSet", "gone"))),
			[]string{"Pod ns/p:p"}},
		{"controller reference wins over others",
			docs(sts("ns", "a"), sts("ns", "b"),
				pod("ns", "p", "ownerReferences: [{apiVersion: apps/v1, kind: StatefulSet, name: a, uid: u}, {apiVersion: apps/v1, kind: StatefulSet, name: b, uid: v, controller: true}]")),
			[]string{"StatefulSet ns/a:", "StatefulSet ns/b:p"}},
		{"several pods of one workload are sorted",
			docs(sts("ns", "db"), pod("ns", "db-1", ownedBy("StatefulSet", "db")), pod("ns", "db-0", ownedBy("StatefulSet", "db"))),
			[]string{"StatefulSet ns/db:db-0,db-1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c, _ := decodeOK(t, tt.in)
			if diff := cmp.Diff(tt.want, workloadNames(c)); diff != "" {
				t.Errorf("workloads (-want +got):\n%s", diff)
			}
		})
	}
}
