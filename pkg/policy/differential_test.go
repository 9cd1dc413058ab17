package policy_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// samplePorts is every port a policy or a container mentions, ±1 (range
// ends included), plus 1, 65535 and a few random ports: enough to see every
// boundary the engine could get wrong.
func samplePorts(c *model.Cluster, eps []policy.Endpoint, seed uint64) []int {
	set := map[int]bool{1: true, 65535: true}
	mark := func(n int) {
		for _, p := range []int{n - 1, n, n + 1} {
			if p >= 1 && p <= 65535 {
				set[p] = true
			}
		}
	}
	for _, p := range c.Policies {
		for _, n := range policyPortNumbers(p.NetworkPolicy) {
			mark(n)
		}
	}
	for _, ep := range eps {
		for _, cp := range ep.Ports {
			mark(int(cp.Port))
		}
	}
	r := rand.New(rand.NewPCG(seed, 1))
	for range 3 {
		set[1+r.IntN(65535)] = true
	}
	out := make([]int, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	slices.Sort(out)
	return out
}

// policyPortNumbers lists the numeric ports and range ends of a policy.
func policyPortNumbers(np *networkingv1.NetworkPolicy) []int {
	var entries []networkingv1.NetworkPolicyPort
	for _, r := range np.Spec.Ingress {
		entries = append(entries, r.Ports...)
	}
	for _, r := range np.Spec.Egress {
		entries = append(entries, r.Ports...)
	}
	var out []int
	for _, pp := range entries {
		if pp.Port != nil && pp.Port.Type == intstr.Int {
			out = append(out, int(pp.Port.IntVal))
		}
		if pp.EndPort != nil {
			out = append(out, int(*pp.EndPort))
		}
	}
	return out
}

// diffConfig is the synthetic cluster of one differential seed: up to ~60
// pods and 30 policies.
func diffConfig(seed int64) synth.Config {
	return synth.Config{
		Seed:       seed,
		Namespaces: 2 + int(seed%5),
		Workloads:  4 + int(seed*7%23),
		Policies:   3 + int(seed*11%28),
		PodIPs:     seed%5 != 0,
	}
}

// TestDifferential compares Allowed, the Scanner, Explain and the reference
// evaluator on every ordered pair of 40 synthetic clusters, on every
// sampled port of every protocol, with ipBlocks matching pod IPs and not.
func TestDifferential(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 40; seed++ {
		if testing.Short() && diffConfig(seed).Workloads > 12 {
			continue // -short: the small clusters only (about a tenth of the work)
		}
		for _, ipBlockPods := range []bool{true, false} {
			t.Run(fmt.Sprintf("seed%d/ipBlockPods=%v", seed, ipBlockPods), func(t *testing.T) {
				t.Parallel()
				c := synth.Generate(diffConfig(seed))
				eps := endpointsOf(c)
				compareAll(t, c, eps, ipBlockPods, samplePorts(c, eps, uint64(seed)))
			})
		}
	}
}

// compareAll checks every ordered pair on every sampled port and reports
// at most a few disagreements, with the Explain trace. The Scanner's rows
// must equal Allowed everywhere. Explain is asked per port where the answer
// is yes, where it flips between neighbouring sampled ports, and on one in
// eight of the other (denied) ports: a denied trace builds every nearest
// miss in words, which would otherwise be most of the package's test time.
func compareAll(t *testing.T, c *model.Cluster, eps []policy.Endpoint, ipBlockPods bool, sample []int) {
	t.Helper()
	b := build(t, c.Namespaces, c.Policies, eps, ipBlockPods)
	all := indexes(len(eps))
	sc := b.eng.NewScanner(all)
	failures := 0
	for s := range eps {
		sc.Row(s)
		for d := range eps {
			set := b.eng.Allowed(s, d)
			if row := sc.Allowed(d); !row.Equal(set) || sc.Empty(d) != set.IsEmpty() {
				t.Errorf("%s -> %s: Scanner = %s, Allowed() = %s", eps[s].ID, eps[d].ID, row, set)
				failures++
			}
			if full := b.eng.Explain(s, d, model.ProtocolUnknown, 0); !full.Allowed.Equal(set) {
				t.Errorf("%s -> %s: Explain(all).Allowed = %s, Allowed() = %s", eps[s].ID, eps[d].ID, full.Allowed, set)
				failures++
			}
			for _, proto := range model.Protocols {
				prev := false
				for i, port := range sample {
					if failures >= 5 {
						t.Fatal("too many disagreements")
					}
					want := b.ref.Allowed(b.eps, s, d, proto, port)
					explain := want || want != prev || (i+s+d)%8 == 0
					if !b.agree(t, set, s, d, proto, port, want, explain) {
						failures++
					}
					prev = want
				}
			}
		}
	}
}

// agree compares one (pair, protocol, port) between Allowed, Explain (when
// explain is set) and the reference's answer want (no t.Helper: it is the
// hot loop).
func (b built) agree(t *testing.T, set ports.Set, s, d int, proto model.Protocol, port int, want, explain bool) bool {
	got := set.Contains(proto, port)
	if !explain && got == want {
		return true
	}
	dec := b.eng.Explain(s, d, proto, port)
	if got == want && (dec.Verdict == policy.Allow) == want && dec.Allowed.Contains(proto, port) == want {
		return true
	}
	t.Helper()
	t.Errorf("%s -> %s %s/%d: reference=%v Allowed()=%v Explain=%v\n%s",
		b.eps[s].ID, b.eps[d].ID, proto, port, want, got, dec.Verdict, dump(dec))
	return false
}
