package reference_test

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestTieredSynthSample: on the tiered M preset (1k pods, 200
// NetworkPolicies, 20 ClusterNetworkPolicies) the tiers change verdicts
// both ways against NetworkPolicy alone (Admin Accepts open, Admin and
// Baseline Denies close), never leave one undecided (the preset has no
// domainNames), and every verdict carries a chain on both sides.
func TestTieredSynthSample(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeM.Tiered(11))
	eps := workloadEndpoints(c)
	tiered, err := reference.New(c, true)
	if err != nil {
		t.Fatal(err)
	}
	plain := *c
	plain.ClusterPolicies = nil
	untiered, err := reference.New(&plain, true)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(11, 1))
	opened, closed, same := 0, 0, 0
	start := time.Now()
	const n = 3000
	for range n {
		s, d := r.IntN(len(eps)), r.IntN(len(eps))
		port := []int{80, 443, 8080, 5432}[r.IntN(4)]
		v := tiered.Evaluate(eps, s, d, model.TCP, port)
		if v.Outcome == tier.Unknown || len(v.Egress.Chain) == 0 || len(v.Ingress.Chain) == 0 {
			t.Fatalf("%s → %s:%d: %s, chains %q / %q", eps[s].ID, eps[d].ID, port, v.Outcome, v.Egress.ChainString(), v.Ingress.ChainString())
		}
		was := untiered.Allowed(eps, s, d, model.TCP, port)
		switch now := v.Outcome == tier.Allowed; {
		case now && !was:
			opened++
		case !now && was:
			closed++
		default:
			same++
		}
	}
	t.Logf("%d connections in %v: tiers opened %d, closed %d, left %d", n, time.Since(start), opened, closed, same)
	if opened == 0 || closed == 0 {
		t.Errorf("tiers opened %d and closed %d connections: the preset does not exercise them", opened, closed)
	}
}

// workloadEndpoints is one endpoint per workload, with its pods' addresses.
func workloadEndpoints(c *model.Cluster) []policy.Endpoint {
	var out []policy.Endpoint
	for _, w := range c.Workloads {
		ep := policy.Endpoint{ID: w.ID(), Namespace: w.Namespace, Name: w.Name, Kind: w.Kind, Labels: w.Template.Labels,
			Ports: w.Template.Ports(), HostNetwork: w.Template.HostNetwork}
		for _, p := range w.Pods {
			ep.IPs = append(ep.IPs, p.IPs...)
		}
		out = append(out, ep)
	}
	return out
}
