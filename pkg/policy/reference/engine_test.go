package reference_test

import (
	"regexp"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// enginePorts are the ports every row's engine check asks, besides the
// row's own.
var enginePorts = []int{53, 80, 443, 4191, 5000, 5500, 8080, 8086, 8443, 9995}

// engineAgrees checks the class engine (policy.New: Allowed, Undecided,
// the Scanner, Explain's verdict) against the reference on every ordered
// pair of eps, on port and enginePorts, TCP and UDP: every rule row and
// scenario of this package holds for the fast path too.
func engineAgrees(t *testing.T, c *model.Cluster, eps []policy.Endpoint, port int) {
	t.Helper()
	r, err := reference.New(c, true)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := policy.New(c, eps)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(eps))
	for i := range all {
		all[i] = i
	}
	sc := eng.NewScanner(all)
	for s := range eps {
		sc.Row(s)
		for d := range eps {
			set, und := eng.Allowed(s, d), eng.Undecided(s, d)
			if !sc.Allowed(d).Equal(set) {
				t.Errorf("engine %s → %s: Scanner %s, Allowed %s", eps[s].ID, eps[d].ID, sc.Allowed(d), set)
			}
			for _, proto := range []model.Protocol{model.TCP, model.UDP} {
				for _, p := range append([]int{port}, enginePorts...) {
					v := r.Evaluate(eps, s, d, proto, p)
					if set.Contains(proto, p) != (v.Outcome == tier.Allowed) || und.Contains(proto, p) != (v.Outcome == tier.Unknown) {
						t.Errorf("engine %s → %s %s/%d: allowed=%v undecided=%v, reference %s (%s | %s)", eps[s].ID, eps[d].ID, proto, p,
							set.Contains(proto, p), und.Contains(proto, p), v.Outcome, v.Egress.ChainString(), v.Ingress.ChainString())
					}
					explainAgrees(t, eng, eps, s, d, proto, p, v)
				}
			}
		}
	}
}

// explainAgrees checks Explain on one connection against the reference:
// the same verdict, and for each direction the same chain of tiers (the
// NetworkPolicy step's rule aside: the engine names the first admitting
// rule it finds, with its peer).
func explainAgrees(t *testing.T, eng *policy.Engine, eps []policy.Endpoint, s, d int, proto model.Protocol, port int, v reference.Verdict) {
	t.Helper()
	x := eng.Explain(s, d, proto, port)
	want := map[tier.Outcome]policy.Verdict{tier.Allowed: policy.Allow, tier.Denied: policy.Deny, tier.Unknown: policy.VerdictUnknown}[v.Outcome]
	if x.Verdict != want {
		t.Errorf("explain %s → %s %s/%d: %s (%s), reference %s", eps[s].ID, eps[d].ID, proto, port, x.Verdict, x.Code, v.Outcome)
		return
	}
	if len(sharedFamiliesOf(eps[s], eps[d])) > 1 {
		return // Explain shows the family that admits less; the reference the first that is not allowed
	}
	for _, side := range []struct {
		got  policy.Side
		want tier.Result
	}{{x.Egress, v.Egress}, {x.Ingress, v.Ingress}} {
		if len(side.got.Tiers) == 0 {
			if hasTierStep(side.want.ChainString()) {
				t.Errorf("explain %s → %s %s/%d %s: no tier chain, reference %s", eps[s].ID, eps[d].ID, proto, port, side.got.Direction, side.want.ChainString())
			}
			continue
		}
		got := side.got.Tiers[0]
		if len(side.got.Tiers) != 1 || normalize(got.ChainString()) != normalize(side.want.ChainString()) || got.Undecided != side.want.Undecided {
			t.Errorf("explain %s → %s %s/%d %s: %q (%d regions), reference %q", eps[s].ID, eps[d].ID, proto, port, side.got.Direction,
				got.ChainString(), len(side.got.Tiers), side.want.ChainString())
		}
	}
}

var networkPolicyStep = regexp.MustCompile(`NetworkPolicy: allowed by [^ ]+ rule \d+( peer \d+)?`)

// normalize drops the NetworkPolicy step's rule (see explainAgrees).
func normalize(chain string) string {
	return networkPolicyStep.ReplaceAllString(chain, "NetworkPolicy: allowed")
}

func hasTierStep(chain string) bool {
	return regexp.MustCompile(`(Admin|Baseline) tier`).MatchString(chain)
}

// sharedFamiliesOf lists the address families both endpoints have.
func sharedFamiliesOf(a, b policy.Endpoint) []bool {
	var out []bool
	for _, v4 := range []bool{true, false} {
		if hasFamily(a, v4) && hasFamily(b, v4) {
			out = append(out, v4)
		}
	}
	return out
}

func hasFamily(ep policy.Endpoint, v4 bool) bool {
	if ep.Kind == model.KindExternal {
		return ep.Prefix.IsValid() && ep.Prefix.Addr().Is4() == v4
	}
	for _, ip := range ep.IPs {
		if ip.Is4() == v4 {
			return true
		}
	}
	return false
}
