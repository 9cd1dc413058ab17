package reach

import (
	"errors"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

func TestCheckExpansion(t *testing.T) {
	t.Parallel()
	w := func(name string, replicas int32, pods int) model.Workload {
		return model.Workload{Kind: model.KindDeployment, Namespace: "ns", Name: name, Replicas: replicas,
			Pods: make([]model.Pod, pods), Source: model.Source{File: "f.yaml", Line: 3}}
	}
	tests := []struct {
		name  string
		ws    []model.Workload
		total int64  // 0: no error
		most  string // the workload named
	}{
		{"at the limit", []model.Workload{w("a", MaxExpandedPods-1, 0), w("b", 0, 0)}, 0, ""},
		{"one over", []model.Workload{w("a", MaxExpandedPods, 0), w("b", 0, 0)}, MaxExpandedPods + 1, "a"},
		{"the largest is named", []model.Workload{w("a", 10, 0), w("b", 2000000000, 0)}, 2000000010, "b"},
		{"known pods are not expanded", []model.Workload{w("a", 2000000000, 2)}, 0, ""},
		{"negative replicas stand for one pod", []model.Workload{w("a", -5, 0)}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := CheckExpansion(&model.Cluster{Workloads: tt.ws})
			var ee *ExpandError
			if tt.total == 0 {
				if err != nil {
					t.Fatalf("CheckExpansion = %v, want nil", err)
				}
				return
			}
			if !errors.As(err, &ee) || ee.Total != tt.total || ee.Workload.Name != tt.most || ee.Limit != MaxExpandedPods {
				t.Fatalf("CheckExpansion = %#v, want total %d naming %s", err, tt.total, tt.most)
			}
		})
	}
}

func TestAnalyzeExpansionCapped(t *testing.T) {
	t.Parallel()
	c := &model.Cluster{Workloads: []model.Workload{{Kind: model.KindDeployment, Namespace: "ns", Name: "big", Replicas: 2000000000}}}
	_, err := Analyze(c, WithLevel(LevelPod), WithExpandReplicas(true))
	var ee *ExpandError
	if !errors.As(err, &ee) {
		t.Fatalf("Analyze = %v, want *ExpandError", err)
	}
	want := "Deployment ns/big: spec.replicas: 2000000000 replicas: expanding every declared replica would list 2000000000 pods, more than the limit of 1000000"
	if err.Error() != want {
		t.Errorf("error %q, want %q", err, want)
	}
}
