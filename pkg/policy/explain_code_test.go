package policy_test

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// TestExplainCodes: the reason code of the decision and of each side.
func TestExplainCodes(t *testing.T) {
	t.Parallel()
	pols := []model.Policy{
		np("a", "api-out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(onPorts(num(80))))),
		np("b", "web-in", withPodSelector(sel("app", "web")), withIngress(rule(onPorts(num(81))))),
		np("a", "db-in", withPodSelector(sel("app", "db")), withIngress(rule(onPorts(num(5432))))),
	}
	b := build(t, worldNamespaces(), pols, world(), true)
	tests := []struct {
		name                  string
		from, to              string
		proto                 model.Protocol
		port                  int
		verdict               policy.Verdict
		code, egress, ingress policy.Code
	}{
		{"self", "a/web", "a/web", model.TCP, 80, policy.Allow, policy.CodeSelf, policy.CodeSelf, policy.CodeSelf},
		{"nothing isolated", "b/client", "c/client", model.TCP, 80, policy.Allow, policy.CodeNotIsolated, policy.CodeNotIsolated, policy.CodeNotIsolated},
		{"from an external", "internet", "a/db", model.TCP, 5432, policy.Allow, policy.CodeAdmitted, policy.CodeExternal, policy.CodeAdmitted},
		{"from a host-network pod", "kube-system/node-agent", "a/web", model.TCP, 80, policy.Allow, policy.CodeHostNetwork, policy.CodeHostNetwork, policy.CodeNotIsolated},
		{"egress denies", "a/api", "a/db", model.TCP, 5432, policy.Deny, policy.CodeNoRuleAdmits, policy.CodeNoRuleAdmits, policy.CodeAdmitted},
		{"ingress denies", "b/client", "b/web", model.TCP, 80, policy.Deny, policy.CodeNoRuleAdmits, policy.CodeNotIsolated, policy.CodeNoRuleAdmits},
		{"both admit, nothing in common", "a/api", "b/web", model.ProtocolUnknown, 0, policy.Deny, policy.CodeDisjoint, policy.CodePartlyAdmitted, policy.CodePartlyAdmitted},
		{"partly admitted", "b/client", "b/web", model.ProtocolUnknown, 0, policy.Allow, policy.CodePartlyAdmitted, policy.CodeNotIsolated, policy.CodePartlyAdmitted},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := b.eng.Explain(b.index(t, tt.from), b.index(t, tt.to), tt.proto, tt.port)
			if d.Verdict != tt.verdict || d.Code != tt.code || d.Egress.Code != tt.egress || d.Ingress.Code != tt.ingress {
				t.Errorf("got %s %s (egress %s, ingress %s), want %s %s (egress %s, ingress %s)\n%s",
					d.Verdict, d.Code, d.Egress.Code, d.Ingress.Code, tt.verdict, tt.code, tt.egress, tt.ingress, dump(d))
			}
			if d.Code.Describe() == "" {
				t.Errorf("code %q has no description", d.Code)
			}
		})
	}
}

// TestExplainMatchesAllowed: Explain's Allowed is Allowed() restricted to
// the asked ports, on every pair of the world.
func TestExplainMatchesAllowed(t *testing.T) {
	t.Parallel()
	pols := []model.Policy{
		np("a", "deny-all", withTypes(tIn, tOut)),
		np("a", "web", withPodSelector(sel("app", "web")), withIngress(rule(peers(nsPeer(sel())), onPorts(named("http"), span(8000, 8100)))),
			withEgress(rule(peers(podPeer(sel("tier", "backend")))), rule(peers(ipPeer("0.0.0.0/0", "10.0.0.0/8"))))),
		np("b", "client", withPodSelector(sel("app", "client")), withTypes(tOut), withEgress(rule(onPorts(named("http"), udp(53))))),
		np("kube-system", "dns", withPodSelector(sel("k8s-app", "kube-dns")), withIngress(rule(onPorts(withProto(named("dns"), "UDP"))))),
	}
	b := build(t, worldNamespaces(), pols, world(), true)
	for s := range b.eps {
		for d := range b.eps {
			all := b.eng.Allowed(s, d)
			if got := b.eng.Explain(s, d, model.ProtocolUnknown, 0).Allowed; !got.Equal(all) {
				t.Errorf("%s -> %s: Explain(all) %s, Allowed %s", b.eps[s].ID, b.eps[d].ID, got, all)
			}
			for _, proto := range model.Protocols {
				for _, port := range []int{1, 53, 80, 8000, 8080, 8100, 8101, 9000, 65535} {
					want := all.Intersect(ports.Of(proto, port, port))
					if got := b.eng.Explain(s, d, proto, port).Allowed; !got.Equal(want) {
						t.Errorf("%s -> %s %s/%d: Explain %s, want %s", b.eps[s].ID, b.eps[d].ID, proto, port, got, want)
					}
				}
			}
		}
	}
}
