package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// admitOnly admits one client workload to a server workload on the given ports
// (and isolates the server for ingress).
func admitOnly(clientNS, client, serverNS, server string, nums ...int32) model.Policy {
	return netpol(serverNS, "only-"+client, matchLabels("app", server),
		ingressRule([]networkingv1.NetworkPolicyPeer{workloadPeer(clientNS, client)}, tcp(nums...)))
}

// wirePair is a blocked pair reduced to what the data-plane check decides.
type wirePair struct {
	From, To      string
	Port, AppPort int32
}

func pairsOf(r Result) []wirePair {
	var out []wirePair
	for _, p := range r.Blocked {
		out = append(out, wirePair{p.From, p.To, p.Port, p.AppPort})
	}
	return out
}

// TestDataPlaneTransport: the data-plane check compares the application
// port a policy admits with the port the mesh really uses. From 2.18 a
// meshed connection arrives on 4143, so a policy admitting only the
// application port blocks it (×), and one admitting only 4143 lets meshed
// clients bypass the port restriction (‼). Before 2.18 only opaque ports
// (3306) move to 4143; transparent mode and skip-inbound-ports restore the
// application port.
func TestDataPlaneTransport(t *testing.T) {
	t.Parallel()
	webToVoting := func(nums ...int32) model.Policy { return admitOnly("emojivoto", "web", "emojivoto", "voting", nums...) }
	appToMySQL := func(nums ...int32) model.Policy { return admitOnly("books", "app", "books", "mysql", nums...) }
	skipInbound := func(c *model.Cluster) {
		for i := range c.Workloads {
			if c.Workloads[i].ID() == "emojivoto/voting" {
				podAnnotation("config.linkerd.io/skip-inbound-ports", "8080")(&c.Workloads[i])
			}
		}
	}
	tests := []transportCase{
		{name: "2.18+ app port only", version: "edge-26.8.3", policy: webToVoting(8080),
			blocked: []wirePair{{"emojivoto/web", "emojivoto/voting", 4143, 8080}}},
		{name: "2.18+ proxy port only", version: "edge-26.8.3", policy: webToVoting(4143),
			bypass: []wirePair{{"emojivoto/web", "emojivoto/voting", 4143, 8080}}},
		{name: "2.18+ both ports", version: "edge-26.8.3", policy: webToVoting(8080, 4143)},
		{name: "2.18+ transparent app port", version: "edge-26.8.3", opts: []linkerd.Option{linkerd.WithTransportMode(linkerd.Transparent)},
			policy: webToVoting(8080)},
		{name: "2.18+ transparent opaque port", version: "edge-26.8.3", opts: []linkerd.Option{linkerd.WithTransportMode(linkerd.Transparent)},
			policy: appToMySQL(3306), blocked: []wirePair{{"books/app", "books/mysql", 4143, 3306}}},
		{name: "2.18+ skip-inbound-ports", version: "edge-26.8.3", tweak: skipInbound, policy: webToVoting(8080)},
		{name: "2.17 app port only", version: "edge-25.3.1", policy: webToVoting(8080)},
		{name: "2.17 proxy port only", version: "edge-25.3.1", policy: webToVoting(4143)},
		{name: "2.17 opaque port", version: "edge-25.3.1", policy: appToMySQL(3306),
			blocked: []wirePair{{"books/app", "books/mysql", 4143, 3306}}},
		{name: "2.14 opaque port", version: "stable-2.14.10", policy: appToMySQL(3306),
			blocked: []wirePair{{"books/app", "books/mysql", 4143, 3306}}},
		{name: "2.14 opaque port, proxy port only", version: "stable-2.14.10", policy: appToMySQL(4143),
			bypass: []wirePair{{"books/app", "books/mysql", 4143, 3306}}},
		{name: "2.14 app port", version: "stable-2.14.10", policy: webToVoting(8080)},
		{name: "2.9 opaque port", version: "stable-2.9.4", policy: appToMySQL(3306)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t)
		})
	}
}

type transportCase struct {
	name    string
	version string
	opts    []linkerd.Option
	tweak   func(*model.Cluster)
	policy  model.Policy
	blocked []wirePair // meshed-app-traffic (×)
	bypass  []wirePair // meshed-app-traffic-port-bypass (‼)
}

// check runs the data-plane check on the core of a current cluster (the
// extensions are not installed: only core and data-plane flows) plus the
// case's policy.
func (tt transportCase) check(t *testing.T) {
	c := currentCluster()
	if tt.tweak != nil {
		tt.tweak(c)
	}
	opts := append([]linkerd.Option{linkerd.WithComponents("destination", "identity", "proxy-injector")}, tt.opts...)
	rep := mustRun(t, withPolicies(c, tt.policy), install(t, tt.version, opts...))
	var want []string
	if tt.blocked != nil {
		want = append(want, "meshed-app-traffic")
	}
	if tt.bypass != nil {
		want = append(want, "meshed-app-traffic-port-bypass")
	}
	if diff := cmp.Diff(want, notOK(rep)); diff != "" {
		t.Errorf("failing checks (-want +got):\n%s", diff)
	}
	blocked, bypass := resultByID(t, rep, "meshed-app-traffic"), resultByID(t, rep, "meshed-app-traffic-port-bypass")
	if diff := cmp.Diff(tt.blocked, pairsOf(blocked)); diff != "" {
		t.Errorf("blocked pairs (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(tt.bypass, pairsOf(bypass)); diff != "" {
		t.Errorf("bypass pairs (-want +got):\n%s", diff)
	}
	if tt.blocked != nil && (blocked.Status != StatusError || !blocked.Fixable || len(blocked.Policies) != 1) {
		t.Errorf("blocked: status %v, fixable %v, policies %v; want ×, fixable, the one policy", blocked.Status, blocked.Fixable, blocked.Policies)
	}
	if tt.bypass != nil && (bypass.Status != StatusWarning || bypass.Fixable) {
		t.Errorf("bypass: status %v, fixable %v; want ‼, not fixable", bypass.Status, bypass.Fixable)
	}
}

// TestDirectFlowPortStaysAppTraffic: the unmeshed heartbeat reaches
// Prometheus's 9090 directly, but a meshed client of the same port is
// application traffic all the same: on 2.18+ a policy admitting it on 9090
// alone blocks it (regression: the port was taken for a mesh-only port and
// skipped).
func TestDirectFlowPortStaysAppTraffic(t *testing.T) {
	t.Parallel()
	c := withPolicies(currentCluster(), admitOnly("emojivoto", "web", "linkerd-viz", "prometheus", 9090))
	r := resultByID(t, mustRun(t, c, edgeBand.install(t)), "meshed-app-traffic")
	want := []wirePair{{"emojivoto/web", "linkerd-viz/prometheus", 4143, 9090}}
	if diff := cmp.Diff(want, pairsOf(r)); diff != "" || r.Status != StatusError {
		t.Errorf("status %v; blocked pairs (-want +got):\n%s", r.Status, diff)
	}
}
