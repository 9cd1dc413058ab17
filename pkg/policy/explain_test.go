package policy_test

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

var equateSets = cmp.Comparer(func(a, b ports.Set) bool { return a.Equal(b) })

// TestExplainIsolatingAndAdmitted: Explain names the isolating policies and
// the admitting policy, rule and peer indexes with the ports they admit.
//
// Long by design: a table with one row per rule.
func TestExplainIsolatingAndAdmitted(t *testing.T) {
	t.Parallel()
	pols := []model.Policy{
		np("a", "deny-in", withTypes(tIn)),
		np("a", "p", withPodSelector(sel("app", "web")), withIngress(
			rule(peers(podPeer(sel("app", "api"))), onPorts(num(80))),
			rule(peers(podPeer(sel("app", "x")), nsPeer(sel("team", "beta"))), onPorts(num(80), num(81))))),
		np("a", "q", withPodSelector(sel("app", "web")), withIngress(rule(onPorts(udp(53))))),
	}
	b := build(t, worldNamespaces(), pols, world(), true)
	s, d := b.index(t, "b/client"), b.index(t, "a/web")
	tests := []struct {
		name     string
		proto    model.Protocol
		port     int
		code     policy.Code
		admitted []policy.RuleRef
	}{
		{"one port, second peer of second rule", model.TCP, 80, policy.CodeAdmitted,
			[]policy.RuleRef{{Policy: "a/p", Rule: 1, Peer: 1, Ports: ports.Of(model.TCP, 80, 80)}}},
		{"rule without peers reports peer -1", model.UDP, 53, policy.CodeAdmitted,
			[]policy.RuleRef{{Policy: "a/q", Rule: 0, Peer: -1, Ports: ports.Of(model.UDP, 53, 53)}}},
		{"all ports: every admitting rule, partly admitted", model.ProtocolUnknown, 0, policy.CodePartlyAdmitted, []policy.RuleRef{
			{Policy: "a/p", Rule: 1, Peer: 1, Ports: ports.Of(model.TCP, 80, 81)},
			{Policy: "a/q", Rule: 0, Peer: -1, Ports: ports.Of(model.UDP, 53, 53)}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dec := b.eng.Explain(s, d, tt.proto, tt.port)
			in := dec.Ingress
			if diff := cmp.Diff([]string{"a/deny-in", "a/p", "a/q"}, in.Isolating); diff != "" {
				t.Errorf("Isolating (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tt.admitted, in.Admitted, equateSets); diff != "" {
				t.Errorf("Admitted (-want +got):\n%s", diff)
			}
			if in.Code != tt.code || dec.Egress.Code != policy.CodeNotIsolated {
				t.Errorf("codes: ingress %s egress %s, want %s and %s", in.Code, dec.Egress.Code, tt.code, policy.CodeNotIsolated)
			}
		})
	}
}

// TestExplainMisses: when denied, each isolating policy gets its nearest
// miss in words.
//
// Long by design: a table with one row per rule.
func TestExplainMisses(t *testing.T) {
	t.Parallel()
	intoDB := func(ps ...ruleTweak) []model.Policy {
		return []model.Policy{np("a", "db", withPodSelector(sel("app", "db")), withIngress(rule(ps...)))}
	}
	tests := []struct {
		name       string
		pols       []model.Policy
		from, to   string
		proto      model.Protocol
		port       int
		egress     bool // the miss is on the egress side
		substrings []string
	}{
		{"namespace label requirement unmet", []model.Policy{np("linkerd", "meshed", withPodSelector(sel("app", "destination")),
			withIngress(rule(peers(nsPeer(sel("linkerd.io/control-plane-ns", "linkerd"))), onPorts(num(8086)))))},
			"emojivoto/web", "linkerd/destination", model.TCP, 8086, false,
			[]string{"peer 0 requires namespace label linkerd.io/control-plane-ns=linkerd; namespace emojivoto has no such label"}},
		{"podSelector alone in another namespace", intoDB(peers(podPeer(sel("app", "web")))), "b/web", "a/db", model.TCP, 5432, false,
			[]string{"selects only pods of namespace a", "b/web is in namespace b"}},
		{"pod label requirement unmet", intoDB(peers(podPeer(sel("app", "api")))), "a/web", "a/db", model.TCP, 5432, false,
			[]string{"peer 0 requires pod label app=api; a/web has app=web"}},
		{"NotIn requirement unmet", intoDB(peers(podPeer(expr("version", metav1.LabelSelectorOpNotIn, "v1")))), "a/web", "a/db", model.TCP, 5432, false,
			[]string{"label version not in (v1); a/web has version=v1"}},
		{"peer matches, port does not", intoDB(peers(nsPeer(sel())), onPorts(num(80))), "b/client", "a/db", model.TCP, 5432, false,
			[]string{"rule 0 admits b/client only on TCP:80"}},
		{"named port the destination does not declare", intoDB(onPorts(named("http"))), "b/client", "a/db", model.TCP, 5432, false,
			[]string{"named ports http/TCP, which the destination does not declare"}},
		{"named port with the wrong protocol", []model.Policy{np("kube-system", "dns", withPodSelector(sel("k8s-app", "kube-dns")),
			withIngress(rule(onPorts(named("dns")))))}, "b/client", "kube-system/coredns", model.UDP, 53, false,
			[]string{"named ports dns/TCP"}},
		{"no rules", []model.Policy{np("a", "deny", withTypes(tIn))}, "b/client", "a/db", model.TCP, 5432, false,
			[]string{"has no ingress rules"}},
		{"pod outside the ipBlock", intoDB(peers(ipPeer("10.2.0.0/16", "10.2.0.2/32"))), "b/client", "a/db", model.TCP, 5432, false,
			[]string{"is ipBlock 10.2.0.0/16 except 10.2.0.2/32; b/client has IP 10.2.0.2, not inside it"}},
		{"external partly inside the ipBlock", intoDB(peers(ipPeer("203.0.113.0/25"))), "partner", "a/db", model.TCP, 5432, false,
			[]string{"partner (203.0.113.0/24) is only partly inside it"}},
		{"pod without IP", intoDB(peers(ipPeer("0.0.0.0/0"))), "a/noip", "a/db", model.TCP, 5432, false,
			[]string{"a/noip has no known IP"}},
		{"external against selectors", intoDB(peers(nsPeer(sel()))), "internet", "a/db", model.TCP, 5432, false,
			[]string{"internet is an external peer, matched only by ipBlock"}},
		{"host-network pod against selectors", intoDB(peers(nsPeer(sel()))), "kube-system/node-agent", "a/db", model.TCP, 5432, false,
			[]string{"host-network pod", "contested"}},
		{"egress miss", []model.Policy{np("a", "out", withPodSelector(sel("app", "api")), withTypes(tOut),
			withEgress(rule(peers(podPeer(sel("app", "db"))), onPorts(withProto(num(53), corev1.ProtocolUDP)))))},
			"a/api", "a/web", model.TCP, 80, true,
			[]string{"requires pod label app=db; a/web has app=web", "and it admits only UDP:53"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := build(t, worldNamespaces(), tt.pols, world(), true)
			dec := b.eng.Explain(b.index(t, tt.from), b.index(t, tt.to), tt.proto, tt.port)
			side := dec.Ingress
			if tt.egress {
				side = dec.Egress
			}
			if dec.Verdict != policy.Deny || side.Code != policy.CodeNoRuleAdmits || len(side.Misses) != 1 {
				t.Fatalf("want one miss on a denied %s side:\n%s", side.Direction, dump(dec))
			}
			for _, sub := range tt.substrings {
				if !strings.Contains(side.Misses[0].Reason, sub) {
					t.Errorf("miss %q does not contain %q", side.Misses[0].Reason, sub)
				}
			}
		})
	}
}
