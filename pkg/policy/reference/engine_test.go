package reference_test

import (
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
				}
			}
		}
	}
}
