package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// TestAddNotes: a note goes to a failed result when its policy isolates
// the side a pair is dropped at, or, for a note about what the policy
// selects, when a pair is dropped at a pod of the policy's namespace;
// a note about a cluster policy when its Deny drops a pair, by a rule
// after the one the note is about; never a NetworkPolicy's note to a pair
// an Admin-tier Deny drops; never to a passing result, once per result.
func TestAddNotes(t *testing.T) {
	t.Parallel()
	ingress := func(from, to string, pols ...string) Pair {
		return Pair{From: from, To: to, Side: policy.Ingress, Policies: pols}
	}
	egress := func(from, to string, pols ...string) Pair {
		return Pair{From: from, To: to, Side: policy.Egress, Policies: pols}
	}
	notes := []Note{
		{Policy: "linkerd/allow-identity", Text: "peer typo"},
		{Policy: "app/allow-egress", Selects: true, Text: "selects nothing"},
		{Policy: "linkerd/allow-identity", Text: "peer typo"}, // repeated: shown once
		{Policy: "linkerd/allow-dst", Side: policy.Ingress, Ports: ports.Of(model.TCP, 8086, 8086), Text: "rule on 8086"},
		{Policy: "linkerd/allow-pods", PodPeer: true, Text: "pod peer"},
		{Policy: "adminnetworkpolicy/mesh", Tier: true, Side: policy.Ingress, TierRule: 1, Text: "tier rule 0"},
		{Policy: "adminnetworkpolicy/mesh", Tier: true, Side: policy.Ingress, TierRule: 3, Text: "tier rule 2"},
		{Policy: "clusternetworkpolicy/base", Tier: true, Text: "tier subject"},
	}
	tierDenied := func(layer, pol string, rule int, p Pair) Pair {
		p.TierBy = tier.Step{Layer: layer, Policy: pol, Rule: rule, Action: "Deny"}
		return p
	}
	for _, tt := range []struct {
		name string
		res  Result
		want []string
	}{
		{"blocking policy", Result{Status: StatusError, Blocked: []Pair{ingress("app/a", "linkerd/identity", "linkerd/allow-identity", "linkerd/deny")}}, []string{"peer typo"}},
		{"other policy blocks", Result{Status: StatusError, Blocked: []Pair{ingress("app/a", "linkerd/identity", "linkerd/deny")}}, nil},
		{"selects, dropped in its namespace", Result{Status: StatusError, Blocked: []Pair{egress("app/a", "linkerd/identity", "app/deny")}}, []string{"selects nothing"}},
		{"selects, dropped elsewhere", Result{Status: StatusError, Blocked: []Pair{ingress("app/a", "linkerd/identity", "linkerd/deny")}}, nil},
		{"both, in order", Result{Status: StatusWarning, Blocked: []Pair{
			egress("app/a", "linkerd/identity", "app/deny"), ingress("app/b", "linkerd/identity", "linkerd/allow-identity")}}, []string{"peer typo", "selects nothing"}},
		{"passing", Result{Status: StatusOK, Blocked: []Pair{ingress("app/a", "linkerd/identity", "linkerd/allow-identity")}}, nil},
		{"rule's side and port", Result{Status: StatusError, Blocked: []Pair{
			{From: "app/a", To: "linkerd/dst", Port: 8086, Protocol: model.TCP, Side: policy.Ingress, Policies: []string{"linkerd/allow-dst"}}}}, []string{"rule on 8086"}},
		{"the application port the mesh moved", Result{Status: StatusError, Blocked: []Pair{
			{From: "app/a", To: "linkerd/dst", Port: 4143, AppPort: 8086, Protocol: model.TCP, Side: policy.Ingress, Policies: []string{"linkerd/allow-dst"}}}}, []string{"rule on 8086"}},
		{"another port", Result{Status: StatusError, Blocked: []Pair{
			{From: "app/a", To: "linkerd/dst", Port: 8090, Protocol: model.TCP, Side: policy.Ingress, Policies: []string{"linkerd/allow-dst"}}}}, nil},
		{"another side", Result{Status: StatusError, Blocked: []Pair{
			{From: "linkerd/x", To: "app/b", Port: 8086, Protocol: model.TCP, Side: policy.Egress, Policies: []string{"linkerd/allow-dst"}}}}, nil},
		{"pod peer, from a pod", Result{Status: StatusError, Blocked: []Pair{ingress("app/a", "linkerd/injector", "linkerd/allow-pods")}}, []string{"pod peer"}},
		{"pod peer, from an external address", Result{Status: StatusError, Blocked: []Pair{ingress("apiserver", "linkerd/injector", "linkerd/allow-pods")}}, nil},
		{"external destination", Result{Status: StatusError, Blocked: []Pair{egress("app/a", "apiserver", "app/deny")}}, []string{"selects nothing"}},
		{"tier rule before the Deny", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "adminnetworkpolicy/mesh", 1, ingress("app/a", "linkerd/identity"))}}, []string{"tier rule 0"}},
		{"tier rules before and after the Deny", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "adminnetworkpolicy/mesh", 2, ingress("app/a", "linkerd/identity"))}}, []string{"tier rule 0"}},
		{"tier rule on the other side", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "adminnetworkpolicy/mesh", 1, egress("linkerd/identity", "app/a"))}}, nil},
		{"another tier policy denies", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "adminnetworkpolicy/other", 1, ingress("app/a", "linkerd/identity"))}}, nil},
		{"tier policy, any rule", Result{Status: StatusError, Blocked: []Pair{tierDenied("Baseline tier", "clusternetworkpolicy/base", 0, ingress("app/a", "linkerd/identity"))}}, []string{"tier subject"}},
		{"an Admin Deny comes before the NetworkPolicies", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "adminnetworkpolicy/other", 0, ingress("app/a", "linkerd/identity", "linkerd/allow-identity"))}}, nil},
		{"a Baseline Deny: what the NetworkPolicies select", Result{Status: StatusError, Blocked: []Pair{tierDenied("Baseline tier", "clusternetworkpolicy/other", 0, egress("app/a", "linkerd/identity"))}}, []string{"selects nothing"}},
		{"a NetworkPolicy note names no cluster policy", Result{Status: StatusError, Blocked: []Pair{tierDenied("Admin tier", "linkerd/allow-identity", 0, ingress("app/a", "linkerd/identity"))}}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := &Report{Results: []Result{tt.res}}
			rep.AddNotes(notes)
			if d := cmp.Diff(tt.want, rep.Results[0].Notes); d != "" {
				t.Errorf("notes (-want +got):\n%s", d)
			}
		})
	}
}
