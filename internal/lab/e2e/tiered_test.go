package e2e_test

import (
	"context"
	"fmt"
	"net/netip"
	"testing"

	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// tieredSeeds is how many generated tiered clusters the lab replays.
const tieredSeeds = 30

// tieredConfig is generatedConfig with cluster policies (half Admin, half
// Baseline, every action, every peer kind but domainNames).
func tieredConfig(i int) synth.Config {
	cfg := generatedConfig(i)
	cfg.ClusterPolicies = 4 + i%7
	return cfg
}

// withNodeExternal adds an external peer standing at the first Node's
// address: the lab has no nodes, so this is how a nodes peer meets a
// packet.
func withNodeExternal(c *model.Cluster) {
	if len(c.Nodes) > 0 && len(c.Nodes[0].Addresses) > 0 {
		a := c.Nodes[0].Addresses[0]
		c.Externals = append(c.Externals, model.External{Name: "node-" + c.Nodes[0].Name, Prefix: netip.PrefixFrom(a, a.BitLen())})
	}
}

// TestGeneratedTiered replays generated clusters with cluster policy
// tiers and requires the kernel (the tiers as nftables chains) to agree
// with the reference evaluator on every probed connection; together they
// must use every tier feature the generator has.
func TestGeneratedTiered(t *testing.T) {
	requireLab(t)
	seen := map[string]bool{}
	var conns, agreed, attempts int
	for i := range tieredSeeds {
		c := synth.Generate(tieredConfig(i))
		withNodeExternal(c)
		for f := range tierCovered(t, c) {
			seen[f] = true
		}
		t.Run(fmt.Sprintf("seed-%d", i), func(t *testing.T) {
			rep, err := lab.Run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			if rep.Judge != "engine" {
				t.Errorf("judge %q, want engine", rep.Judge)
			}
			assertAgreement(t, rep)
			conns += rep.Summary.Connections - rep.Summary.NotProbed
			agreed += rep.Summary.Agreed()
			attempts += rep.Attempts
		})
	}
	t.Logf("%d tiered clusters: kernel and engine agree on %d of %d connections (%d real connection attempts)", tieredSeeds, agreed, conns, attempts)
	for _, f := range tierFeatures {
		if !seen[f] {
			t.Errorf("no generated tiered cluster uses %s", f)
		}
	}
}

// tierFeatures are the tier features the generated clusters must use.
var tierFeatures = []string{
	"Admin", "Baseline", "Admin Accept", "Admin Deny", "Admin Pass", "Baseline Accept", "Baseline Deny", "Baseline Pass",
	"subject namespaces", "subject pods", "ingress", "egress",
	"peer namespaces", "peer pods", "peer nodes", "peer networks",
	"port number", "port range", "named port", "all ports",
}

// tierCovered lists the tier features cluster c uses.
func tierCovered(t *testing.T, c *model.Cluster) map[string]bool {
	t.Helper()
	ps, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		t.Fatal(err)
	}
	f := map[string]bool{}
	for _, p := range ps {
		f[p.Tier.String()] = true
		f["subject namespaces"] = f["subject namespaces"] || p.Subject.Namespaces != nil
		f["subject pods"] = f["subject pods"] || p.Subject.Pods != nil
		for side, rules := range p.Rules {
			for _, r := range rules {
				f[[]string{"ingress", "egress"}[side]] = true
				f[p.Tier.String()+" "+r.Action.String()] = true
				f["all ports"] = f["all ports"] || r.AllPorts
				for _, pe := range r.Peers {
					f["peer "+pe.Kind.String()] = true
				}
				for _, pp := range r.Ports {
					switch {
					case pp.Name != "":
						f["named port"] = true
					case pp.Hi > pp.Lo:
						f["port range"] = true
					default:
						f["port number"] = true
					}
				}
			}
		}
	}
	return f
}
