package policy_test

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// TestIsolation: which pods policies isolate, per direction, and how
// policyTypes, empty rule lists and several policies combine.
//
// Long by design: a table with one row per rule.
func TestIsolation(t *testing.T) {
	t.Parallel()
	const tcp = model.TCP
	runRows(t, []row{
		{name: "no policy: pods are not isolated", want: []conn{
			allow("b/client", "a/db", tcp, 5432), allow("a/web", "internet", tcp, 443), allow("internet", "a/web", tcp, 80)}},
		{name: "Ingress policy isolates only ingress", pols: []model.Policy{
			np("a", "deny-in", withTypes(tIn)),
		}, want: []conn{deny("b/client", "a/web", tcp, 80), allow("a/web", "b/web", tcp, 8080)}},
		{name: "Egress policy isolates only egress", pols: []model.Policy{
			np("a", "deny-out", withTypes(tOut)),
		}, want: []conn{deny("a/web", "b/web", tcp, 8080), allow("b/client", "a/web", tcp, 80)}},
		{name: "a policy isolates only pods of its own namespace", pols: []model.Policy{
			np("a", "deny-all", withTypes(tIn, tOut)),
		}, want: []conn{allow("b/client", "b/web", tcp, 8080), allow("c/client", "b/web", tcp, 8080), deny("b/client", "a/web", tcp, 80)}},
		{name: "podSelector isolates only the pods it selects", pols: []model.Policy{
			np("a", "deny-db", withPodSelector(sel("app", "db"))),
		}, want: []conn{deny("b/client", "a/db", tcp, 5432), allow("b/client", "a/web", tcp, 80)}},
		{name: "policyTypes omitted without egress rules: Ingress only", pols: []model.Policy{
			np("a", "no-types"),
		}, want: []conn{deny("b/client", "a/web", tcp, 80), allow("a/web", "b/web", tcp, 8080)}},
		{name: "policyTypes omitted with egress rules: Ingress and Egress", pols: []model.Policy{
			np("a", "web", withPodSelector(sel("app", "web")), withEgress(rule(peers(podPeer(sel("app", "api")))))),
		}, want: []conn{allow("a/web", "a/api", tcp, 8080), deny("a/web", "b/web", tcp, 8080), deny("b/client", "a/web", tcp, 80)}},
		{name: "egress: [] adds no Egress type", pols: []model.Policy{
			np("a", "empty-egress", withEgress()),
		}, want: []conn{allow("a/web", "b/web", tcp, 8080), deny("b/client", "a/web", tcp, 80)}},
		{name: "explicit policyTypes [Egress] ignores ingress rules", pols: []model.Policy{
			np("a", "egress-only", withTypes(tOut), withIngress(rule())),
		}, want: []conn{allow("b/client", "a/web", tcp, 80), deny("a/web", "b/web", tcp, 8080)}},
		{name: "explicit policyTypes [Ingress, Egress] without egress rules denies egress", pols: []model.Policy{
			np("a", "both", withTypes(tIn, tOut), withIngress(rule())),
		}, want: []conn{allow("b/client", "a/web", tcp, 80), deny("a/web", "b/web", tcp, 8080), deny("a/web", "internet", tcp, 443)}},
		{name: "ingress: [] denies like an omitted ingress", pols: []model.Policy{
			np("a", "empty", withPodSelector(sel("app", "web")), withTypes(tIn), withIngress()),
			np("a", "omitted", withPodSelector(sel("app", "api")), withTypes(tIn)),
		}, want: []conn{deny("b/client", "a/web", tcp, 80), deny("b/client", "a/api", tcp, 8080), allow("b/client", "a/db", tcp, 5432)}},
		{name: "one empty rule - {} allows everything", pols: []model.Policy{
			np("a", "allow-all", withIngress(rule())),
		}, want: []conn{allow("b/client", "a/web", tcp, 1), allow("b/client", "a/web", model.UDP, 53),
			allow("internet", "a/web", model.SCTP, 65535), allow("kube-system/node-agent", "a/web", tcp, 80)}},
		{name: "from: [] matches all sources", pols: []model.Policy{
			np("a", "from-empty", withIngress(rule(peers(), onPorts(num(80))))),
		}, want: []conn{allow("b/client", "a/web", tcp, 80), allow("internet", "a/web", tcp, 80), deny("b/client", "a/web", tcp, 81)}},
		{name: "to: [] matches all destinations", pols: []model.Policy{
			np("a", "to-empty", withTypes(tOut), withEgress(rule(peers(), onPorts(num(443))))),
		}, want: []conn{allow("a/web", "internet", tcp, 443), allow("a/web", "b/web", tcp, 443), deny("a/web", "b/web", tcp, 8080)}},
		{name: "ports: [] matches all ports", pols: []model.Policy{
			np("a", "ports-empty", withIngress(rule(peers(podPeer(sel())), onPorts()))),
		}, want: []conn{allow("a/api", "a/web", tcp, 1), allow("a/api", "a/web", model.UDP, 9), deny("b/client", "a/web", tcp, 80)}},
		{name: "policies are additive", pols: []model.Policy{
			np("a", "from-api", withPodSelector(sel("app", "web")), withIngress(rule(peers(podPeer(sel("app", "api"))), onPorts(num(80))))),
			np("a", "from-beta", withPodSelector(sel("app", "web")), withIngress(rule(peers(nsPeer(sel("team", "beta"))), onPorts(num(81))))),
		}, want: []conn{allow("a/api", "a/web", tcp, 80), deny("a/api", "a/web", tcp, 81),
			allow("b/client", "a/web", tcp, 81), deny("b/client", "a/web", tcp, 80)}},
		{name: "a default-deny policy does not take away what another allows", pols: []model.Policy{
			np("a", "deny-all", withTypes(tIn, tOut)),
			np("a", "web", withPodSelector(sel("app", "web")), withIngress(rule(onPorts(num(80))))),
		}, want: []conn{allow("b/client", "a/web", tcp, 80), deny("b/client", "a/api", tcp, 8080)}},
		{name: "rules of one policy are additive", pols: []model.Policy{
			np("a", "two-rules", withIngress(rule(peers(podPeer(sel("app", "api"))), onPorts(num(80))), rule(onPorts(udp(53))))),
		}, want: []conn{allow("a/api", "a/web", tcp, 80), allow("b/client", "a/web", model.UDP, 53), deny("b/client", "a/web", tcp, 80)}},
		{name: "egress at the source and ingress at the destination are both required", pols: []model.Policy{
			np("a", "out", withPodSelector(sel("app", "web")), withTypes(tOut), withEgress(rule(peers(nsPeer(sel()))))),
			np("b", "in", withPodSelector(sel("app", "web")), withIngress(rule(peers(nsPeer(sel("team", "gamma")))))),
		}, want: []conn{deny("a/web", "b/web", tcp, 8080), allow("c/client", "b/web", tcp, 8080),
			allow("a/web", "b/client", tcp, 1), deny("a/web", "internet", tcp, 443)}},
	})
}
