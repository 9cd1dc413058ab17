package tier_test

import (
	"math/rand/v2"

	"github.com/podreach/podreach/pkg/model"
	"testing"

	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// TestTraceRegions: on the generated tiers of TestDecidePortsDifferential,
// Trace's regions partition the asked ports, and each region's outcome is
// DecidePorts' on every port of it (allowed, unknown or denied).
func TestTraceRegions(t *testing.T) {
	t.Parallel()
	eps := genEndpoints()
	checked := map[tier.Outcome]int{}
	for seed := range uint64(4000) {
		r := rand.New(rand.NewPCG(seed, 11))
		ps := genPolicies(r)
		tier.Sort(ps)
		self, other := &eps[r.IntN(len(eps))], &eps[r.IntN(len(eps))]
		side := r.IntN(2)
		dst := other.Ports
		if side == tier.IngressSide {
			dst = self.Ports
		}
		c := tier.PairConnection{Side: side, Self: self, Other: other, DstPorts: dst}
		np := tier.NetworkPolicyTrace{Isolated: r.IntN(2) == 0, Denied: tier.Step{Layer: "NetworkPolicy", Rule: -1, Action: "denied"}}
		if np.Isolated {
			np.Admits = []tier.StepPorts{{Step: tier.Step{Layer: "NetworkPolicy", Policy: "ns/np", Action: "allowed"}, Ports: genPorts(r)}}
		}
		npAllowed := ports.All()
		if np.Isolated {
			npAllowed = np.Admits[0].Ports
		}
		allowed, unknown := tier.DecidePorts(ps, c, tier.NetworkPolicySets{Isolated: np.Isolated, Allowed: npAllowed})
		asked := pick(r, ports.All(), ports.Of(model.TCP, 1, 1000))
		var union ports.Set
		for _, reg := range tier.Trace(ps, c, np, asked) {
			if !union.Intersect(reg.Ports).IsEmpty() {
				t.Fatalf("seed %d: regions overlap on %s", seed, union.Intersect(reg.Ports))
			}
			union = union.Union(reg.Ports)
			checked[reg.Outcome]++
			var ok bool
			switch reg.Outcome {
			case tier.Allowed:
				ok = reg.Ports.Subtract(allowed).IsEmpty()
			case tier.Unknown:
				ok = reg.Ports.Subtract(unknown).IsEmpty()
			default:
				ok = reg.Ports.Intersect(allowed.Union(unknown)).IsEmpty()
			}
			if !ok {
				t.Fatalf("seed %d: region %s is %s (%s), DecidePorts allows %s, unknown %s", seed, reg.Ports, reg.Outcome, reg.ChainString(), allowed, unknown)
			}
		}
		if !union.Equal(asked) {
			t.Fatalf("seed %d: regions cover %s, asked %s", seed, union, asked)
		}
	}
	for _, o := range []tier.Outcome{tier.Allowed, tier.Denied, tier.Unknown} {
		if checked[o] < 100 {
			t.Errorf("only %d regions with outcome %s", checked[o], o)
		}
	}
}
