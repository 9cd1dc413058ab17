package e2e_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// generatedSeeds is how many generated clusters the lab replays.
const generatedSeeds = 50

// generatedConfig is the cluster of seed i: small (about a dozen pods),
// with pod addresses (dual-stack in some namespaces), every policy
// template once the policy count allows, and every fourth seed with a
// random subset of the features, so that other templates come first.
func generatedConfig(i int) synth.Config {
	cfg := synth.Config{Seed: int64(i), Namespaces: 3, Workloads: 5, Policies: 6 + i%25, PodIPs: true}
	if i%4 == 3 {
		cfg.Features = synth.Feature(uint32(i*2654435761)) & synth.AllFeatures
	}
	return cfg
}

// TestGenerated replays generated clusters and requires the kernel to
// agree with the engine on every probed connection; together they must
// use every NetworkPolicy feature.
func TestGenerated(t *testing.T) {
	requireLab(t)
	seen := map[string]bool{}
	var conns, attempts int
	for i := range generatedSeeds {
		c := synth.Generate(generatedConfig(i))
		for f := range covered(c) {
			seen[f] = true
		}
		t.Run(fmt.Sprintf("seed-%d", i), func(t *testing.T) {
			rep, err := lab.Run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			assertAgreement(t, rep)
			conns += rep.Summary.Connections - rep.Summary.NotProbed
			attempts += rep.Attempts
		})
	}
	t.Logf("%d clusters, %d connections compared, %d real connection attempts", generatedSeeds, conns, attempts)
	for _, f := range features {
		if !seen[f] {
			t.Errorf("no generated cluster uses %s", f)
		}
	}
}

// features are the NetworkPolicy features the generated clusters must use.
var features = []string{
	"default-deny-ingress", "default-deny-egress", "egress-rules", "egress-only",
	"pod-selector-peer", "namespace-selector-peer", "pod-and-namespace-selector-peer", "several-peers",
	"empty-pod-selector", "empty-namespace-selector", "In", "NotIn", "Exists", "DoesNotExist",
	"numeric-port", "named-port", "end-port", "protocol-only", "UDP", "SCTP", "no-peers", "no-ports",
	"ipblock", "ipblock-except", "ipblock-ipv6", "dual-stack-pods",
}

// covered lists the features cluster c uses.
func covered(c *model.Cluster) map[string]bool {
	f := map[string]bool{}
	for _, w := range c.Workloads {
		for _, p := range w.Pods {
			f["dual-stack-pods"] = f["dual-stack-pods"] || len(p.IPs) > 1
		}
	}
	for _, p := range c.Policies {
		s := p.NetworkPolicy.Spec
		in := slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeIngress)
		out := slices.Contains(s.PolicyTypes, networkingv1.PolicyTypeEgress)
		f["default-deny-ingress"] = f["default-deny-ingress"] || in && len(s.Ingress) == 0
		f["default-deny-egress"] = f["default-deny-egress"] || out && len(s.Egress) == 0
		f["egress-rules"] = f["egress-rules"] || len(s.Egress) > 0
		f["egress-only"] = f["egress-only"] || out && !in
		for _, e := range s.PodSelector.MatchExpressions {
			f[string(e.Operator)] = true
		}
		for _, r := range s.Ingress {
			ruleCovers(f, r.From, r.Ports)
		}
		for _, r := range s.Egress {
			ruleCovers(f, r.To, r.Ports)
		}
	}
	return f
}

func ruleCovers(f map[string]bool, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) {
	f["no-peers"] = f["no-peers"] || len(peers) == 0
	f["no-ports"] = f["no-ports"] || len(ports) == 0
	f["several-peers"] = f["several-peers"] || len(peers) > 1
	for _, p := range peers {
		switch {
		case p.IPBlock != nil:
			f["ipblock"] = true
			f["ipblock-except"] = f["ipblock-except"] || len(p.IPBlock.Except) > 0
			f["ipblock-ipv6"] = f["ipblock-ipv6"] || slices.Contains([]byte(p.IPBlock.CIDR), ':')
		case p.PodSelector != nil && p.NamespaceSelector != nil:
			f["pod-and-namespace-selector-peer"] = true
		case p.NamespaceSelector != nil:
			f["namespace-selector-peer"] = true
		default:
			f["pod-selector-peer"] = true
		}
		for _, sel := range []*metaSelector{p.PodSelector, p.NamespaceSelector} {
			if sel == nil {
				continue
			}
			if len(sel.MatchLabels)+len(sel.MatchExpressions) == 0 {
				if sel == p.PodSelector {
					f["empty-pod-selector"] = true
				} else {
					f["empty-namespace-selector"] = true
				}
			}
			for _, e := range sel.MatchExpressions {
				f[string(e.Operator)] = true
			}
		}
	}
	for _, p := range ports {
		if p.Protocol != nil {
			f[string(*p.Protocol)] = true
		}
		switch {
		case p.Port == nil:
			f["protocol-only"] = true
		case p.Port.StrVal != "":
			f["named-port"] = true
		case p.EndPort != nil:
			f["end-port"] = true
		default:
			f["numeric-port"] = true
		}
	}
}

type metaSelector = metav1.LabelSelector
