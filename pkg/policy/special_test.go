package policy_test

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestSelfHostExternal: self traffic, workload endpoints, host-network pods
// and peers outside the pod network.
func TestSelfHostExternal(t *testing.T) {
	t.Parallel()
	const tcp = model.TCP
	denyAll := func(ns string) model.Policy { return np(ns, "deny-all", withTypes(tIn, tOut)) }
	withWorkload := append(world(), workload(withIPs(pod("b", "api", lbl("app", "api")), "10.2.0.9")))
	runRows(t, []row{
		{name: "a pod can always reach itself", pols: []model.Policy{denyAll("a")},
			want: []conn{allow("a/web", "a/web", tcp, 80), allow("a/web", "a/web", model.UDP, 9), deny("a/web", "a/api", tcp, 8080)}},
		{name: "a workload endpoint to itself is evaluated: denied", eps: withWorkload, pols: []model.Policy{denyAll("b")},
			want: []conn{deny("b/api", "b/api", tcp, 8080)}},
		{name: "a workload endpoint to itself is evaluated: allowed", eps: withWorkload, pols: []model.Policy{
			denyAll("b"), np("b", "same-ns", withIngress(rule(peers(podPeer(sel())))), withEgress(rule(peers(podPeer(sel()))))),
		}, want: []conn{allow("b/api", "b/api", tcp, 8080), deny("b/api", "a/web", tcp, 80)}},
		{name: "host-network pods are never isolated", pols: []model.Policy{denyAll("kube-system")},
			want: []conn{allow("b/client", "kube-system/node-agent", tcp, 9100), allow("kube-system/node-agent", "b/client", tcp, 1),
				deny("b/client", "kube-system/coredns", model.UDP, 53)}},
		{name: "host-network pods are not matched by selectors", pols: []model.Policy{
			np("a", "all-pods", withPodSelector(sel("app", "db")), withIngress(rule(peers(nsPeer(sel()))))),
			np("kube-system", "same-ns", withPodSelector(sel("k8s-app", "kube-dns")), withIngress(rule(peers(podPeer(sel()))))),
		}, want: []conn{deny("kube-system/node-agent", "a/db", tcp, 5432), deny("kube-system/node-agent", "kube-system/coredns", model.UDP, 53),
			allow("b/client", "a/db", tcp, 5432)}},
		{name: "no egress policy applies from an external", pols: []model.Policy{denyAll("a"), np("a", "web", withPodSelector(sel("app", "web")), withIngress(rule()))},
			want: []conn{allow("internet", "a/web", tcp, 80), deny("a/web", "internet", tcp, 80)}},
		{name: "externals are admitted only by ipBlock", pols: []model.Policy{
			np("a", "selectors", withPodSelector(sel("app", "web")), withIngress(rule(peers(nsPeer(sel()), podPeer(sel()))))),
			np("a", "block", withPodSelector(sel("app", "api")), withIngress(rule(peers(ipPeer("8.8.8.8/32"))))),
		}, want: []conn{deny("internet", "a/web", tcp, 80), allow("internet", "a/api", tcp, 8080), deny("partner", "a/api", tcp, 8080)}},
		{name: "egress to an external needs an ipBlock or no to", pols: []model.Policy{
			np("a", "selectors", withPodSelector(sel("app", "web")), withTypes(tOut), withEgress(rule(peers(nsPeer(sel()))))),
			np("a", "any", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(onPorts(num(443))))),
		}, want: []conn{deny("a/web", "internet", tcp, 443), allow("a/web", "b/web", tcp, 8080), allow("a/api", "internet", tcp, 443)}},
		{name: "external to external is not policed", pols: []model.Policy{denyAll("a")},
			want: []conn{allow("internet", "partner", tcp, 443)}},
	})
}

// TestContested: a host-network pod on either side marks the decision
// contested, since implementations differ.
func TestContested(t *testing.T) {
	t.Parallel()
	b := build(t, worldNamespaces(), nil, world(), true)
	for _, tt := range []struct {
		from, to  string
		contested bool
	}{
		{"kube-system/node-agent", "a/web", true},
		{"a/web", "kube-system/node-agent", true},
		{"a/web", "a/api", false},
	} {
		d := b.eng.Explain(b.index(t, tt.from), b.index(t, tt.to), model.TCP, 80)
		if (d.Contested != "") != tt.contested {
			t.Errorf("%s -> %s: Contested = %q, want contested=%v", tt.from, tt.to, d.Contested, tt.contested)
		}
		if tt.contested && d.Verdict != policy.Allow {
			t.Errorf("%s -> %s: verdict %v, want allowed (host-network pods are never isolated)", tt.from, tt.to, d.Verdict)
		}
	}
}
