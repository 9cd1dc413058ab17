package lint_test

import (
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/lint"
)

func exposures(t *testing.T, path string) map[string]lint.Exposure {
	t.Helper()
	xs, err := lint.Exposures(analyze(t, path))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]lint.Exposure{}
	for _, x := range xs {
		out[x.Workload] = x
	}
	return out
}

// TestExposure: each kind of peer in words, with how wide it is; a
// workload no policy isolates is unprotected.
func TestExposure(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name, fixture, workload string
		want                    []lint.Admission
	}{
		{"every external address", "exposed-world/fires.yaml", "shop/frontend", []lint.Admission{{Policy: "shop/frontend-in",
			Field: "spec.ingress[0].from[0]", From: "every external address", Ports: "8080/TCP", Reach: "world"}}},
		{"addresses with excepts", "except-covers-cidr/near-miss.yaml", "shop/backend", []lint.Admission{{Policy: "shop/backend-in",
			Field: "spec.ingress[0].from[0]", From: "addresses in 10.0.0.0/8 except 10.0.0.0/9, 10.128.0.0/10", Ports: "every port", Reach: "addresses"}}},
		{"every pod of every namespace", "exposed-cluster/fires.yaml", "shop/backend", []lint.Admission{{Policy: "shop/backend-in",
			Field: "spec.ingress[0].from[0]", From: "every pod of every namespace", Ports: "every port", Reach: "cluster"}}},
		{"namespaces by a tenant label", "namespace-label-trust/fires.yaml", "shop/backend", []lint.Admission{{Policy: "shop/backend-in",
			Field: "spec.ingress[0].from[0]", From: "every pod in namespaces labelled team=ops", Ports: "every port", Reach: "namespaces"}}},
		{"pods in every namespace", "cross-namespace-pod-selector/fires.yaml", "shop/backend", []lint.Admission{{Policy: "shop/backend-in",
			Field: "spec.ingress[0].from[0]", From: "pods labelled app=frontend in every namespace", Ports: "every port", Reach: "pods"}}},
		{"named port", "named-port-undeclared/near-miss.yaml", "shop/frontend", []lint.Admission{{Policy: "shop/frontend-in",
			Field: "spec.ingress[0].from[0]", From: "every pod in namespace shop", Ports: "http/TCP", Reach: "pods"}}},
		{"isolated, nothing admitted", "namespace-unisolated/fires.yaml", "shop/frontend", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := exposures(t, filepath.Join("testdata", tt.fixture))[tt.workload]
			if x.Unprotected || len(x.Isolating) == 0 {
				t.Errorf("%s: unprotected %v, isolated by %v; want isolated", tt.workload, x.Unprotected, x.Isolating)
			}
			if d := cmp.Diff(tt.want, x.Admits); d != "" {
				t.Errorf("admissions (-want +got):\n%s", d)
			}
		})
	}
	t.Run("unprotected", func(t *testing.T) {
		t.Parallel()
		x := exposures(t, filepath.Join("testdata", "namespace-unisolated", "fires.yaml"))["blog/wordpress"]
		if !x.Unprotected || len(x.Isolating) > 0 || len(x.Admits) > 0 {
			t.Errorf("blog/wordpress: %+v, want unprotected", x)
		}
	})
}
