package linkerdauthz

import (
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

var votingSrv = server("voting-http", "8080", map[string]string{"app": "voting"})

// Rule 5: a Server with no authorization denies everyone.
func TestServerWithoutAuthorizationDenies(t *testing.T) {
	t.Parallel()
	runCases(t, []decisionCase{
		{name: "meshed client", objs: []model.MeshPolicy{votingSrv}, dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "even under all-unauthenticated", cfg: Config{ClusterDefault: DefaultAllUnauthenticated}, objs: []model.MeshPolicy{votingSrv}, dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
	})
}

func serverAuthz(name string, s model.MeshServerAuthorization) model.MeshPolicy {
	o := obj("ServerAuthorization", "policy.linkerd.io/v1beta1", name, 0)
	o.ServerAuthorization = &s
	return o
}

// Rule 5: ServerAuthorization — by Server name or label selector; clients
// unauthenticated, unauthenticatedTLS, identities or service accounts;
// networks default to the cluster networks.
func TestServerAuthorization(t *testing.T) {
	t.Parallel()
	byName := func(s model.MeshServerAuthorization) []model.MeshPolicy {
		s.ServerName = "voting-http"
		return []model.MeshPolicy{votingSrv, serverAuthz("sa", s)}
	}
	bySelector := []model.MeshPolicy{votingSrv, serverAuthz("sa", model.MeshServerAuthorization{
		ServerSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"srv": "voting-http"}}, Unauthenticated: true})}
	otherSelector := []model.MeshPolicy{votingSrv, serverAuthz("sa", model.MeshServerAuthorization{
		ServerSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"srv": "emoji"}}, Unauthenticated: true})}
	runCases(t, []decisionCase{
		{name: "unauthenticated admits unmeshed", objs: byName(model.MeshServerAuthorization{Unauthenticated: true}), dst: pod("voting"), client: unmeshedClient("10.2.0.1"), verdict: Allow, code: "server_authorized"},
		{name: "selector selects the Server", objs: bySelector, dst: pod("voting"), client: unmeshedClient(""), verdict: Allow, code: "server_authorized"},
		{name: "selector of another Server", objs: otherSelector, dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
		{name: "networks default to the cluster networks", objs: byName(model.MeshServerAuthorization{Unauthenticated: true}), dst: pod("voting"), client: external("203.0.113.7/32"), verdict: Deny, code: "server_denies"},
		{name: "explicit networks", objs: byName(model.MeshServerAuthorization{Unauthenticated: true, Networks: []model.MeshNetwork{net("0.0.0.0/0")}}), dst: pod("voting"), client: external("203.0.113.7/32"), verdict: Allow, code: "server_authorized"},
		{name: "unauthenticatedTLS admits meshed", objs: byName(model.MeshServerAuthorization{UnauthenticatedTLS: true}), dst: pod("voting"), client: meshedClient("bot", ""), verdict: Allow, code: "server_authorized"},
		{name: "unauthenticatedTLS refuses unmeshed", objs: byName(model.MeshServerAuthorization{UnauthenticatedTLS: true}), dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
		{name: "identities", objs: byName(model.MeshServerAuthorization{Identities: []string{id("web")}}), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
		{name: "service accounts", objs: byName(model.MeshServerAuthorization{ServiceAccounts: []model.MeshRef{{Name: "web"}}}), dst: pod("voting"), client: meshedClient("bot", ""), verdict: Deny, code: "server_denies"},
	})
}

// Rule 5: AuthorizationPolicy targets — the Server, or its namespace.
func TestAuthorizationPolicyTargets(t *testing.T) {
	t.Parallel()
	nsTarget := authzPolicy("ns", model.MeshRef{Kind: "Namespace", Name: "app"})
	otherNS := authzPolicy("other", model.MeshRef{Kind: "Namespace", Name: "elsewhere"})
	otherSrv := authzPolicy("emoji", ref("Server", "emoji-grpc"))
	runCases(t, []decisionCase{
		{name: "namespace target", objs: []model.MeshPolicy{votingSrv, nsTarget}, dst: pod("voting"), client: unmeshedClient(""), verdict: Allow, code: "server_authorized"},
		{name: "another namespace is not a target", objs: []model.MeshPolicy{votingSrv, otherNS}, dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
		{name: "another Server", objs: []model.MeshPolicy{votingSrv, otherSrv}, dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
	})
}

// Rule 7: requiredAuthenticationRefs are ANDed; empty admits everyone; a
// missing or doubled reference makes Linkerd ignore the policy.
func TestAuthorizationPolicyAuthentications(t *testing.T) {
	t.Parallel()
	clients := meshTLS("clients", id("web"))
	inside := netAuth("inside", net("10.0.0.0/8"))
	ap := func(req ...model.MeshRef) []model.MeshPolicy {
		return []model.MeshPolicy{votingSrv, clients, inside, authzPolicy("ap", ref("Server", "voting-http"), req...)}
	}
	both := ap(ref("MeshTLSAuthentication", "clients"), ref("NetworkAuthentication", "inside"))
	runCases(t, []decisionCase{
		{name: "both match", objs: both, dst: pod("voting"), client: meshedClient("web", "10.1.0.1"), verdict: Allow, code: "server_authorized"},
		{name: "identity matches network does not", objs: both, dst: pod("voting"), client: meshedClient("web", "192.168.1.1"), verdict: Deny, code: "server_denies"},
		{name: "network matches identity does not", objs: both, dst: pod("voting"), client: meshedClient("bot", "10.1.0.1"), verdict: Deny, code: "server_denies"},
		{name: "no refs admits everyone", objs: ap(), dst: pod("voting"), client: external("203.0.113.0/24"), verdict: Allow, code: "server_authorized"},
		{name: "network only admits unmeshed", objs: ap(ref("NetworkAuthentication", "inside")), dst: pod("voting"), client: unmeshedClient("10.9.9.9"), verdict: Allow, code: "server_authorized"},
		{name: "service account ref", objs: ap(ref("ServiceAccount", "web")), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
		{name: "missing authentication ignores the policy", objs: ap(ref("MeshTLSAuthentication", "nope")), dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "two identity refs ignore the policy", objs: ap(ref("MeshTLSAuthentication", "clients"), ref("ServiceAccount", "web")), dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
	})
}

// MeshTLSAuthentication identities and identityRefs.
func TestMeshTLSIdentities(t *testing.T) {
	t.Parallel()
	with := func(m model.MeshPolicy) []model.MeshPolicy {
		return []model.MeshPolicy{votingSrv, m, authzPolicy("ap", ref("Server", "voting-http"), ref("MeshTLSAuthentication", m.Name))}
	}
	refs := func(rs ...model.MeshRef) model.MeshPolicy {
		m := meshTLS("m")
		m.MeshTLS.IdentityRefs = rs
		return m
	}
	other := &Client{ID: "other/web", Pod: true, Meshed: true, Namespace: "other", ServiceAccount: "web"}
	runCases(t, []decisionCase{
		{name: "exact identity", objs: with(meshTLS("m", id("web"))), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
		{name: "exact identity other sa", objs: with(meshTLS("m", id("web"))), dst: pod("voting"), client: meshedClient("bot", ""), verdict: Deny, code: "server_denies"},
		{name: "suffix", objs: with(meshTLS("m", "*.app.serviceaccount.identity.linkerd.cluster.local")), dst: pod("voting"), client: meshedClient("bot", ""), verdict: Allow, code: "server_authorized"},
		{name: "suffix other namespace", objs: with(meshTLS("m", "*.app.serviceaccount.identity.linkerd.cluster.local")), dst: pod("voting"), client: other, verdict: Deny, code: "server_denies"},
		{name: "star is any meshed", objs: with(meshTLS("m", "*")), dst: pod("voting"), client: other, verdict: Allow, code: "server_authorized"},
		{name: "star refuses unmeshed", objs: with(meshTLS("m", "*")), dst: pod("voting"), client: unmeshedClient(""), verdict: Deny, code: "server_denies"},
		{name: "service account ref", objs: with(refs(model.MeshRef{Kind: "ServiceAccount", Name: "web"})), dst: pod("voting"), client: meshedClient("web", ""), verdict: Allow, code: "server_authorized"},
		{name: "service account ref in another namespace", objs: with(refs(model.MeshRef{Kind: "ServiceAccount", Name: "web", Namespace: "other"})), dst: pod("voting"), client: meshedClient("web", ""), verdict: Deny, code: "server_denies"},
		{name: "namespace ref", objs: with(refs(model.MeshRef{Kind: "Namespace", Name: "other"})), dst: pod("voting"), client: other, verdict: Allow, code: "server_authorized"},
	})
}

// NetworkAuthentication: cidr minus except; a pod whose IP is unknown is
// somewhere in the cluster networks.
func TestNetworkAuthenticationExcept(t *testing.T) {
	t.Parallel()
	with := func(nets ...model.MeshNetwork) []model.MeshPolicy {
		return []model.MeshPolicy{votingSrv, netAuth("n", nets...), authzPolicy("ap", ref("Server", "voting-http"), ref("NetworkAuthentication", "n"))}
	}
	runCases(t, []decisionCase{
		{name: "inside cidr", objs: with(net("10.0.0.0/8", "10.9.0.0/16")), dst: pod("voting"), client: unmeshedClient("10.1.2.3"), verdict: Allow, code: "server_authorized"},
		{name: "in except", objs: with(net("10.0.0.0/8", "10.9.0.0/16")), dst: pod("voting"), client: unmeshedClient("10.9.2.3"), verdict: Deny, code: "server_denies"},
		{name: "external range partly inside is unknown", objs: with(net("10.0.0.0/8")), dst: pod("voting"), client: external("0.0.0.0/0"), verdict: VerdictUnknown, code: "unknown_network"},
		{name: "unknown pod IP and every cluster network", objs: with(net("0.0.0.0/0"), net("::/0")), dst: pod("voting"), client: unmeshedClient(""), verdict: Allow, code: "server_authorized"},
		{name: "unknown pod IP and part of the cluster networks", objs: with(net("10.0.0.0/8")), dst: pod("voting"), client: unmeshedClient(""), verdict: VerdictUnknown, code: "unknown_network"},
	})
}

// The reasons name the Server, the authorization and why the client's
// identity does not match (the example sentence).
func TestDenyReasonsNameIdentity(t *testing.T) {
	t.Parallel()
	objs := []model.MeshPolicy{votingSrv, meshTLS("voting-clients", id("web")),
		authzPolicy("voting", ref("Server", "voting-http"), ref("MeshTLSAuthentication", "voting-clients"))}
	d := New(Config{}, objs).Decide(pod("voting"), 8080, meshedClient("vote-bot", ""))
	got := strings.Join(d.Reasons, "\n")
	if !strings.Contains(got, "Server app/voting-http selects app/voting and port 8080") {
		t.Errorf("reasons %q do not name the Server", got)
	}
	if len(d.Authorizations) != 1 || !strings.Contains(d.Authorizations[0].Requires, "MeshTLSAuthentication app/voting-clients (identities: "+id("web")) ||
		!strings.Contains(d.Authorizations[0].Why, "app/vote-bot runs as service account vote-bot") {
		t.Errorf("authorizations %+v", d.Authorizations)
	}
}
