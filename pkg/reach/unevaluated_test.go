package reach

import (
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestUnevaluatedSelects: one row per kind podreach does not evaluate,
// what it selects; whatever cannot be read selects every pod in scope.
func TestUnevaluatedSelects(t *testing.T) {
	web := policy.Endpoint{ID: "shop/web", Namespace: "shop", Labels: map[string]string{"app": "web"}}
	db := policy.Endpoint{ID: "shop/db", Namespace: "shop", Labels: map[string]string{"app": "db"}}
	other := policy.Endpoint{ID: "misc/web", Namespace: "misc", Labels: map[string]string{"app": "web"}}
	ext := policy.Endpoint{ID: "apiserver", Kind: model.KindExternal}
	tests := []struct {
		name, apiVersion, kind, ns, spec string
		want                             []bool // web, db, other, ext
		dstOnly                          bool
	}{
		{"ANP namespaces", "policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", "",
			`{"subject":{"namespaces":{"matchLabels":{"kubernetes.io/metadata.name":"shop"}}}}`, []bool{true, true, false, false}, false},
		{"ANP pods", "policy.networking.k8s.io/v1alpha1", "AdminNetworkPolicy", "",
			`{"subject":{"pods":{"namespaceSelector":{},"podSelector":{"matchLabels":{"app":"web"}}}}}`, []bool{true, false, true, false}, false},
		{"BANP unreadable subject", "policy.networking.k8s.io/v1alpha1", "BaselineAdminNetworkPolicy", "",
			`{"subject":{}}`, []bool{true, true, true, false}, false},
		{"CNP pods", "policy.networking.k8s.io/v1alpha2", "ClusterNetworkPolicy", "",
			`{"subject":{"pods":{"namespaceSelector":{"matchLabels":{"kubernetes.io/metadata.name":"misc"}},"podSelector":{}}}}`, []bool{false, false, true, false}, false},
		{"Cilium k8s: prefix", "cilium.io/v2", "CiliumNetworkPolicy", "shop",
			`{"endpointSelector":{"matchLabels":{"k8s:app":"db"}}}`, []bool{false, true, false, false}, false},
		{"Cilium clusterwide namespace key", "cilium.io/v2", "CiliumClusterwideNetworkPolicy", "",
			`{"endpointSelector":{"matchLabels":{"k8s:io.kubernetes.pod.namespace":"misc"}}}`, []bool{false, false, true, false}, false},
		{"Cilium reserved label: every pod in scope", "cilium.io/v2", "CiliumNetworkPolicy", "shop",
			`{"endpointSelector":{"matchLabels":{"reserved:host":""}}}`, []bool{true, true, false, false}, false},
		{"Calico selector expression: every pod of the namespace", "projectcalico.org/v3", "NetworkPolicy", "shop",
			`{"selector":"app == 'web'"}`, []bool{true, true, false, false}, false},
		{"Calico global: every pod", "projectcalico.org/v3", "GlobalNetworkPolicy", "",
			`{"selector":"all()"}`, []bool{true, true, true, false}, false},
		{"Linkerd Server podSelector, inbound only", "policy.linkerd.io/v1beta3", "Server", "shop",
			`{"podSelector":{"matchLabels":{"app":"db"}},"port":5432}`, []bool{false, true, false, false}, true},
		{"Linkerd EgressNetwork Deny: any pod (its namespace may be the global one)", "policy.linkerd.io/v1alpha1", "EgressNetwork", "shop",
			`{"trafficPolicy":"Deny"}`, []bool{true, true, true, false}, false},
		{"Linkerd EgressNetwork Allow refuses nothing", "policy.linkerd.io/v1alpha1", "EgressNetwork", "shop",
			`{"trafficPolicy":"Allow"}`, []bool{false, false, false, false}, false},
		{"Linkerd AuthorizationPolicy: its namespace, inbound only", "policy.linkerd.io/v1alpha1", "AuthorizationPolicy", "shop",
			`{"targetRef":{"kind":"Server","name":"db"}}`, []bool{true, true, false, false}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := &model.Object{APIVersion: tt.apiVersion, Kind: tt.kind, Namespace: tt.ns, Name: "p", Data: map[string]string{"spec": tt.spec}}
			u := compileOne(o)
			for i, ep := range []policy.Endpoint{web, db, other, ext} {
				nl := labels.Set{model.NamespaceNameLabel: ep.Namespace}
				if got := u.match(&ep, nl); got != tt.want[i] {
					t.Errorf("selects %s = %v, want %v (%s)", ep.ID, got, tt.want[i], u.selects)
				}
			}
			if u.dstOnly != tt.dstOnly {
				t.Errorf("dstOnly = %v, want %v", u.dstOnly, tt.dstOnly)
			}
		})
	}
}

// TestStagedPoliciesChangeNothing: Calico staged policies are not
// enforced, so they are not listed as able to change an answer.
func TestStagedPoliciesChangeNothing(t *testing.T) {
	c := &model.Cluster{Unevaluated: []model.Object{{APIVersion: "projectcalico.org/v3", Kind: "StagedNetworkPolicy",
		Namespace: "shop", Name: "p", Data: map[string]string{"spec": `{}`}}}}
	if got := compileUnevaluated(c); len(got) != 0 {
		t.Errorf("compileUnevaluated = %d policies, want 0", len(got))
	}
}
