package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// TestAddNotes: a note goes to a failed result when its policy isolates
// the side a pair is dropped at, or, for a note about what the policy
// selects, when a pair is dropped at a pod of the policy's namespace;
// never to a passing result, once per result.
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
