package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// withoutExternal drops the named external (the user gave no --external).
func withoutExternal(c *model.Cluster, name string) *model.Cluster {
	c.Externals = slices.DeleteFunc(c.Externals, func(x model.External) bool { return x.Name == name })
	return c
}

// denyAllIngress is the seed's policy: every pod of ns isolated, admitting
// only pods of ns.
func denyAllIngress(ns string) model.Policy {
	return netpol(ns, "deny-all-ingress", &metav1.LabelSelector{},
		ingressRule([]networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{}}}, nil))
}

// TestUnresolvedAPIServer: without --external apiserver, an API-server flow
// is ‼ with the hint when the pods on its cluster side are isolated (never
// ✔: the address is unknown, so admission cannot be proven) and ✔ when they
// are not (any address is admitted).
func TestUnresolvedAPIServer(t *testing.T) {
	t.Parallel()
	isolateDestination := netpol("linkerd", "destination-only", matchLabels(labelComponent, "destination"))
	denyEgress := netpol("linkerd", "deny-egress", &metav1.LabelSelector{}, policyTypes(networkingv1.PolicyTypeEgress))
	tests := []struct {
		name     string
		policies []model.Policy
		id       string
		status   Status
		policy   []string // Result.Policies
		details  []string // substrings of the details
	}{
		{"injector isolated", []model.Policy{denyAllIngress("linkerd")}, "apiserver-to-proxy-injector", StatusWarning,
			[]string{"linkerd/deny-all-ingress"}, []string{"cannot prove: the API server's address is unknown", "linkerd/linkerd-proxy-injector is isolated for ingress", "--external apiserver=CIDR", "konnectivity-agent"}},
		{"injector open", nil, "apiserver-to-proxy-injector", StatusOK,
			nil, []string{"no pod on the other side is isolated for ingress, so any address is admitted"}},
		{"another pod isolated", []model.Policy{isolateDestination}, "apiserver-to-proxy-injector", StatusOK, nil, nil},
		// a policy without rules admits the API server from no address at all: ×
		// (here the flow's severity, a warning), not "cannot prove"
		{"validator isolated, no rule", []model.Policy{isolateDestination}, "apiserver-to-policy-validator", StatusWarning,
			[]string{"linkerd/destination-only"}, []string{"blocked whatever the other side is: linkerd/linkerd-destination is isolated for ingress", "9443/TCP from anyone"}},
		{"viz tap isolated", []model.Policy{denyAllIngress("linkerd-viz")}, "apiserver-to-tap", StatusWarning,
			[]string{"linkerd-viz/deny-all-ingress"}, []string{"linkerd-viz/tap is isolated for ingress"}},
		{"controllers' egress isolated, no rule", []model.Policy{denyEgress}, "control-plane-to-apiserver", StatusError,
			[]string{"linkerd/deny-egress"}, []string{"blocked whatever the other side is", "is isolated for egress", "443/TCP, 6443/TCP from anyone"}},
		{"controllers' egress open", nil, "control-plane-to-apiserver", StatusOK,
			nil, []string{"no pod on the other side is isolated for egress"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := withPolicies(withoutExternal(edgeBand.build(), "apiserver"), tt.policies...)
			r := resultByID(t, mustRun(t, c, edgeBand.install(t)), tt.id)
			if r.Status != tt.status {
				t.Errorf("status %v, want %v; details %q", r.Status, tt.status, r.Details)
			}
			if diff := cmp.Diff(tt.policy, r.Policies); diff != "" {
				t.Errorf("policies (-want +got):\n%s", diff)
			}
			if len(r.Blocked) > 0 || (r.Status != StatusOK && r.Fixable) {
				t.Errorf("unresolved flow has blocked pairs %v or is fixable (%v)", r.Blocked, r.Fixable)
			}
			all := strings.Join(r.Details, "\n")
			for _, want := range tt.details {
				if !strings.Contains(all, want) {
					t.Errorf("details do not mention %q:\n%s", want, all)
				}
			}
		})
	}
}
