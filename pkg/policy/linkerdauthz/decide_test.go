package linkerdauthz

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// Rule 1: "Linkerd can only enforce policy on meshed pods"; ports that
// bypass the proxy get no decision; 4191 (admin) does.
func TestNoDecisionWithoutProxy(t *testing.T) {
	t.Parallel()
	deny := nsAnn(AnnotationDefaultPolicy, "deny")
	runCases(t, []decisionCase{
		{name: "unmeshed destination", dst: pod("web", unmeshedDst, deny), client: unmeshedClient(""), verdict: NoDecision, code: "not_meshed"},
		{name: "before 2.11 there is no policy", cfg: version("2.10"), dst: pod("web", deny), client: unmeshedClient(""), verdict: NoDecision, code: "no_policy_release"},
		{name: "skip-inbound-ports bypasses the proxy", dst: pod("web", deny, podAnn(AnnotationSkipInbound, "25,8000-9000")), client: unmeshedClient(""), verdict: NoDecision, code: "skip_inbound_port"},
		{name: "tap port 4190 is always skipped", dst: pod("web", deny), port: 4190, client: unmeshedClient(""), verdict: NoDecision, code: "skip_inbound_port"},
		{name: "admin port 4191 applies policy", dst: pod("web", deny), port: 4191, client: unmeshedClient(""), verdict: Deny, code: "default_denies"},
		{name: "an invalid skip list is ignored", dst: pod("web", deny, podAnn(AnnotationSkipInbound, "8080,x")), client: unmeshedClient(""), verdict: Deny, code: "default_denies"},
	})
}

// Rule 2: connections from localhost are always allowed.
func TestLoopbackAlwaysAllowed(t *testing.T) {
	t.Parallel()
	c := meshedClient("web", "")
	c.Loopback = true
	runCases(t, []decisionCase{
		{name: "loopback under deny", dst: pod("web", nsAnn(AnnotationDefaultPolicy, "deny")), client: c, verdict: Allow, code: "loopback"},
		{name: "loopback to a Server without authorizations", objs: []model.MeshPolicy{server("s", "8080", map[string]string{"app": "web"})},
			dst: pod("web"), client: c, verdict: Allow, code: "loopback"},
	})
}

// Rule 4: the default policies, each against a meshed in-cluster client,
// an unmeshed one, and an external peer outside the cluster networks.
func TestDefaultPolicyValues(t *testing.T) {
	t.Parallel()
	type row struct {
		policy                      string
		meshed, unmeshed, externalV Verdict
	}
	rows := []row{
		{"all-unauthenticated", Allow, Allow, Allow},
		{"all-authenticated", Allow, Deny, Deny},
		{"cluster-unauthenticated", Allow, Allow, Deny},
		{"cluster-authenticated", Allow, Deny, Deny},
		{"deny", Deny, Deny, Deny},
		{"audit", Audit, Audit, Audit},
	}
	var cases []decisionCase
	for _, r := range rows {
		for _, c := range []struct {
			who    string
			client *Client
			want   Verdict
		}{{"meshed", meshedClient("web", "10.1.0.5"), r.meshed}, {"unmeshed", unmeshedClient("10.1.0.6"), r.unmeshed}, {"external", external("203.0.113.0/24"), r.externalV}} {
			code := map[Verdict]string{Allow: "default_allows", Deny: "default_denies", Audit: "default_audit"}[c.want]
			cases = append(cases, decisionCase{name: r.policy + " " + c.who, cfg: Config{ClusterDefault: MustParseDefaultPolicy(r.policy)},
				dst: pod("voting"), client: c.client, verdict: c.want, code: code})
		}
	}
	runCases(t, cases)
}

// Rule 4: precedence. The pod's annotation wins over the namespace's,
// which wins over the cluster default; an invalid value is ignored.
func TestDefaultPolicyPrecedence(t *testing.T) {
	t.Parallel()
	denyCluster := Config{ClusterDefault: DefaultDeny}
	runCases(t, []decisionCase{
		{name: "cluster default when nothing is annotated", cfg: denyCluster, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "default_denies"},
		{name: "namespace overrides cluster", cfg: denyCluster, dst: pod("voting", nsAnn(AnnotationDefaultPolicy, "all-authenticated")), client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
		{name: "pod overrides namespace", dst: pod("voting", nsAnn(AnnotationDefaultPolicy, "all-unauthenticated"), podAnn(AnnotationDefaultPolicy, "deny")), client: meshedClient("web", ""), verdict: Deny, code: "default_denies"},
		{name: "invalid pod value falls to namespace", dst: pod("voting", nsAnn(AnnotationDefaultPolicy, "deny"), podAnn(AnnotationDefaultPolicy, "all_authenticated")), client: meshedClient("web", ""), verdict: Deny, code: "default_denies"},
		{name: "audit is not a value before 2.16", cfg: Config{Version: version("2.15").Version, ClusterDefault: DefaultDeny}, dst: pod("voting", podAnn(AnnotationDefaultPolicy, "audit")), client: meshedClient("web", ""), verdict: Deny, code: "default_denies"},
		{name: "audit from 2.16", cfg: version("2.16"), dst: pod("voting", podAnn(AnnotationDefaultPolicy, "audit")), client: meshedClient("web", ""), verdict: Audit, code: "default_audit"},
	})
}

// Rule 4: proxy-require-identity-inbound-ports makes an allowing default
// authenticated on those ports; deny and audit stay; a Server ignores it.
func TestRequireIdentityPorts(t *testing.T) {
	t.Parallel()
	req := podAnn(AnnotationRequireIdentity, "8080")
	srv := server("s", "8080", map[string]string{"app": "voting"})
	all := authzPolicy("all", ref("Server", "s"))
	runCases(t, []decisionCase{
		{name: "all-unauthenticated becomes authenticated", dst: pod("voting", req), client: unmeshedClient(""), verdict: Deny, code: "default_denies"},
		{name: "meshed clients still pass", dst: pod("voting", req), client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
		{name: "other ports unchanged", dst: pod("voting", req), port: 9090, client: unmeshedClient(""), verdict: Allow, code: "default_allows"},
		{name: "audit stays audit", cfg: Config{ClusterDefault: DefaultAudit}, dst: pod("voting", req), client: unmeshedClient(""), verdict: Audit, code: "default_audit"},
		{name: "a Server governs alone", objs: []model.MeshPolicy{srv, all}, dst: pod("voting", req), client: unmeshedClient(""), verdict: Allow, code: "server_authorized"},
	})
}

// Rule 3: a Server's port, by number (declared or not) or by name
// (declared TCP ports of that name only).
func TestServerPort(t *testing.T) {
	t.Parallel()
	byNumber := server("num", "9999", map[string]string{"app": "voting"})
	byName := server("named", "http", map[string]string{"app": "voting"})
	other := server("other", "8080", map[string]string{"app": "emoji"})
	runCases(t, []decisionCase{
		{name: "number matches an undeclared port", objs: []model.MeshPolicy{byNumber}, dst: pod("voting"), port: 9999, client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "name matches the declared port", objs: []model.MeshPolicy{byName}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "name does not match another port", objs: []model.MeshPolicy{byName}, dst: pod("voting"), port: 9090, client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
		{name: "selector must match the pod", objs: []model.MeshPolicy{other}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "default_allows"},
	})
}

// Rule 3: overlapping Servers — the oldest wins; before edge-25.2.2 the
// later one was never admitted.
func TestOverlappingServersOldestWins(t *testing.T) {
	t.Parallel()
	older := server("older", "8080", map[string]string{"app": "voting"})
	older.Order = 1
	newer := server("newer", "http", map[string]string{"app": "voting"})
	newer.Order = 2
	open := authzPolicy("open", ref("Server", "newer"))
	for _, v := range []string{"edge-25.2.2", "2.17"} {
		p := New(version(v), []model.MeshPolicy{newer, open, older})
		d := p.Decide(pod("voting"), 8080, meshedClient("web", ""))
		if d.Server != "app/older" || d.Verdict != Deny {
			t.Errorf("%s: server %q verdict %s, want app/older deny", v, d.Server, d.Verdict)
		}
		want := map[string]string{"edge-25.2.2": "oldest Server wins", "2.17": "validating webhook rejects"}[v]
		if !strings.Contains(strings.Join(d.Reasons, "\n"), want) {
			t.Errorf("%s: reasons %q lack %q", v, d.Reasons, want)
		}
	}
}
