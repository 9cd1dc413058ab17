package reach

import (
	"fmt"

	"github.com/podreach/podreach/pkg/model"
)

// MaxExpandedPods bounds the pods that expanding replicas
// (WithExpandReplicas) may list in all: each one is an endpoint the engine
// holds and a row and a column of the pod matrix. Kubernetes supports at
// most 150,000 pods per cluster
// (https://kubernetes.io/docs/setup/best-practices/cluster-large/); the
// limit is well above that, and far below what exhausts memory (a
// Deployment may validly declare 2,147,483,647 replicas).
const MaxExpandedPods = 1_000_000

// ExpandError is returned when expanding replicas would list more pods
// than MaxExpandedPods. Workload is the one declaring the most replicas.
type ExpandError struct {
	Workload model.Workload
	Total    int64 // pods the expansion would list
	Limit    int64
}

func (e *ExpandError) Error() string {
	w := &e.Workload
	loc := ""
	if s := w.Source.String(); s != "" {
		loc = s + ": "
	}
	return fmt.Sprintf("%s%s %s: spec.replicas: %d replicas: expanding every declared replica would list %d pods, more than the limit of %d",
		loc, w.Kind, w.ID(), w.Replicas, e.Total, e.Limit)
}

// CheckExpansion returns an *ExpandError when listing one pod per declared
// replica, for the workloads whose pods are not known, would list more
// than MaxExpandedPods pods.
func CheckExpansion(c *model.Cluster) error {
	var total, mostN int64
	var most *model.Workload
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if len(w.Pods) > 0 || w.Replicas <= 1 {
			total += int64(max(len(w.Pods), 1))
			continue
		}
		total += int64(w.Replicas)
		if n := int64(w.Replicas); n > mostN {
			most, mostN = w, n
		}
	}
	if total > MaxExpandedPods && most != nil {
		return &ExpandError{Workload: *most, Total: total, Limit: MaxExpandedPods}
	}
	return nil
}
