package reference_test

import (
	"net/netip"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// The outage write-up's cluster (Linkerd in namespace linkerd, the
// emojivoto application, a namespace-per-tenant ingress lockdown) written
// with tiers, as a platform team would today: the lockdown is a Baseline
// tier (each namespace accepts itself, denies the rest), the mesh
// exceptions are Admin-tier Accepts. The API server is not a pod: no
// tier can name it in an ingress rule, so the outage (the API server
// cannot reach the proxy injector's webhook) comes only from the seed's
// NetworkPolicy, and its fix is a NetworkPolicy.

var seedEndpoints = []policy.Endpoint{
	meshed("emojivoto", "web", "10.0.1.1"),
	meshed("emojivoto", "voting", "10.0.1.2"),
	meshed("linkerd", "destination", "10.0.2.1"),
	{ID: "linkerd/proxy-injector", Namespace: "linkerd", Name: "proxy-injector", Kind: model.KindPod, Single: true,
		Labels: map[string]string{"linkerd.io/control-plane-component": "proxy-injector", "linkerd.io/proxy-deployment": "linkerd-proxy-injector"},
		IPs:    []netip.Addr{netip.MustParseAddr("10.0.2.2")}, Ports: []model.ContainerPort{{Name: "proxy-injector", Port: 8443, Protocol: model.TCP}}},
	{ID: "legacy/app", Namespace: "legacy", Name: "app", Kind: model.KindPod, Single: true, Labels: map[string]string{"app": "legacy"},
		IPs: []netip.Addr{netip.MustParseAddr("10.0.3.1")}},
	{ID: "apiserver", Name: "apiserver", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("172.16.0.2/32")},
}

const (
	seedWeb = iota
	seedVoting
	seedDestination
	seedInjector
	seedLegacy
	seedAPIServer
)

func meshed(ns, name, ip string) policy.Endpoint {
	return policy.Endpoint{ID: ns + "/" + name, Namespace: ns, Name: name, Kind: model.KindPod, Single: true,
		Labels: map[string]string{"app": name, "linkerd.io/proxy-deployment": name}, IPs: []netip.Addr{netip.MustParseAddr(ip)}}
}

// lockdown is the Baseline tier: every pod of namespace ns accepts its own
// namespace and denies every other source.
func lockdown(ns string) model.ClusterPolicy {
	own := sel(model.NamespaceNameLabel, ns)
	return cnp("lockdown-"+ns, baseline, 100, own, in(accept, nil, fromNS(own)).then(in(deny, nil, fromNS(all))))
}

func TestSeedScenarioTiers(t *testing.T) {
	t.Parallel()
	linkerd := sel(model.NamespaceNameLabel, "linkerd")
	isMeshed := &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{{Key: "linkerd.io/proxy-deployment", Operator: metav1.LabelSelectorOpExists}}}
	// Admin tier: meshed pods may reach the control plane; the control
	// plane may reach every meshed pod.
	toControlPlane := cnp("mesh-exceptions", admin, 10, linkerd, in(accept, nil, fromPods(all, isMeshed)))
	fromControlPlane := cnp("control-plane-to-proxies", admin, 20, all, in(accept, nil, fromNS(linkerd)))
	// The seed's deny-all-ingress NetworkPolicy in linkerd (pods accept
	// only their own namespace), and the fix: admit the API server's
	// address. An Admin-tier exception cannot name the API server: ingress
	// peers are only namespaces and pods, and "Note that host-networked
	// pods are not included in this type of peer."
	denyAll := model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "linkerd", Name: "deny-all-ingress"},
		Spec: networkingv1.NetworkPolicySpec{Ingress: []networkingv1.NetworkPolicyIngressRule{{From: []networkingv1.NetworkPolicyPeer{{PodSelector: all}}}}}}}
	webhook := intstr.FromString("proxy-injector")
	allowAPIServer := model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "linkerd", Name: "allow-apiserver"},
		Spec: networkingv1.NetworkPolicySpec{PodSelector: *sel("linkerd.io/control-plane-component", "proxy-injector"),
			Ingress: []networkingv1.NetworkPolicyIngressRule{{
				From:  []networkingv1.NetworkPolicyPeer{{IPBlock: &networkingv1.IPBlock{CIDR: "172.16.0.2/32"}}},
				Ports: []networkingv1.NetworkPolicyPort{{Port: &webhook}},
			}}}}}
	base := []model.ClusterPolicy{lockdown("emojivoto"), lockdown("linkerd"), lockdown("legacy"), toControlPlane, fromControlPlane}
	cases := []struct {
		name     string
		cps      []model.ClusterPolicy
		nps      []model.Policy
		src, dst int
		port     int
		want     tier.Outcome
		chain    string
	}{
		{"same namespace accepted by baseline", base, nil, seedWeb, seedVoting, 8080, tier.Allowed, "Baseline tier: Accept by clusternetworkpolicy/lockdown-emojivoto rule 0"},
		{"other namespace denied by baseline", base, nil, seedLegacy, seedWeb, 8080, tier.Denied, "Baseline tier: Deny by clusternetworkpolicy/lockdown-emojivoto rule 1"},
		{"meshed pod to control plane by admin", base, nil, seedWeb, seedDestination, 8086, tier.Allowed, "Admin tier: Accept by clusternetworkpolicy/mesh-exceptions rule 0"},
		{"control plane to proxies by admin", base, nil, seedDestination, seedWeb, 4191, tier.Allowed, "Admin tier: Accept by clusternetworkpolicy/control-plane-to-proxies rule 0"},
		{"unmeshed pod to control plane denied", base, nil, seedLegacy, seedDestination, 8086, tier.Denied, "lockdown-linkerd rule 1"},
		// namespaces peers match pods only, and ingress peers have no networks: a Baseline tier cannot deny the API server.
		{"baseline cannot deny the api server", base, nil, seedAPIServer, seedInjector, 8443, tier.Allowed, "default: allowed"},
		{"the outage: the namespace lockdown networkpolicy", base, []model.Policy{denyAll}, seedAPIServer, seedInjector, 8443, tier.Denied, "NetworkPolicy: denied"},
		{"admin exceptions override the lockdown networkpolicy", base, []model.Policy{denyAll}, seedWeb, seedDestination, 8086, tier.Allowed, "Admin tier: Accept by clusternetworkpolicy/mesh-exceptions rule 0"},
		{"the fix: a networkpolicy for the api server", base, []model.Policy{denyAll, allowAPIServer}, seedAPIServer, seedInjector, 8443, tier.Allowed, "NetworkPolicy: allowed by linkerd/allow-apiserver rule 0"},
		{"the fix admits only the webhook port", base, []model.Policy{denyAll, allowAPIServer}, seedAPIServer, seedInjector, 9995, tier.Denied, "NetworkPolicy: denied"},
		{"a networkpolicy overrides the baseline", base, []model.Policy{allowAllIngress("emojivoto")}, seedLegacy, seedWeb, 8080, tier.Allowed, "NetworkPolicy: allowed by emojivoto/allow-all rule 0"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			nss := []model.Namespace{{Name: "emojivoto"}, {Name: "linkerd"}, {Name: "legacy"}}
			c := &model.Cluster{Namespaces: nss, Policies: tc.nps, ClusterPolicies: tc.cps}
			engineAgrees(t, c, seedEndpoints, tc.port)
			r, err := reference.New(c, true)
			if err != nil {
				t.Fatal(err)
			}
			v := r.Evaluate(seedEndpoints, tc.src, tc.dst, model.TCP, tc.port)
			text := v.Egress.ChainString() + " | " + v.Ingress.ChainString()
			if v.Outcome != tc.want || !strings.Contains(text, tc.chain) {
				t.Errorf("%s: %s, want %s with %q", text, v.Outcome, tc.want, tc.chain)
			}
		})
	}
}
