package policy_test

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// tierPorts are the ports the generator's cluster policies name, ±1.
var tierPorts = []int{79, 80, 81, 442, 443, 444, 4999, 5000, 5001, 5999, 6000, 6001, 8079, 8080, 8081}

// TestTierDifferential compares Allowed, Undecided, the Scanner and the
// reference evaluator on every ordered pair of 24 generated clusters with
// cluster policy tiers (Admin and Baseline, every action, namespaces,
// pods, nodes and networks peers, named ports), ipBlocks matching pod IPs
// on even seeds: the fast engine walks the tiers exactly as package tier
// says. Besides the generated externals, three ranges that the generated
// networks and node addresses cover only in part (partlyCovered) must
// come out undecided where a Deny or Pass rule acts on some of their
// addresses, never allowed. The ports sampled are those the cluster
// policies name (±1) and every fourth port samplePorts gives (the
// NetworkPolicy boundaries are TestDifferential's).
func TestTierDifferential(t *testing.T) {
	t.Parallel()
	var partial atomic.Int64 // pairs toward a partly covered range with undecided ports
	t.Run("seeds", func(t *testing.T) {
		for seed := int64(1); seed <= 24; seed++ {
			cfg := diffConfig(seed)
			cfg.ClusterPolicies = 2 + int(seed%9)
			if testing.Short() && cfg.Workloads > 12 {
				continue
			}
			t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
				t.Parallel()
				c := synth.Generate(cfg)
				eps := append(endpointsOf(c), partlyCovered...)
				sample := slices.Clone(tierPorts)
				for i, p := range samplePorts(c, eps, uint64(seed)) {
					if i%4 == 0 {
						sample = append(sample, p)
					}
				}
				partial.Add(int64(compareTiers(t, c, eps, seed%2 == 0, sample)))
			})
		}
	})
	if n := partial.Load(); n < 10 && !testing.Short() {
		t.Errorf("only %d pairs toward a partly covered range are undecided: the generator proves little", n)
	}
	t.Logf("%d pairs toward a partly covered range undecided", partial.Load())
}

// partlyCovered are external ranges the generated cluster policies cover
// in part: 8.8.0.0/16 (networks 8.8.8.0/24), 10.0.0.0/7 (10.0.0.0/8) and
// 192.168.0.8/29 (the first node addresses, 192.168.0.10 onwards).
var partlyCovered = []policy.Endpoint{
	{ID: "wide-8.8", Name: "wide-8.8", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("8.8.0.0/16")},
	{ID: "wide-10", Name: "wide-10", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("10.0.0.0/7")},
	{ID: "node-range", Name: "node-range", Kind: model.KindExternal, Prefix: netip.MustParsePrefix("192.168.0.8/29")},
}

// compareTiers checks every ordered pair on every sampled port against
// the reference; Allowed must also equal the Scanner's rows, and what the
// reference cannot decide (domainNames) must be in Undecided, never in
// Allowed. It returns the number of pairs toward partlyCovered ranges
// with undecided ports.
func compareTiers(t *testing.T, c *model.Cluster, eps []policy.Endpoint, ipBlockPods bool, sample []int) int {
	t.Helper()
	eng, err := policy.New(c, eps, policy.WithIPBlockPods(ipBlockPods))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	ref, err := reference.New(c, ipBlockPods)
	if err != nil {
		t.Fatal(err)
	}
	sc := eng.NewScanner(indexes(len(eps)))
	failures, partial := 0, 0
	for s := range eps {
		sc.Row(s)
		for d := range eps {
			set := eng.Allowed(s, d)
			if row := sc.Allowed(d); !row.Equal(set) {
				t.Errorf("%s -> %s: Scanner = %s, Allowed() = %s", eps[s].ID, eps[d].ID, row, set)
				failures++
			}
			und := eng.Undecided(s, d)
			if !und.IsEmpty() && (strings.HasPrefix(eps[d].ID, "wide-") || eps[d].ID == "node-range") {
				partial++
			}
			for _, proto := range model.Protocols {
				for _, port := range sample {
					if failures >= 5 {
						t.Fatal("too many disagreements")
					}
					v := ref.Evaluate(eps, s, d, proto, port)
					got, unk := set.Contains(proto, port), und.Contains(proto, port)
					if got != (v.Outcome == tier.Allowed) || unk != (v.Outcome == tier.Unknown) {
						t.Errorf("%s -> %s %s/%d: reference %s (egress %s; ingress %s), engine allowed=%v undecided=%v",
							eps[s].ID, eps[d].ID, proto, port, v.Outcome, v.Egress.ChainString(), v.Ingress.ChainString(), got, unk)
						failures++
					}
				}
			}
		}
	}
	return partial
}
