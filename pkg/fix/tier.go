package fix

import (
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// Tier is where the proposals go.
type Tier uint8

// Tiers.
const (
	TierUnknown Tier = iota
	// TierNetworkPolicy proposes NetworkPolicies (the default); flows an
	// Admin-tier Deny or a Baseline-tier Deny decides are reported with the
	// cluster policy to change.
	TierNetworkPolicy
	// TierAdmin proposes Admin-tier ClusterNetworkPolicies instead.
	TierAdmin
)

func (t Tier) String() string {
	switch t {
	case TierNetworkPolicy:
		return "networkpolicy"
	case TierAdmin:
		return "admin"
	}
	return "unknown"
}

// ParseTier parses "networkpolicy" or "admin".
func ParseTier(s string) (Tier, error) {
	switch s {
	case "networkpolicy", "":
		return TierNetworkPolicy, nil
	case "admin":
		return TierAdmin, nil
	}
	return TierUnknown, fmt.Errorf("unknown tier %q (want networkpolicy or admin)", s)
}

// WithTier sets where the proposals go (default TierNetworkPolicy).
func WithTier(t Tier) Option { return func(o *options) { o.tier = t } }

// referee decides connections of clusters with cluster policy tiers with
// package reference, which walks the tiers (Admin, NetworkPolicy,
// Baseline, allow) one connection at a time. It is nil for clusters
// without cluster policies: the engine decides those.
type referee struct {
	mu    sync.Mutex
	evals map[*reach.Analysis]*reference.Evaluator
	flows []mesh.Port // every port of the profile's flows
}

func newReferee(c *model.Cluster, p mesh.Profile, always bool) *referee {
	if len(c.ClusterPolicies) == 0 && !always {
		return nil
	}
	r := &referee{evals: map[*reach.Analysis]*reference.Evaluator{}}
	for _, f := range p.Flows() {
		r.flows = append(r.flows, f.Ports...)
	}
	return r
}

// evaluate decides one connection of a's cluster. The evaluator assumes
// ipBlock rules match pod addresses (reach's default).
func (r *referee) evaluate(a *reach.Analysis, s, d int, proto model.Protocol, port int) (reference.Verdict, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	ev, ok := r.evals[a]
	if !ok {
		var err error
		if ev, err = reference.New(a.Cluster(), true); err != nil {
			return reference.Verdict{}, err
		}
		r.evals[a] = ev
	}
	return ev.Evaluate(a.Engine().Endpoints(), s, d, proto, port), nil
}

// judge is the check's judge: the ports the check can ask about (the
// destination's declared ports, the proxy's among them once injected, and
// every flow port), each decided through the tiers. A cluster policy that
// cannot be interpreted admits nothing (never fail open).
func (r *referee) judge(a *reach.Analysis, s, d int) ports.Set {
	if s == d {
		return ports.All()
	}
	var set ports.Set
	try := func(proto model.Protocol, port int) {
		if v, err := r.evaluate(a, s, d, proto, port); err == nil && v.Outcome == tier.Allowed {
			set = set.Union(ports.Of(proto, port, port))
		}
	}
	for _, cp := range a.Engine().Endpoints()[d].Ports {
		try(cp.Protocol, int(cp.Port))
	}
	for _, p := range r.flows {
		try(p.Protocol, int(p.Port))
	}
	return set
}

// checkOptions adds the referee's judge to the check options.
func (r *referee) checkOptions(opts []check.Option) []check.Option {
	if r == nil {
		return opts
	}
	return append(slices.Clone(opts), check.WithJudge(r.judge))
}

// blocker is what denies one blocked pair: the direction that denies and
// that direction's chain of tiers.
type blocker struct {
	side  policy.Direction
	chain []tier.Step
}

// layer is the tier whose decision denied: the last step of the chain
// ("Admin tier", "NetworkPolicy", "Baseline tier"; "" when undecided).
func (b blocker) layer() string {
	if len(b.chain) == 0 {
		return ""
	}
	return b.chain[len(b.chain)-1].Layer
}

// blame finds what denies pair in a's cluster: each denied direction
// (egress first), or, when the reference allows it, the check's side alone.
func (r *referee) blame(a *reach.Analysis, pair check.Pair) ([]blocker, error) {
	s, ok1 := a.EndpointIndex(pair.From)
	d, ok2 := a.EndpointIndex(pair.To)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("no endpoint %s or %s", pair.From, pair.To)
	}
	v, err := r.evaluate(a, s, d, pair.Protocol, int(pair.Port))
	if err != nil {
		return nil, err
	}
	var out []blocker
	if v.Egress.Outcome == tier.Denied {
		out = append(out, blocker{policy.Egress, v.Egress.Chain})
	}
	if v.Ingress.Outcome == tier.Denied {
		out = append(out, blocker{policy.Ingress, v.Ingress.Chain})
	}
	if len(out) == 0 {
		out = append(out, blocker{side: pair.Side})
	}
	return out, nil
}

// describe names the cluster policy rule that denies and what to change.
func (b blocker) describe() string {
	last := b.chain[len(b.chain)-1]
	if last.Layer == "Admin tier" {
		return fmt.Sprintf("denied by %s rule %d (%s, Admin tier): no NetworkPolicy can admit it; change that cluster policy, or use --tier admin for an Admin-tier policy before it",
			last.Policy, last.Rule, b.side)
	}
	return fmt.Sprintf("denied by %s rule %d (%s, Baseline tier): a NetworkPolicy would override it but isolate the pod, denying what the Baseline tier admits; change that cluster policy, or use --tier admin",
		last.Policy, last.Rule, b.side)
}

// passes reports whether res passes: it is OK, or, when the referee decides
// connections through the tiers, the check found nothing blocked and
// marked it "cannot know" only because cluster policies (which the referee
// did evaluate) select its endpoints.
func (r *referee) passes(res check.Result) bool {
	if res.Status == check.StatusOK {
		return true
	}
	if r == nil || len(res.Blocked) > 0 || len(res.CouldChange) == 0 || len(res.Details) == 0 || !strings.HasPrefix(res.Details[0], "cannot know:") {
		return false
	}
	for _, c := range res.CouldChange {
		if !tierKinds[c.Kind] {
			return false
		}
	}
	return true
}

// tierKinds are the kinds of the cluster policies the referee evaluates.
var tierKinds = map[string]bool{"ClusterNetworkPolicy": true, "AdminNetworkPolicy": true, "BaselineAdminNetworkPolicy": true}
