package policy

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// Direction is the side of a connection a policy governs.
type Direction uint8

// Directions. Egress is checked at the source, Ingress at the destination.
const (
	DirectionUnknown Direction = iota
	Ingress
	Egress
)

func (d Direction) String() string {
	switch d {
	case Ingress:
		return "ingress"
	case Egress:
		return "egress"
	}
	return "unknown"
}

// Verdict is the answer for a connection.
type Verdict uint8

// Verdicts. Unknown is never reported as allowed.
const (
	VerdictUnknown Verdict = iota
	Allow
	Deny
)

func (v Verdict) String() string {
	switch v {
	case Allow:
		return "allowed"
	case Deny:
		return "denied"
	}
	return "unknown"
}

// Code is a stable reason key; see Code.Describe for its sentence.
type Code string

// Reason codes, stable across releases (they appear in JSON output).
const (
	CodeSelf           Code = "self"
	CodeNotIsolated    Code = "not_isolated"
	CodeHostNetwork    Code = "host_network"
	CodeExternal       Code = "external_peer"
	CodeAdmitted       Code = "admitted"
	CodeNoRuleAdmits   Code = "no_rule_admits"
	CodePartlyAdmitted Code = "partly_admitted"
	CodeDisjoint       Code = "no_common_port"
	CodeAdminTier      Code = "admin_tier"
	CodeBaselineTier   Code = "baseline_tier"
	CodeTierDefault    Code = "tier_default"
	CodeUndecided      Code = "undecided"
)

var codeText = map[Code]string{
	CodeSelf:           "a pod can always reach itself",
	CodeNotIsolated:    "no NetworkPolicy selects the pod for this direction, so it is not isolated",
	CodeHostNetwork:    "host-network pods use the node's network and are never isolated (implementations differ: contested)",
	CodeExternal:       "the peer is outside the pod network: no NetworkPolicy applies on its side",
	CodeAdmitted:       "a rule of an isolating policy admits the connection",
	CodeNoRuleAdmits:   "the pod is isolated and no rule of the isolating policies admits the connection",
	CodePartlyAdmitted: "the isolating policies admit only some of the ports",
	CodeDisjoint:       "egress and ingress rules each admit something, but no port in common",
	CodeAdminTier:      "an Admin-tier cluster policy decides, before any NetworkPolicy",
	CodeBaselineTier:   "no NetworkPolicy selects the pod for this direction, and a Baseline-tier cluster policy decides",
	CodeTierDefault:    "cluster policies select the pod but no tier decides: the default allows",
	CodeUndecided:      "a cluster policy rule may match or not (by domainNames, or by a networks or nodes peer holding only some of the peer's addresses): cannot know",
}

// Describe returns the one-sentence meaning of the code.
func (c Code) Describe() string { return codeText[c] }

// RuleRef names one rule that admits a connection, and what it admits
// toward this destination.
type RuleRef struct {
	Policy string // "ns/name"
	Rule   int    // index in spec.ingress or spec.egress
	Peer   int    // index in from/to; -1 when the rule has no peers (all peers)
	Ports  ports.Set
}

// Miss explains why one isolating policy (or one Accept rule of a
// cluster policy) does not admit the connection.
type Miss struct {
	Policy string // "ns/name", or a cluster policy's "kind/name"
	Rule   int    // -1 when the policy has no rules in this direction
	Reason string
}

// Side is the decision of one direction: egress at the source, ingress at
// the destination.
type Side struct {
	Direction Direction
	Verdict   Verdict
	Code      Code
	Isolating []string  // policies that select the pod for this direction
	Admitted  []RuleRef // rules that admit (some of) the asked ports
	Misses    []Miss    // per isolating policy, the nearest miss, when denied
	Allowed   ports.Set // what this direction admits from source to destination
	// Tiers is how the cluster policy tiers decide the asked ports, one
	// region per chain (see tier.Trace); empty when no cluster policy
	// selects the pod for this direction.
	Tiers []tier.Region
	// TierMisses are, when the direction denies, the Accept rules of the
	// cluster policies that come nearest to admitting the connection, and
	// why they do not.
	TierMisses []Miss
	// Unknown are the ports (among those asked) the manifests cannot
	// decide: a rule that may match or not (domainNames, a networks or
	// nodes peer holding some of the peer's addresses). Never in Allowed.
	Unknown ports.Set
}

// Decision is the traced answer for one connection (or for all ports of a
// pair when Port is 0).
type Decision struct {
	From, To  string
	Protocol  model.Protocol // ProtocolUnknown with Port 0: all protocols
	Port      int            // 0: all ports
	Verdict   Verdict
	Allowed   ports.Set // egress ∩ ingress over the asked ports
	Unknown   ports.Set // asked ports the manifests cannot decide (tier.Maybe); never in Allowed
	Contested string    // non-empty when implementations disagree (host network)
	Code      Code      // CodeSelf when the pair is one pod; else the deciding side's code
	Egress    Side
	Ingress   Side
}

// side is the index of per-direction data (netpol.IngressSide,
// netpol.EgressSide).
func (d Direction) side() int { return int(d) - 1 }
