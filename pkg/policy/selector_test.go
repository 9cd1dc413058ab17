package policy_test

import (
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestPeerSelectors: podSelector, namespaceSelector, their combinations
// and every matchExpressions operator, in peers and in spec.podSelector.
//
// Long by design: a table with one row per rule.
func TestPeerSelectors(t *testing.T) {
	t.Parallel()
	const tcp = model.TCP
	// toDB admits, into a/db, the sources the peers match.
	toDB := func(name string, ps ...ruleTweak) []model.Policy {
		return []model.Policy{np("a", name, withPodSelector(sel("app", "db")), withIngress(rule(ps...)))}
	}
	runRows(t, []row{
		{name: "podSelector alone selects pods of the policy's namespace", pols: toDB("pod-only", peers(podPeer(sel("app", "web")))),
			want: []conn{allow("a/web", "a/db", tcp, 5432), deny("b/web", "a/db", tcp, 5432), deny("emojivoto/web", "a/db", tcp, 5432)}},
		{name: "namespaceSelector alone selects all pods of matching namespaces", pols: toDB("ns-only", peers(nsPeer(sel("team", "beta")))),
			want: []conn{allow("b/web", "a/db", tcp, 5432), allow("b/client", "a/db", tcp, 5432), deny("a/api", "a/db", tcp, 5432), deny("c/client", "a/db", tcp, 5432)}},
		{name: "podSelector and namespaceSelector in one peer: AND", pols: toDB("and", peers(andPeer(sel("team", "beta"), sel("app", "web")))),
			want: []conn{allow("b/web", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 5432), deny("emojivoto/web", "a/db", tcp, 5432), deny("a/web", "a/db", tcp, 5432)}},
		{name: "two peers: OR", pols: toDB("or", peers(nsPeer(sel("team", "beta")), podPeer(sel("app", "web")))),
			want: []conn{allow("b/client", "a/db", tcp, 5432), allow("a/web", "a/db", tcp, 5432), deny("emojivoto/web", "a/db", tcp, 5432), deny("a/api", "a/db", tcp, 5432)}},
		{name: "namespaceSelector {} selects every namespace", pols: toDB("all-ns", peers(nsPeer(sel()))),
			want: []conn{allow("b/client", "a/db", tcp, 5432), allow("c/client", "a/db", tcp, 5432), allow("kube-system/coredns", "a/db", tcp, 5432),
				allow("a/api", "a/db", tcp, 5432), deny("internet", "a/db", tcp, 5432)}},
		{name: "namespaceSelector {} with podSelector: those pods in every namespace", pols: toDB("all-ns-web", peers(andPeer(sel(), sel("app", "web")))),
			want: []conn{allow("b/web", "a/db", tcp, 5432), allow("emojivoto/web", "a/db", tcp, 5432), allow("a/web", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 5432)}},
		{name: "podSelector {} in a peer selects every pod of the policy's namespace", pols: toDB("same-ns", peers(podPeer(sel()))),
			want: []conn{allow("a/api", "a/db", tcp, 5432), allow("a/noip", "a/db", tcp, 5432), deny("b/web", "a/db", tcp, 5432)}},
		{name: "matchExpressions In", pols: toDB("in", peers(podPeer(expr("tier", metav1.LabelSelectorOpIn, "frontend", "backend")))),
			want: []conn{allow("a/web", "a/db", tcp, 5432), allow("a/api", "a/db", tcp, 5432), deny("a/noip", "a/db", tcp, 5432)}},
		{name: "matchExpressions NotIn matches pods without the key", pols: toDB("notin", peers(podPeer(expr("version", metav1.LabelSelectorOpNotIn, "v1")))),
			want: []conn{allow("a/api", "a/db", tcp, 5432), allow("a/noip", "a/db", tcp, 5432), deny("a/web", "a/db", tcp, 5432)}},
		{name: "matchExpressions Exists", pols: toDB("exists", peers(podPeer(expr("version", metav1.LabelSelectorOpExists)))),
			want: []conn{allow("a/web", "a/db", tcp, 5432), deny("a/api", "a/db", tcp, 5432)}},
		{name: "matchExpressions DoesNotExist", pols: toDB("dne", peers(podPeer(expr("version", metav1.LabelSelectorOpDoesNotExist)))),
			want: []conn{allow("a/api", "a/db", tcp, 5432), deny("a/web", "a/db", tcp, 5432)}},
		{name: "namespace NotIn matches namespaces without the key", pols: toDB("ns-notin", peers(nsPeer(expr("env", metav1.LabelSelectorOpNotIn, "prod")))),
			want: []conn{allow("b/client", "a/db", tcp, 5432), allow("c/client", "a/db", tcp, 5432), deny("a/api", "a/db", tcp, 5432)}},
		{name: "namespace DoesNotExist", pols: toDB("ns-dne", peers(nsPeer(expr("team", metav1.LabelSelectorOpDoesNotExist)))),
			want: []conn{allow("emojivoto/web", "a/db", tcp, 5432), allow("kube-system/coredns", "a/db", tcp, 5432), deny("b/client", "a/db", tcp, 5432)}},
		{name: "kubernetes.io/metadata.name selects a namespace by name", pols: toDB("by-name", peers(nsPeer(sel(model.NamespaceNameLabel, "emojivoto")))),
			want: []conn{allow("emojivoto/web", "a/db", tcp, 5432), deny("b/web", "a/db", tcp, 5432)}},
		{name: "spec.podSelector with matchExpressions selects the isolated pods", pols: []model.Policy{
			np("a", "not-data", withPodSelector(expr("tier", metav1.LabelSelectorOpNotIn, "data"))),
		}, want: []conn{deny("b/client", "a/web", tcp, 80), deny("b/client", "a/noip", tcp, 80), allow("b/client", "a/db", tcp, 5432)}},
		{name: "egress podSelector alone selects pods of the policy's namespace", pols: []model.Policy{
			np("a", "to-web", withPodSelector(sel("app", "api")), withTypes(tOut), withEgress(rule(peers(podPeer(sel("app", "web")))))),
		}, want: []conn{allow("a/api", "a/web", tcp, 80), deny("a/api", "b/web", tcp, 8080)}},
		{name: "egress namespaceSelector selects destinations in other namespaces", pols: []model.Policy{
			np("a", "to-dns", withTypes(tOut), withEgress(rule(peers(andPeer(sel(model.NamespaceNameLabel, "kube-system"), sel("k8s-app", "kube-dns"))), onPorts(udp(53))))),
		}, want: []conn{allow("a/web", "kube-system/coredns", model.UDP, 53), deny("a/web", "kube-system/coredns", tcp, 53), deny("a/web", "b/web", model.UDP, 53)}},
	})
}

// TestNamespaceNameLabel: the API server sets kubernetes.io/metadata.name on
// every namespace, so a namespace declared without it (or not declared at
// all) is still selected by its name.
func TestNamespaceNameLabel(t *testing.T) {
	t.Parallel()
	nss := []model.Namespace{
		{Name: "a", Labels: map[string]string{"team": "alpha"}},
		{Name: "b"},
		{Name: "d", Labels: map[string]string{model.NamespaceNameLabel: "spoofed"}}, // the API server overwrites it
	}
	eps := []policy.Endpoint{
		withIPs(pod("a", "db", lbl("app", "db")), "10.1.0.3"),
		withIPs(pod("b", "client", lbl("app", "client")), "10.2.0.2"),
		withIPs(pod("undeclared", "client", lbl("app", "client")), "10.9.0.2"),
		withIPs(pod("d", "client", lbl("app", "client")), "10.4.0.2"),
		withIPs(pod("d", "other", lbl("app", "other")), "10.4.0.3"),
	}
	pols := []model.Policy{np("a", "by-name", withIngress(rule(peers(
		nsPeer(sel(model.NamespaceNameLabel, "b")), nsPeer(sel(model.NamespaceNameLabel, "undeclared")),
		andPeer(sel(model.NamespaceNameLabel, "d"), sel("app", "client")), nsPeer(sel(model.NamespaceNameLabel, "spoofed"))))))}
	b := build(t, nss, pols, eps, true)
	for _, w := range []conn{
		allow("b/client", "a/db", model.TCP, 5432), allow("undeclared/client", "a/db", model.TCP, 5432),
		allow("d/client", "a/db", model.TCP, 5432), deny("d/other", "a/db", model.TCP, 5432),
	} {
		b.check(t, w)
	}
}
