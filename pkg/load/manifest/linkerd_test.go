package manifest

import (
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

// TestLinkerdPolicyModel: each Linkerd authorization kind lands in
// Cluster.MeshPolicies with its spec, numbered in input order.
func TestLinkerdPolicyModel(t *testing.T) {
	t.Parallel()
	in := docs(
		obj("policy.linkerd.io/v1beta3", "Server", "app", "voting", "spec:", "  podSelector: {matchLabels: {app: voting}}", "  port: grpc", "  proxyProtocol: gRPC", "  accessPolicy: audit"),
		obj("policy.linkerd.io/v1beta1", "ServerAuthorization", "app", "sa", "spec:", "  server: {name: voting}", "  client:", "    meshTLS: {serviceAccounts: [{name: web}]}", "    networks: [{cidr: 10.0.0.0/8, except: [10.9.0.1]}]"),
		obj("policy.linkerd.io/v1alpha1", "AuthorizationPolicy", "app", "ap", "spec:", "  targetRef: {group: policy.linkerd.io, kind: Server, name: voting}", "  requiredAuthenticationRefs: [{group: policy.linkerd.io, kind: MeshTLSAuthentication, name: web}]"),
		obj("policy.linkerd.io/v1alpha1", "MeshTLSAuthentication", "app", "web", "spec:", "  identityRefs: [{kind: ServiceAccount, name: web}]"),
		obj("policy.linkerd.io/v1alpha1", "NetworkAuthentication", "app", "inside", "spec:", "  networks: [{cidr: 10.0.0.0/8}]"),
		obj("gateway.networking.k8s.io/v1", "HTTPRoute", "app", "vote", "spec:", "  parentRefs: [{group: policy.linkerd.io, kind: Server, name: voting}]",
			"  rules: [{matches: [{method: POST, path: {value: /api/vote}}]}]"),
		obj("gateway.networking.k8s.io/v1", "GRPCRoute", "app", "emoji", "spec:", "  parentRefs: [{group: policy.linkerd.io, kind: Server, name: voting}]",
			"  rules: [{matches: [{method: {service: emojivoto.v1.EmojiService}}]}]"),
	)
	c, diags := decodeOK(t, in)
	if len(c.Unevaluated) != 0 {
		t.Errorf("unevaluated: %v (diags %v)", c.Unevaluated, diags)
	}
	got := map[string]model.MeshPolicy{}
	for _, p := range c.MeshPolicies {
		p.Source, p.Labels = model.Source{}, nil
		got[p.Kind+" "+p.Name] = p
	}
	want := map[string]model.MeshPolicy{
		"Server voting": {APIVersion: "policy.linkerd.io/v1beta3", Kind: "Server", Namespace: "app", Name: "voting", Order: 0,
			Server: &model.MeshServer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": "voting"}},
				Port: intstr.FromString("grpc"), ProxyProtocol: "gRPC", AccessPolicy: "audit"}},
		"ServerAuthorization sa": {APIVersion: "policy.linkerd.io/v1beta1", Kind: "ServerAuthorization", Namespace: "app", Name: "sa", Order: 1,
			ServerAuthorization: &model.MeshServerAuthorization{ServerName: "voting", ServiceAccounts: []model.MeshRef{{Name: "web"}},
				Networks: []model.MeshNetwork{{CIDR: netip.MustParsePrefix("10.0.0.0/8"), Except: []netip.Prefix{netip.MustParsePrefix("10.9.0.1/32")}}}}},
		"AuthorizationPolicy ap": {APIVersion: "policy.linkerd.io/v1alpha1", Kind: "AuthorizationPolicy", Namespace: "app", Name: "ap", Order: 2,
			AuthorizationPolicy: &model.MeshAuthorizationPolicy{Target: model.MeshRef{Group: "policy.linkerd.io", Kind: "Server", Name: "voting"},
				Required: []model.MeshRef{{Group: "policy.linkerd.io", Kind: "MeshTLSAuthentication", Name: "web"}}}},
		"MeshTLSAuthentication web": {APIVersion: "policy.linkerd.io/v1alpha1", Kind: "MeshTLSAuthentication", Namespace: "app", Name: "web", Order: 3,
			MeshTLS: &model.MeshTLSAuthentication{IdentityRefs: []model.MeshRef{{Kind: "ServiceAccount", Name: "web"}}}},
		"NetworkAuthentication inside": {APIVersion: "policy.linkerd.io/v1alpha1", Kind: "NetworkAuthentication", Namespace: "app", Name: "inside", Order: 4,
			Networks: []model.MeshNetwork{{CIDR: netip.MustParsePrefix("10.0.0.0/8")}}},
		"HTTPRoute vote": {APIVersion: "gateway.networking.k8s.io/v1", Kind: "HTTPRoute", Namespace: "app", Name: "vote", Order: 5,
			Route: &model.MeshRoute{Parents: []model.MeshRef{{Group: "policy.linkerd.io", Kind: "Server", Name: "voting"}}, Matches: []string{"POST /api/vote*"}}},
		"GRPCRoute emoji": {APIVersion: "gateway.networking.k8s.io/v1", Kind: "GRPCRoute", Namespace: "app", Name: "emoji", Order: 6,
			Route: &model.MeshRoute{Parents: []model.MeshRef{{Group: "policy.linkerd.io", Kind: "Server", Name: "voting"}}, Matches: []string{"emojivoto.v1.EmojiService/*"}}},
	}
	if diff := cmp.Diff(want, got, cmpOpts...); diff != "" {
		t.Errorf("mesh policies (-want +got):\n%s", diff)
	}
}

// TestLinkerdPolicyValidation: what the CRDs reject is an error naming the
// field; a version not served is kept as not evaluated; accessPolicy
// outside v1beta3 is dropped with a warning.
func TestLinkerdPolicyValidation(t *testing.T) {
	t.Parallel()
	srv := func(version string, spec ...string) string {
		return obj("policy.linkerd.io/"+version, "Server", "app", "s", append([]string{"spec:"}, spec...)...)
	}
	tests := []struct {
		name, in, want string
	}{
		{"server without selector", srv("v1beta3", "  port: 80"), "spec.podSelector: required"},
		{"server without port", srv("v1beta3", "  podSelector: {}"), "spec.port: required"},
		{"server bad port name", srv("v1beta3", "  podSelector: {}", "  port: Not_A_Name"), `spec.port: invalid port name "Not_A_Name"`},
		{"server bad protocol", srv("v1beta3", "  podSelector: {}", "  port: 80", "  proxyProtocol: http"), `spec.proxyProtocol: unsupported value "http"`},
		{"server bad accessPolicy", srv("v1beta3", "  podSelector: {}", "  port: 80", "  accessPolicy: allow"), `spec.accessPolicy: unsupported value "allow"`},
		{"accessPolicy before v1beta3", srv("v1beta1", "  podSelector: {}", "  port: 80", "  accessPolicy: audit"), "warning: in.yaml:9: Server app/s: spec.accessPolicy: not a field of Server policy.linkerd.io/v1beta1"},
		{"serverauthorization both refs", obj("policy.linkerd.io/v1beta1", "ServerAuthorization", "app", "a", "spec:", "  server: {name: s, selector: {}}", "  client: {unauthenticated: true}"), "spec.server: set exactly one of name and selector"},
		{"serverauthorization no client", obj("policy.linkerd.io/v1beta1", "ServerAuthorization", "app", "a", "spec:", "  server: {name: s}", "  client: {}"), "spec.client: set exactly one of meshTLS and unauthenticated"},
		{"bad cidr", obj("policy.linkerd.io/v1alpha1", "NetworkAuthentication", "app", "n", "spec:", "  networks: [{cidr: 10.0.0.0/33}]"), `spec.networks[0].cidr: invalid CIDR "10.0.0.0/33"`},
		{"policy bad target", obj("policy.linkerd.io/v1alpha1", "AuthorizationPolicy", "app", "p", "spec:", "  targetRef: {kind: Service, name: x}"), `spec.targetRef.kind: unsupported target "Service"`},
		{"meshtls both", obj("policy.linkerd.io/v1alpha1", "MeshTLSAuthentication", "app", "m", "spec:", "  identities: ['*']", "  identityRefs: [{kind: Namespace, name: x}]"), "spec: set exactly one of identities and identityRefs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := strings.Join(decodeDiags(t, "in.yaml", tt.in), "\n")
			if !strings.Contains(got, tt.want) {
				t.Errorf("diagnostics:\n%s\nwant %q", got, tt.want)
			}
		})
	}
	c, _ := decodeOK(t, srv("v9", "  podSelector: {}", "  port: 80"))
	if len(c.Unevaluated) != 1 || len(c.MeshPolicies) != 0 {
		t.Errorf("unserved version: unevaluated %v, mesh policies %v", c.Unevaluated, c.MeshPolicies)
	}
}
