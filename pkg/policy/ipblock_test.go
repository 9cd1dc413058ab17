package policy_test

import (
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// TestIPBlocks: ipBlock cidr and except against pod addresses (v4, v6,
// dual-stack, none) and against external prefixes, in both pod modes.
//
// Long by design: a table with one row per rule.
func TestIPBlocks(t *testing.T) {
	t.Parallel()
	const tcp = model.TCP
	toDB := func(ps ...ruleTweak) []model.Policy {
		return []model.Policy{np("a", "blocks", withPodSelector(sel("app", "db")), withIngress(rule(ps...)))}
	}
	runRows(t, []row{
		{name: "ipBlock matches pod IPs", pols: toDB(peers(ipPeer("10.2.0.0/16"))),
			want: []conn{allow("b/web", "a/db", tcp, 5432), allow("b/client", "a/db", tcp, 5432), deny("a/api", "a/db", tcp, 5432)}},
		{name: "except carves pods out", pols: toDB(peers(ipPeer("10.2.0.0/16", "10.2.0.2/32"))),
			want: []conn{allow("b/web", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 5432)}},
		// a/db has no IPv6 address, so c/client (dual-stack) reaches it over
		// IPv4 only, from 10.3.0.1, which fd00::/64 does not hold (found by
		// podreach lab: the kernel rejected what the engine allowed).
		{name: "IPv6 ipBlock does not admit a dual-stack pod's IPv4 connections", pols: toDB(peers(ipPeer("fd00::/64"))),
			want: []conn{deny("c/client", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 5432)}},
		{name: "IPv6 except carves a dual-stack pod out", pols: toDB(peers(ipPeer("fd00::/64", "fd00::3:0/112"))),
			want: []conn{deny("c/client", "a/db", tcp, 5432)}},
		{name: "IPv4 ipBlock ignores a dual-stack pod's IPv6 address", pols: toDB(peers(ipPeer("10.3.0.0/16"))),
			want: []conn{allow("c/client", "a/db", tcp, 5432)}},
		{name: "pods without IPs are never matched by ipBlock", pols: toDB(peers(ipPeer("0.0.0.0/0"))),
			want: []conn{deny("a/noip", "a/db", tcp, 5432), allow("a/web", "a/db", tcp, 5432)}},
		{name: "WithIPBlockPods(false): ipBlock matches no pod", noPodIPBlocks: true, pols: toDB(peers(ipPeer("0.0.0.0/0"))),
			want: []conn{deny("b/web", "a/db", tcp, 5432), deny("kube-system/node-agent", "a/db", tcp, 5432), allow("internet", "a/db", tcp, 5432)}},
		{name: "WithIPBlockPods(false): egress ipBlock reaches externals only", noPodIPBlocks: true, pols: []model.Policy{
			np("a", "out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(peers(ipPeer("0.0.0.0/0"))))),
		}, want: []conn{deny("a/api", "b/web", tcp, 8080), allow("a/api", "internet", tcp, 443)}},
		{name: "external prefix fully inside cidr matches", pols: toDB(peers(ipPeer("203.0.113.0/24"), ipPeer("8.0.0.0/8"))),
			want: []conn{allow("partner", "a/db", tcp, 5432), allow("internet", "a/db", tcp, 5432)}},
		{name: "external prefix partly inside cidr does not match", pols: toDB(peers(ipPeer("203.0.113.0/25"))),
			want: []conn{deny("partner", "a/db", tcp, 5432)}},
		{name: "except overlapping an external prefix excludes it", pols: toDB(peers(ipPeer("203.0.0.0/16", "203.0.113.128/25"))),
			want: []conn{deny("partner", "a/db", tcp, 5432)}},
		{name: "except containing an external prefix excludes it", pols: toDB(peers(ipPeer("0.0.0.0/0", "8.8.0.0/16"))),
			want: []conn{deny("internet", "a/db", tcp, 5432), allow("partner", "a/db", tcp, 5432), allow("b/web", "a/db", tcp, 5432)}},
		{name: "except beside an external prefix keeps it", pols: toDB(peers(ipPeer("203.0.0.0/16", "203.0.114.0/24"))),
			want: []conn{allow("partner", "a/db", tcp, 5432)}},
		{name: "IPv6 external", pols: toDB(peers(ipPeer("2001:db8::/32"))),
			want: []conn{allow("v6net", "a/db", tcp, 5432), deny("internet", "a/db", tcp, 5432)}},
		{name: "IPv6 external partly inside", pols: toDB(peers(ipPeer("2001:db8::/96"))),
			want: []conn{deny("v6net", "a/db", tcp, 5432)}},
		{name: "IPv4 ipBlock never matches an IPv6 external", pols: toDB(peers(ipPeer("0.0.0.0/0"))),
			want: []conn{deny("v6net", "a/db", tcp, 5432)}},
		{name: "egress ipBlock with except toward externals and pods", pols: []model.Policy{
			np("a", "out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(peers(ipPeer("0.0.0.0/0", "10.0.0.0/8")), onPorts(num(443))))),
		}, want: []conn{allow("a/api", "internet", tcp, 443), deny("a/api", "internet", tcp, 80), deny("a/api", "b/web", tcp, 443)}},
		{name: "egress ipBlock to one pod", pols: []model.Policy{
			np("a", "out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(peers(ipPeer("10.2.0.1/32"))))),
		}, want: []conn{allow("a/api", "b/web", tcp, 8080), deny("a/api", "b/client", tcp, 8080)}},
		{name: "host-network pod matched by ipBlock on its IP", pols: toDB(peers(ipPeer("192.168.0.0/24"))),
			want: []conn{allow("kube-system/node-agent", "a/db", tcp, 5432), deny("b/web", "a/db", tcp, 5432)}},
	})
}
