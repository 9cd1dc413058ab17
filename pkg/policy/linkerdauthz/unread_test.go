package linkerdauthz

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// unreadIn is a Config whose live read was refused resources in ns ("":
// cluster-wide).
func unreadIn(ns string, resources ...string) Config {
	return Config{Unread: []model.Gap{{Namespace: ns, Resources: resources, Reason: "Forbidden"}}}
}

// A Linkerd kind a live read was refused (RBAC) makes every answer that
// depends on it unknown — never what the objects that were read say — and
// leaves the answers that do not depend on it alone.
func TestUnreadPolicies(t *testing.T) {
	t.Parallel()
	srv := server("s", "8080", map[string]string{"app": "voting"})
	open := authzPolicy("open", ref("Server", "s"))
	needsTLS := authzPolicy("tls", ref("Server", "s"), ref("MeshTLSAuthentication", "web"))
	withCfg := func(c Config, v string) Config { c.Version = version(v).Version; return c }
	runCases(t, []decisionCase{
		{name: "Servers unread in the namespace", cfg: unreadIn("app", "servers.policy.linkerd.io"), dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "Servers unread cluster-wide", cfg: unreadIn("", "servers.policy.linkerd.io"), dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "namespace unread entirely", cfg: unreadIn("app", model.AllResources), dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "Servers unread elsewhere", cfg: unreadIn("other", "servers.policy.linkerd.io"), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
		{name: "authorizations unread, no Server: the default decides", cfg: unreadIn("app", "authorizationpolicies.policy.linkerd.io", "serverauthorizations.policy.linkerd.io"), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
		{name: "AuthorizationPolicies unread, a Server", cfg: unreadIn("app", "authorizationpolicies.policy.linkerd.io"), objs: []model.MeshPolicy{srv, open}, dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "ServerAuthorizations unread, a Server", cfg: unreadIn("", "serverauthorizations.policy.linkerd.io"), objs: []model.MeshPolicy{srv}, dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "Gateway HTTPRoutes unread, a Server", cfg: unreadIn("app", "httproutes.gateway.networking.k8s.io"), objs: []model.MeshPolicy{srv, open}, dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "AuthorizationPolicies unread under 2.11, which has none", cfg: withCfg(unreadIn("app", "authorizationpolicies.policy.linkerd.io"), "2.11"), objs: []model.MeshPolicy{srv}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "GRPCRoutes unread before 2.16, which reads none", cfg: withCfg(unreadIn("app", "grpcroutes.gateway.networking.k8s.io"), "2.15"), objs: []model.MeshPolicy{srv, open}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
		{name: "a required MeshTLSAuthentication unread", cfg: unreadIn("app", "meshtlsauthentications.policy.linkerd.io"), objs: []model.MeshPolicy{srv, needsTLS}, dst: pod("voting"), client: meshedClient("web", ""), verdict: VerdictUnknown, code: "unread_policy"},
		{name: "an unmeshed destination has no Linkerd decision", cfg: unreadIn("", model.AllResources), dst: pod("voting", unmeshedDst), client: meshedClient("web", ""), verdict: NoDecision, code: "not_meshed"},
	})
	d := New(unreadIn("app", "servers.policy.linkerd.io"), nil).Decide(pod("voting"), 8080, meshedClient("web", ""))
	want := "cannot know: servers.policy.linkerd.io in namespace app could not be read (Forbidden), and a Server may select this port of app/voting"
	if len(d.Reasons) != 1 || d.Reasons[0] != want {
		t.Errorf("reasons %q, want %q", d.Reasons, want)
	}
}

// A destination whose namespace's Servers were not read is never open:
// the matrix asks Decide, which says it cannot know.
func TestUnreadShape(t *testing.T) {
	t.Parallel()
	if sh := New(unreadIn("app", "servers.policy.linkerd.io"), nil).Shape(pod("voting")); sh.Open || !strings.HasSuffix(strings.Split(sh.Key, "|1-")[0], "|true") {
		t.Errorf("shape %+v, want closed and keyed as unread", sh)
	}
	if sh := New(unreadIn("app", "authorizationpolicies.policy.linkerd.io"), nil).Shape(pod("voting")); !sh.Open {
		t.Errorf("shape %+v, want open: no Server, so authorizations do not matter", sh)
	}
}
