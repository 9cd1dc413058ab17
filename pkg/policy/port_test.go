package policy_test

import (
	"testing"

	corev1 "k8s.io/api/core/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestPorts: numeric, ranged, protocol-only and named port entries, and
// where named ports are resolved.
//
// Long by design: a table with one row per rule.
func TestPorts(t *testing.T) {
	t.Parallel()
	const tcp, udpP, sctpP = model.TCP, model.UDP, model.SCTP
	// into admits the port entries into the pods sel selects in ns.
	into := func(ns string, sel2 ...string) func(ps ...ruleTweak) []model.Policy {
		return func(ps ...ruleTweak) []model.Policy {
			return []model.Policy{np(ns, "ports", withPodSelector(sel(sel2...)), withIngress(rule(ps...)))}
		}
	}
	web, dns := into("a", "app", "web"), into("kube-system", "k8s-app", "kube-dns")
	// Two pods mapping the name http to different numbers, and a client
	// that itself declares http.
	twoWebs := []policy.Endpoint{
		withIPs(pod("a", "web1", lbl("app", "web"), cport("http", 80, tcp)), "10.1.0.1"),
		withIPs(pod("a", "web2", lbl("app", "web"), cport("http", 8080, tcp), cport("metrics", 80, udpP)), "10.1.0.2"),
		withIPs(pod("a", "db", lbl("app", "db"), cport("db", 5432, tcp)), "10.1.0.3"),
		withIPs(pod("b", "client", lbl("app", "client"), cport("http", 9999, tcp)), "10.2.0.2"),
		ext("internet", "8.8.8.8/32"),
	}
	runRows(t, []row{
		{name: "numeric port need not be declared by the pod", pols: web(onPorts(num(81))),
			want: []conn{allow("b/client", "a/web", tcp, 81), deny("b/client", "a/web", tcp, 80)}},
		{name: "port protocol defaults to TCP", pols: dns(onPorts(num(53))),
			want: []conn{allow("b/client", "kube-system/coredns", tcp, 53), deny("b/client", "kube-system/coredns", udpP, 53)}},
		{name: "UDP port", pols: dns(onPorts(udp(53))),
			want: []conn{allow("b/client", "kube-system/coredns", udpP, 53), deny("b/client", "kube-system/coredns", tcp, 53)}},
		{name: "SCTP port", pols: web(onPorts(sctp(2905))),
			want: []conn{allow("b/client", "a/web", sctpP, 2905), deny("b/client", "a/web", tcp, 2905), deny("b/client", "a/web", udpP, 2905)}},
		{name: "endPort range is inclusive and of one protocol", pols: web(onPorts(span(8000, 8010))),
			want: []conn{deny("b/client", "a/web", tcp, 7999), allow("b/client", "a/web", tcp, 8000), allow("b/client", "a/web", tcp, 8010),
				deny("b/client", "a/web", tcp, 8011), deny("b/client", "a/web", udpP, 8005)}},
		{name: "endPort up to 65535", pols: web(onPorts(withProto(span(65000, 65535), corev1.ProtocolUDP))),
			want: []conn{allow("b/client", "a/web", udpP, 65535), deny("b/client", "a/web", udpP, 64999), deny("b/client", "a/web", tcp, 65535)}},
		{name: "protocol-only entry matches every port of that protocol only", pols: web(onPorts(protoOnly(corev1.ProtocolUDP))),
			want: []conn{allow("b/client", "a/web", udpP, 1), allow("b/client", "a/web", udpP, 65535), deny("b/client", "a/web", tcp, 80), deny("b/client", "a/web", sctpP, 80)}},
		{name: "several port entries: OR", pols: web(onPorts(num(80), udp(53))),
			want: []conn{allow("b/client", "a/web", tcp, 80), allow("b/client", "a/web", udpP, 53), deny("b/client", "a/web", tcp, 53)}},
		{name: "named port resolves on each destination pod", eps: twoWebs, pols: web(onPorts(named("http"))),
			want: []conn{allow("b/client", "a/web1", tcp, 80), deny("b/client", "a/web1", tcp, 8080),
				allow("b/client", "a/web2", tcp, 8080), deny("b/client", "a/web2", tcp, 80)}},
		{name: "named port absent on the destination admits nothing", eps: twoWebs, pols: into("a", "app", "db")(onPorts(named("http"))),
			want: []conn{deny("b/client", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 80), deny("b/client", "a/db", tcp, 8080)}},
		{name: "named port is not resolved on the ingress source", eps: twoWebs, pols: into("a", "app", "db")(onPorts(named("http"))),
			want: []conn{deny("b/client", "a/db", tcp, 9999)}},
		{name: "named port protocol must match: {port: dns} is TCP", pols: dns(onPorts(named("dns"))),
			want: []conn{deny("b/client", "kube-system/coredns", udpP, 53), deny("b/client", "kube-system/coredns", tcp, 53)}},
		{name: "named port with its protocol", pols: dns(onPorts(withProto(named("dns"), corev1.ProtocolUDP))),
			want: []conn{allow("b/client", "kube-system/coredns", udpP, 53), deny("b/client", "kube-system/coredns", tcp, 53)}},
		{name: "named port matches number and protocol together", eps: twoWebs, pols: web(onPorts(named("metrics"))),
			want: []conn{deny("b/client", "a/web2", tcp, 80), deny("b/client", "a/web2", udpP, 80)}},
		{name: "named port in egress resolves on the peer", pols: []model.Policy{
			np("a", "api-out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(peers(nsPeer(sel())), onPorts(named("http"))))),
		}, want: []conn{allow("a/api", "a/web", tcp, 80), deny("a/api", "a/web", tcp, 8080), allow("a/api", "b/web", tcp, 8080),
			deny("a/api", "b/web", tcp, 80), deny("a/api", "a/db", tcp, 5432)}},
		{name: "named port never matches toward an external", pols: []model.Policy{
			np("a", "api-out", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(
				rule(peers(ipPeer("0.0.0.0/0")), onPorts(named("http"))), rule(peers(ipPeer("0.0.0.0/0")), onPorts(num(443))))),
		}, want: []conn{deny("a/api", "internet", tcp, 8080), deny("a/api", "internet", tcp, 80), allow("a/api", "internet", tcp, 443)}},
	})
}
