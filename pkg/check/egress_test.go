package check

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// TestEgressIsolation: a default-deny egress in an application namespace
// cuts its proxies off the control plane and DNS; each such check fails on
// the egress side, at the namespace's pods, naming the egress policy.
func TestEgressIsolation(t *testing.T) {
	t.Parallel()
	denyEgress := netpol("emojivoto", "default-deny-egress", &metav1.LabelSelector{}, policyTypes(networkingv1.PolicyTypeEgress))
	dnsOnly := netpol("emojivoto", "dns-only", &metav1.LabelSelector{}, policyTypes(networkingv1.PolicyTypeEgress),
		egressRule([]networkingv1.NetworkPolicyPeer{{NamespaceSelector: matchLabels(model.NamespaceNameLabel, "kube-system"),
			PodSelector: matchLabels("k8s-app", "kube-dns")}},
			[]networkingv1.NetworkPolicyPort{npPort(corev1.ProtocolUDP, 53, 0), npPort(corev1.ProtocolTCP, 53, 0)}))
	core := []string{"proxy-to-destination", "proxy-to-dns", "proxy-to-identity", "proxy-to-policy"}
	tests := []struct {
		name   string
		band   band
		policy model.Policy
		failed []string
	}{
		{"edge default deny", edgeBand, denyEgress, core},
		{"2.14 default deny", stableBand, denyEgress, sortedIDs(core, "proxy-to-trace-collector")},
		{"seed default deny", seedBand, denyEgress, []string{"proxy-to-destination", "proxy-to-dns"}},
		{"edge DNS allowed", edgeBand, dnsOnly, []string{"proxy-to-destination", "proxy-to-identity", "proxy-to-policy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rep := mustRun(t, withPolicies(tt.band.build(), tt.policy), tt.band.install(t))
			if diff := cmp.Diff(tt.failed, slices.Sorted(slices.Values(notOK(rep)))); diff != "" {
				t.Errorf("failing checks (-want +got):\n%s", diff)
			}
			for _, id := range tt.failed {
				r := resultByID(t, rep, id)
				if diff := cmp.Diff([]string{tt.policy.ID()}, r.Policies); diff != "" {
					t.Errorf("%s: policies (-want +got):\n%s", id, diff)
				}
				var from []string
				for _, p := range r.Blocked {
					if p.Side != policy.Egress || !strings.HasPrefix(p.From, "emojivoto/") {
						t.Errorf("%s: pair %s → %s %d blocked at %v, want egress at emojivoto", id, p.From, p.To, p.Port, p.Side)
					}
					from = append(from, p.From)
				}
				if diff := cmp.Diff([]string{"emojivoto/emoji", "emojivoto/voting", "emojivoto/web"}, slices.Compact(slices.Sorted(slices.Values(from)))); diff != "" {
					t.Errorf("%s: sources (-want +got):\n%s", id, diff)
				}
			}
		})
	}
}
