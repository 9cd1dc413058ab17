package fix_test

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/render"
)

// The seed's cluster written with tiers (testdata/tiered): the example's
// workloads, a Baseline lockdown, Admin mesh exceptions, and an Admin
// quarantine (priority 5) that keeps linkerd-viz out of emojivoto and so
// blocks Prometheus' scrape (4191) and tap (4190) of the proxies.
var tieredBase = []string{
	"../../examples/emojivoto-linkerd/namespaces.yaml", "../../examples/emojivoto-linkerd/emojivoto.yaml",
	"../../examples/emojivoto-linkerd/linkerd-control-plane.yaml", "../../examples/emojivoto-linkerd/linkerd-viz.yaml",
	"testdata/tiered/cluster-policies.yaml",
}

const (
	allowViz   = "testdata/tiered/allow-viz.yaml"
	quarantine = "denied by clusternetworkpolicy/quarantine-apps rule 0 (ingress, Admin tier): no NetworkPolicy can admit it"
)

func TestParseTier(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]fix.Tier{"": fix.TierNetworkPolicy, "networkpolicy": fix.TierNetworkPolicy, "admin": fix.TierAdmin, "baseline": fix.TierUnknown} {
		got, err := fix.ParseTier(in)
		if got != want || (err != nil) != (want == fix.TierUnknown) {
			t.Errorf("ParseTier(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
}

// TestTierAdminDenyIsNamed: no NetworkPolicy is proposed for a flow an
// Admin-tier Deny blocks ("If Admin tier has made a final decision (Accept
// or Deny) on a connection, then no further evaluation is done"); the
// proposal names the cluster policy rule to change.
func TestTierAdminDenyIsNamed(t *testing.T) {
	t.Parallel()
	c := load(t, tieredBase)
	prop, err := fix.Propose(c, detect(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.Policies)+len(prop.ClusterPolicies) != 0 {
		t.Errorf("proposed %d NetworkPolicies and %d cluster policies for flows only the quarantine blocks", len(prop.Policies), len(prop.ClusterPolicies))
	}
	for _, flow := range []string{"viz prometheus can scrape the proxy metrics of meshed pods", "viz tap can reach the tap server of meshed pods"} {
		if !slices.ContainsFunc(prop.Unfixable, func(u string) bool { return strings.Contains(u, flow) && strings.Contains(u, quarantine) }) {
			t.Errorf("unfixable does not name the quarantine for %q:\n%s", flow, strings.Join(prop.Unfixable, "\n"))
		}
	}
}

// TestTierNetworkPolicyDenyStillFixed: in a tiered cluster, a flow the
// NetworkPolicy tier denies (the seed's deny-all-ingress in linkerd and
// the API server's webhook) still gets its NetworkPolicy, also with
// --tier admin, since an Admin-tier ingress rule cannot name the API
// server ("from" peers are namespaces and pods).
func TestTierNetworkPolicyDenyStillFixed(t *testing.T) {
	t.Parallel()
	for _, tr := range []fix.Tier{fix.TierNetworkPolicy, fix.TierAdmin} {
		c := load(t, append(slices.Clone(tieredBase), "../../examples/emojivoto-linkerd/deny-all-ingress.yaml"), apiserver)
		prop, err := fix.Propose(c, detect(t, c), fix.WithTier(tr))
		if err != nil {
			t.Fatalf("%s: %v", tr, err)
		}
		if !slices.ContainsFunc(prop.Policies, func(p fix.Policy) bool {
			return p.NetworkPolicy.Name == "podreach-apiserver-to-proxy-injector" && p.NetworkPolicy.Spec.Ingress[0].From[0].IPBlock != nil
		}) {
			t.Errorf("%s: no NetworkPolicy admits the API server to the proxy injector: %d policies", tr, len(prop.Policies))
		}
	}
}

// TestTierAdminProposal: with --tier admin the blocked flows get
// Admin-tier ClusterNetworkPolicies before the quarantine (priority 4):
// Accept when nothing below admits the flow, Pass when the namespace's own
// NetworkPolicy does. The YAML is loaded back through package manifest,
// and package reference then allows every connection that was blocked.
func TestTierAdminProposal(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name   string
		extra  []string
		action v1alpha2.ClusterNetworkPolicyRuleAction
	}{
		{"nothing below admits: accept", nil, v1alpha2.ClusterNetworkPolicyRuleActionAccept},
		{"the namespace admits: pass", []string{allowViz}, v1alpha2.ClusterNetworkPolicyRuleActionPass},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			paths := append(slices.Clone(tieredBase), tt.extra...)
			c := load(t, paths)
			in := detect(t, c)
			prop, err := fix.Propose(c, in, fix.WithTier(fix.TierAdmin))
			if err != nil {
				t.Fatal(err)
			}
			if len(prop.Policies) != 0 || len(prop.ClusterPolicies) != 8 || len(prop.Unfixable) != 0 {
				t.Fatalf("%d NetworkPolicies, %d cluster policies, unfixable %q; want 0, 8 (scrape and tap of 4 workloads), none",
					len(prop.Policies), len(prop.ClusterPolicies), prop.Unfixable)
			}
			for _, p := range prop.ClusterPolicies {
				s := p.Policy.Spec
				if s.Tier != v1alpha2.AdminTier || s.Priority != 4 || len(s.Ingress) == 0 || s.Ingress[0].Action != tt.action {
					t.Errorf("%s: tier %s priority %d, rules %+v; want Admin, 4, %s", p.Policy.Name, s.Tier, s.Priority, s.Ingress, tt.action)
				}
			}
			roundTrip(t, paths, prop, 8)
		})
	}
}

// roundTrip renders prop, loads the YAML back with the input, and requires
// package reference to allow every connection the check found blocked.
func roundTrip(t *testing.T, paths []string, prop *fix.Proposal, want int) {
	t.Helper()
	var y bytes.Buffer
	if err := render.FixYAML(&y, prop, "podreach fix --tier admin"); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "fix.yaml")
	if err := os.WriteFile(file, y.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	fixed := load(t, append(slices.Clone(paths), file))
	if got, want := len(fixed.ClusterPolicies), len(load(t, paths).ClusterPolicies)+len(prop.ClusterPolicies); got != want {
		t.Fatalf("loaded %d cluster policies, want %d:\n%s", got, want, y.String())
	}
	_, a, err := check.Run(fixed, detect(t, fixed))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := reference.New(a.Cluster(), true)
	if err != nil {
		t.Fatal(err)
	}
	blocked := 0
	for _, res := range prop.Before.Results {
		for _, p := range res.Blocked {
			blocked++
			s, ok1 := a.EndpointIndex(p.From)
			d, ok2 := a.EndpointIndex(p.To)
			if !ok1 || !ok2 {
				t.Fatalf("no endpoint %s or %s", p.From, p.To)
			}
			if v := ev.Evaluate(a.Engine().Endpoints(), s, d, p.Protocol, int(p.Port)); !ev.Allowed(a.Engine().Endpoints(), s, d, p.Protocol, int(p.Port)) {
				t.Errorf("%s → %s %d/%s still denied: %s | %s", p.From, p.To, p.Port, p.Protocol, v.Egress.ChainString(), v.Ingress.ChainString())
			}
		}
	}
	if blocked != want {
		t.Errorf("%d blocked connections before, want %d", blocked, want)
	}
}

// TestTierBaselineDeny: without the Admin mesh exceptions, the Baseline
// lockdown denies linkerd-viz's flows into linkerd. A NetworkPolicy would
// override it but isolate the pods, so fix names the Baseline rule; with
// --tier admin it proposes Admin-tier Accepts (no Admin policy acts on
// those connections: priority 1000, the last).
func TestTierBaselineDeny(t *testing.T) {
	t.Parallel()
	c := load(t, tieredBase)
	c.ClusterPolicies = slices.DeleteFunc(c.ClusterPolicies, func(p model.ClusterPolicy) bool { return p.Name() == "mesh-exceptions" })
	in := detect(t, c)
	prop, err := fix.Propose(c, in)
	if err != nil {
		t.Fatal(err)
	}
	const baseline = "denied by clusternetworkpolicy/lockdown rule 2 (ingress, Baseline tier): a NetworkPolicy would override it but isolate the pod"
	if len(prop.Policies) != 0 || !slices.ContainsFunc(prop.Unfixable, func(u string) bool { return strings.Contains(u, baseline) }) {
		t.Errorf("%d NetworkPolicies; unfixable does not name the lockdown:\n%s", len(prop.Policies), strings.Join(prop.Unfixable, "\n"))
	}
	admin, err := fix.Propose(c, in, fix.WithTier(fix.TierAdmin))
	if err != nil {
		t.Fatal(err)
	}
	prios := map[int32]int{}
	for _, p := range admin.ClusterPolicies {
		prios[p.Policy.Spec.Priority]++
	}
	if len(admin.ClusterPolicies) == 0 || prios[1000] == 0 {
		t.Errorf("cluster policies by priority %v, want some at 1000 (Baseline-denied flows no Admin rule touches)", prios)
	}
}

// TestTierAdminPriorityZero: "Policies with lower priority values have
// higher precedence", and priorities start at 0: an Admin Deny at priority
// 0 cannot be preceded, so --tier admin names it and proposes nothing for
// its flows.
func TestTierAdminPriorityZero(t *testing.T) {
	t.Parallel()
	c := load(t, tieredBase)
	for i := range c.ClusterPolicies {
		if p := &c.ClusterPolicies[i]; p.Name() == "quarantine-apps" {
			p.CNP.Spec.Priority = 0
		}
	}
	prop, err := fix.Propose(c, detect(t, c), fix.WithTier(fix.TierAdmin))
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.ClusterPolicies) != 0 || !slices.ContainsFunc(prop.Unfixable, func(u string) bool {
		return strings.Contains(u, "an Admin-tier policy at priority 0 acts on it")
	}) {
		t.Errorf("%d cluster policies; unfixable %q", len(prop.ClusterPolicies), prop.Unfixable)
	}
}

// TestTierOtherDirectionAdminDeny: Prometheus is also isolated for egress
// by a NetworkPolicy, so its scrape is denied at both ends: at the source
// by the NetworkPolicy tier, at the destination by the Admin quarantine.
// A NetworkPolicy for the source's egress would be useless ("both the
// egress policy on the source pod and the ingress policy on the
// destination pod need to allow the connection"): none is proposed.
func TestTierOtherDirectionAdminDeny(t *testing.T) {
	t.Parallel()
	c := load(t, tieredBase)
	c.Policies = append(c.Policies, model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{
		ObjectMeta: metav1.ObjectMeta{Namespace: "linkerd-viz", Name: "no-egress"},
		Spec: networkingv1.NetworkPolicySpec{PolicyTypes: []networkingv1.PolicyType{networkingv1.PolicyTypeEgress},
			PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"component": "prometheus"}}}}})
	prop, err := fix.Propose(c, detect(t, c))
	if err != nil {
		t.Fatalf("%v (an egress NetworkPolicy for the quarantined scrape cannot restore it)", err)
	}
	const scrape = "viz prometheus can scrape the proxy metrics of meshed pods"
	if !slices.ContainsFunc(prop.Unfixable, func(u string) bool { return strings.Contains(u, scrape) && strings.Contains(u, quarantine) }) {
		t.Errorf("unfixable does not name the quarantine for the scrape:\n%s", strings.Join(prop.Unfixable, "\n"))
	}
}
