package tier

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// Outcome is the decision of one direction.
type Outcome uint8

// Outcomes. Unknown is never reported as allowed.
const (
	Unknown Outcome = iota
	Allowed
	Denied
)

func (o Outcome) String() string { return [...]string{"unknown", "allowed", "denied"}[o] }

// Step is one link of a decision's chain.
type Step struct {
	Layer  string // "Admin tier", "NetworkPolicy", "Baseline tier", "default"
	Policy string // "kind/name" or "ns/name"; empty for the default
	Rule   int    // rule index; -1 when no rule decided
	Action string // Accept, Deny, Pass, or the NetworkPolicy tier's verdict
	// Name is the rule's name, when it has one; Peer is 1 + the index of
	// the NetworkPolicy rule's peer that admits (0: not told).
	Name string
	Peer int
}

func (s Step) String() string {
	if s.Name != "" && s.Rule >= 0 && s.Policy != "" {
		return fmt.Sprintf("%s: %s by %s rule %d (%s)", s.Layer, s.Action, s.Policy, s.Rule, s.Name)
	}
	switch {
	case s.Policy == "":
		return s.Layer + ": " + s.Action
	case s.Rule < 0:
		return fmt.Sprintf("%s: %s by %s", s.Layer, s.Action, s.Policy)
	case s.Peer > 0:
		return fmt.Sprintf("%s: %s by %s rule %d peer %d", s.Layer, s.Action, s.Policy, s.Rule, s.Peer-1)
	}
	return fmt.Sprintf("%s: %s by %s rule %d", s.Layer, s.Action, s.Policy, s.Rule)
}

// Result is one direction's decision and how it was reached.
type Result struct {
	Outcome Outcome
	Chain   []Step
	// Ambiguous names equal-priority policies whose matching rules act
	// differently: "the implementation can apply any of the matching
	// policies". podreach applies the first by name and says so here.
	Ambiguous []string
	// Undecided says why the outcome is Unknown (domainNames).
	Undecided string
}

// ChainString renders the chain: "Admin tier: Pass by ... → NetworkPolicy: ...".
func (r *Result) ChainString() string {
	parts := make([]string, len(r.Chain))
	for i, s := range r.Chain {
		parts[i] = s.String()
	}
	return strings.Join(parts, " → ")
}

// Sort orders policies for evaluation: Admin before Baseline; "Policies
// with lower priority values have higher precedence"; rules in written
// order ("a rule that appears at the top ... would take the highest
// precedence"). Equal priorities are ordered by ID (podreach's choice; see
// Result.Ambiguous).
func Sort(ps []*Policy) {
	slices.SortStableFunc(ps, func(a, b *Policy) int {
		return cmp.Or(cmp.Compare(a.Tier, b.Tier), cmp.Compare(a.Priority, b.Priority), strings.Compare(a.ID, b.ID))
	})
}

// Connection is one direction of one connection as the tiers see it: Self
// is the pod whose policies apply (the source for egress, the destination
// for ingress), Other the peer, DstPorts the destination's container ports.
type Connection struct {
	Side        int // IngressSide or EgressSide
	Self, Other *Endpoint
	DstPorts    []model.ContainerPort
	Proto       model.Protocol
	Port        int
	Nodes       []model.Node
}

// NetworkPolicyTier decides the NetworkPolicy tier of a direction:
// whether a NetworkPolicy selects the pod ("v1.NetworkPolicy always makes
// a final decision for selected pods") and, if so, its decision.
type NetworkPolicyTier func() (isolated bool, step Step, allowed bool)
