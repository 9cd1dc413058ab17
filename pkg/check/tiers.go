package check

import (
	"fmt"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// tierBlock is the chain of cluster policy tiers that denies a blocked
// connection's side, when a tier decides it: an Admin-tier Deny (before
// any NetworkPolicy), or a Baseline-tier Deny for a pod no NetworkPolicy
// selects. Empty when a NetworkPolicy decides (the side's Misses say why)
// or no cluster policy selects the pod.
func tierBlock(side policy.Side) string {
	for _, r := range side.Tiers {
		if r.Outcome == tier.Allowed || len(r.Chain) == 0 {
			continue
		}
		if r.Outcome == tier.Unknown {
			return r.ChainString() + ": " + r.Undecided
		}
		switch r.Chain[len(r.Chain)-1].Layer {
		case "Admin tier", "Baseline tier":
			return r.ChainString()
		}
	}
	return ""
}

// appendTierLine adds the cause line of a pair a tier blocks, once per
// side and chain.
func appendTierLine(lines []string, seen map[string]bool, p Pair) []string {
	key := p.Side.String() + p.Tier
	if seen[key] {
		return lines
	}
	seen[key] = true
	at := p.To
	if p.Side == policy.Egress {
		at = p.From
	}
	return append(lines, fmt.Sprintf("blocked by a cluster policy (%s at %s): %s", p.Side, at, p.Tier))
}
