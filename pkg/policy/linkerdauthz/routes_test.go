package linkerdauthz

import (
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// Rule 6: routes. A route admits the AuthorizationPolicies that target it
// plus the Server's; when only some routes admit a client the answer is
// "allowed on routes …".
func TestRoutes(t *testing.T) {
	t.Parallel()
	vote := route("HTTPRoute", "policy.linkerd.io/v1beta3", "vote", "voting-http", "POST /api/vote")
	list := route("HTTPRoute", "gateway.networking.k8s.io/v1", "list", "voting-http", "GET /api/list")
	webTLS := meshTLS("web", id("web"))
	voteAP := authzPolicy("vote", model.MeshRef{Group: GroupPolicy, Kind: "HTTPRoute", Name: "vote"}, ref("MeshTLSAuthentication", "web"))
	listAP := authzPolicy("list", model.MeshRef{Group: GroupGateway, Kind: "HTTPRoute", Name: "list"}, ref("MeshTLSAuthentication", "web"))
	serverAP := authzPolicy("srv", ref("Server", "voting-http"), ref("MeshTLSAuthentication", "web"))
	wrongGroup := authzPolicy("wrong", model.MeshRef{Group: GroupPolicy, Kind: "HTTPRoute", Name: "list"}, ref("MeshTLSAuthentication", "web"))
	grpc := route("GRPCRoute", "gateway.networking.k8s.io/v1", "emoji", "voting-http", "emojivoto.v1.EmojiService/*")
	grpcAP := authzPolicy("grpc", ref("GRPCRoute", "emoji"))
	runCases(t, []decisionCase{
		{name: "every route admits", objs: []model.MeshPolicy{votingSrv, vote, list, webTLS, voteAP, listAP}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "routes_authorized"},
		{name: "only some routes admit", objs: []model.MeshPolicy{votingSrv, vote, list, webTLS, voteAP}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "routes_partial", routes: 1},
		{name: "no route admits", objs: []model.MeshPolicy{votingSrv, vote, list, webTLS, voteAP, listAP}, dst: pod("voting"), client: meshedClient("bot", ""), verdict: Deny, code: "server_denies"},
		{name: "server authorizations apply on every route", objs: []model.MeshPolicy{votingSrv, vote, list, webTLS, serverAP}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "routes_authorized"},
		{name: "target group must match the route's", objs: []model.MeshPolicy{votingSrv, list, webTLS, wrongGroup}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "GRPCRoute from 2.16", objs: []model.MeshPolicy{votingSrv, grpc, grpcAP}, dst: pod("voting"), client: unmeshedClient(""), verdict: Allow, code: "routes_authorized"},
		{name: "GRPCRoute ignored before 2.16", cfg: version("2.15"), objs: []model.MeshPolicy{votingSrv, grpc, grpcAP}, dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
	})
}

// Rule 5: accessPolicy (2.16+) decides what no authorization admits.
func TestAccessPolicy(t *testing.T) {
	t.Parallel()
	with := func(v string) []model.MeshPolicy {
		s := server("voting-http", "8080", map[string]string{"app": "voting"})
		s.Server.AccessPolicy = v
		return []model.MeshPolicy{s}
	}
	runCases(t, []decisionCase{
		{name: "audit lets through", objs: with("audit"), dst: pod("voting"), client: unmeshedClient(""), verdict: Audit, code: "server_audit"},
		{name: "all-authenticated", objs: with("all-authenticated"), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_access_policy"},
		{name: "all-authenticated refuses unmeshed", objs: with("all-authenticated"), dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
		{name: "explicit deny", objs: with("deny"), dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "ignored before 2.16", cfg: version("2.15"), objs: with("audit"), dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
	})
}

// Rule 6 and 2.12's automatic probe authorization: the probe paths stay
// open under deny, until a route is attached; not before 2.12.
func TestProbeAuthorization(t *testing.T) {
	t.Parallel()
	withProbe := pod("voting", podAnn(AnnotationDefaultPolicy, "deny"), probe("voting", "http", "/ready?full=1"), probe("voting", "8080", "/live"))
	cases := []struct {
		name string
		cfg  Config
		objs []model.MeshPolicy
		want string // "" when no probe note
		// The structured answer: the open probe paths, the attached routes.
		paths, routes []string
	}{
		{name: "default deny keeps probes", want: "probe paths GET /live, /ready stay authorized", paths: []string{"/live", "/ready"}},
		{name: "server without routes keeps probes", objs: []model.MeshPolicy{votingSrv}, want: "probe paths GET /live, /ready", paths: []string{"/live", "/ready"}},
		{name: "a route removes them", objs: []model.MeshPolicy{votingSrv, route("HTTPRoute", "policy.linkerd.io/v1beta3", "r", "voting-http")}, want: "",
			routes: []string{"HTTPRoute app/r"}},
		{name: "not before 2.12", cfg: version("2.11"), want: ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			d := New(tc.cfg, tc.objs).Decide(withProbe, 8080, meshedClient("web", ""))
			got := strings.Join(d.Reasons, "\n")
			if d.Verdict != Deny || (tc.want == "") == strings.Contains(got, "probe paths") || !strings.Contains(got, tc.want) {
				t.Errorf("verdict %s reasons %q, want deny and %q", d.Verdict, got, tc.want)
			}
			if !slices.Equal(d.ProbePaths, tc.paths) || !slices.Equal(d.AttachedRoutes, tc.routes) || len(tc.paths) > 0 && d.ProbeClient != Yes {
				t.Errorf("probe paths %q (client in the probe networks: %s), attached routes %q; want %q, yes, %q", d.ProbePaths, d.ProbeClient, d.AttachedRoutes, tc.paths, tc.routes)
			}
		})
	}
}

// A named probe port resolves in its own container only.
func TestProbePortInOwnContainer(t *testing.T) {
	t.Parallel()
	spec := pod("voting", probe("sidecar", "http", "/x"), probe("voting", "HTTP", "/y")).Spec
	if got := probePaths(spec, 8080); len(got) != 1 || got[0] != "/y" {
		t.Errorf("probePaths = %q, want [/y]", got)
	}
}

// Eras: policy.linkerd.io kinds other than Server and ServerAuthorization
// are read from 2.12.
func TestKindsByRelease(t *testing.T) {
	t.Parallel()
	objs := []model.MeshPolicy{votingSrv, authzPolicy("all", ref("Server", "voting-http"))}
	runCases(t, []decisionCase{
		{name: "2.11 ignores AuthorizationPolicy", cfg: version("2.11"), objs: objs, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "2.12 reads it", cfg: version("2.12"), objs: objs, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
	})
	if ig := New(version("2.11"), objs).Ignored(); len(ig) != 1 || !strings.Contains(ig[0], "served from Linkerd 2.12") {
		t.Errorf("Ignored = %q", ig)
	}
}

// Identities follow the control-plane namespace and the trust domain.
func TestServiceAccountIdentity(t *testing.T) {
	t.Parallel()
	cases := []struct {
		cfg  Config
		want string
	}{
		{Config{}, "web.app.serviceaccount.identity.linkerd.cluster.local"},
		{Config{ControlPlaneNamespace: "l5d", TrustDomain: "example.org"}, "web.app.serviceaccount.identity.l5d.example.org"},
	}
	for _, tc := range cases {
		if got := tc.cfg.ServiceAccountIdentity("web", "app"); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
	c := meshedClient("", "")
	if got := c.Identity(&Config{}); got != id("default") {
		t.Errorf("empty service account: %q, want the default one", got)
	}
}

func TestParseDefaultPolicy(t *testing.T) {
	t.Parallel()
	for d := DefaultAllUnauthenticated; d <= DefaultAudit; d++ {
		if got, err := ParseDefaultPolicy(d.String()); err != nil || got != d {
			t.Errorf("round trip %s: %s, %v", d, got, err)
		}
	}
	for _, bad := range []string{"", "all_authenticated", "Deny", "allow"} {
		if _, err := ParseDefaultPolicy(bad); err == nil {
			t.Errorf("%q parsed", bad)
		}
	}
}
