package synth_test

import (
	"net/netip"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

// allCovered lists what TestGenerateCoversEveryFeature requires.
var allCovered = []string{
	"default-deny-ingress", "default-deny-egress", "egress-only", "both-types",
	"peer-pod-only", "peer-ns-only", "peer-and", "several-peers", "empty-ns-selector",
	"empty-pod-selector-peer", "In", "NotIn", "Exists", "DoesNotExist",
	"numeric-port", "named-port", "end-port", "protocol-only", "udp", "sctp",
	"no-peers", "no-ports", "allow-all-rule", "ipblock-except-v4", "ipblock-v6",
	"ipblock-hits-pod", "except-hits-pod", "dns-egress", "host-network",
	"same-name-other-number", "kind-Deployment", "kind-StatefulSet",
	"kind-DaemonSet", "kind-Pod", "kind-Job",
}

// features lists what a generated cluster exercises.
func features(c *model.Cluster) map[string]bool {
	f := map[string]bool{}
	var podIPs []netip.Addr
	numbers := map[string]int32{}
	for _, w := range c.Workloads {
		f["kind-"+w.Kind.String()] = true
		f["host-network"] = f["host-network"] || w.Template.HostNetwork
		for _, p := range w.Pods {
			podIPs = append(podIPs, p.IPs...)
		}
		for _, cp := range w.Template.Ports() {
			if n, ok := numbers[cp.Name]; ok && n != cp.Port && cp.Name != "" {
				f["same-name-other-number"] = true
			}
			numbers[cp.Name] = cp.Port
		}
	}
	for _, p := range c.Policies {
		policyFeatures(f, p.NetworkPolicy, podIPs)
	}
	return f
}

func policyFeatures(f map[string]bool, np *networkingv1.NetworkPolicy, podIPs []netip.Addr) {
	s := np.Spec
	in := slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeIngress)
	out := slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeEgress)
	f["default-deny-ingress"] = f["default-deny-ingress"] || in && len(s.Ingress) == 0 && len(s.PodSelector.MatchLabels)+len(s.PodSelector.MatchExpressions) == 0
	f["default-deny-egress"] = f["default-deny-egress"] || out && len(s.Egress) == 0
	f["egress-only"] = f["egress-only"] || out && !in
	f["both-types"] = f["both-types"] || out && in
	for _, e := range s.PodSelector.MatchExpressions {
		f[string(e.Operator)] = true
	}
	for _, r := range s.Ingress {
		ruleFeatures(f, r.From, r.Ports, podIPs)
	}
	for _, r := range s.Egress {
		ruleFeatures(f, r.To, r.Ports, podIPs)
		for _, p := range r.To {
			if p.NamespaceSelector != nil && p.NamespaceSelector.MatchLabels[model.NamespaceNameLabel] == "kube-system" {
				f["dns-egress"] = true
			}
		}
	}
}

func ruleFeatures(f map[string]bool, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort, podIPs []netip.Addr) {
	f["no-peers"] = f["no-peers"] || len(peers) == 0
	f["no-ports"] = f["no-ports"] || len(ports) == 0
	f["allow-all-rule"] = f["allow-all-rule"] || len(peers) == 0 && len(ports) == 0
	f["several-peers"] = f["several-peers"] || len(peers) > 1
	for _, p := range peers {
		switch {
		case p.IPBlock != nil:
			blockFeatures(f, p.IPBlock, podIPs)
		case p.PodSelector != nil && p.NamespaceSelector != nil:
			f["peer-and"] = true
		case p.PodSelector != nil:
			f["peer-pod-only"] = true
		default:
			f["peer-ns-only"] = true
		}
		if p.NamespaceSelector != nil && p.NamespaceSelector.Size() == 0 {
			f["empty-ns-selector"] = true
		}
		if p.PodSelector != nil && p.PodSelector.Size() == 0 {
			f["empty-pod-selector-peer"] = true
		}
		if p.PodSelector != nil {
			for _, e := range p.PodSelector.MatchExpressions {
				f[string(e.Operator)] = true
			}
		}
	}
	for _, p := range ports {
		portFeatures(f, p)
	}
}

func portFeatures(f map[string]bool, p networkingv1.NetworkPolicyPort) {
	switch {
	case p.Port == nil:
		f["protocol-only"] = true
	case p.Port.Type == intstr.String:
		f["named-port"] = true
	case p.EndPort != nil:
		f["end-port"] = true
	default:
		f["numeric-port"] = true
	}
	if p.Protocol != nil {
		f[map[string]string{"UDP": "udp", "SCTP": "sctp"}[string(*p.Protocol)]] = true
	}
}

func blockFeatures(f map[string]bool, b *networkingv1.IPBlock, podIPs []netip.Addr) {
	cidr := netip.MustParsePrefix(b.CIDR)
	f["ipblock-v6"] = f["ipblock-v6"] || cidr.Addr().Is6()
	f["ipblock-except-v4"] = f["ipblock-except-v4"] || cidr.Addr().Is4() && len(b.Except) > 0
	for _, ip := range podIPs {
		if !cidr.Contains(ip) {
			continue
		}
		f["ipblock-hits-pod"] = true
		for _, e := range b.Except {
			if netip.MustParsePrefix(e).Contains(ip) {
				f["except-hits-pod"] = true
			}
		}
	}
}
