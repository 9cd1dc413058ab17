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

// deciding is the side of a connection the judge did not allow that
// decides it: a denying side before one the manifests cannot decide
// ("cannot know" only when no side denies), egress first.
func deciding(dec *policy.Decision) policy.Side {
	switch {
	case dec.Egress.Verdict == policy.Deny:
		return dec.Egress
	case dec.Ingress.Verdict == policy.Deny:
		return dec.Ingress
	case dec.Egress.Verdict != policy.Allow:
		return dec.Egress
	}
	return dec.Ingress
}

// splitUndecided separates the connections the manifests cannot decide
// from those blocked.
func splitUndecided(ps []Pair) (blocked, undecided []Pair) {
	for _, p := range ps {
		if p.Undecided {
			undecided = append(undecided, p)
		} else {
			blocked = append(blocked, p)
		}
	}
	return blocked, undecided
}

// markUndecided makes a result with connections the manifests cannot
// decide ‼ "cannot know" (a × stays ×), naming the cluster policy rule
// that leaves each undecided, once per side and chain. Such a flow is not
// fixable by a NetworkPolicy: the rule's match is what is unknown.
func markUndecided(res *Result) {
	if len(res.Undecided) == 0 {
		return
	}
	p := res.Undecided[0]
	line := fmt.Sprintf("cannot know: %d connections depend on a cluster policy rule the manifests cannot decide, e.g. %s → %s %s",
		len(res.Undecided), p.From, p.To, portText(p))
	if res.Status == StatusOK {
		res.Status, res.Fixable, res.CannotKnow = StatusWarning, false, true
		res.Details = append([]string{line}, res.Details...)
	} else {
		res.Details = append(res.Details, line)
	}
	seen := map[string]bool{}
	for _, p := range res.Undecided {
		key := p.Side.String() + p.Tier
		if seen[key] {
			continue
		}
		seen[key] = true
		at := p.To
		if p.Side == policy.Egress {
			at = p.From
		}
		res.Details = append(res.Details, fmt.Sprintf("undecided by a cluster policy (%s at %s): %s", p.Side, at, p.Tier))
	}
}

// portText is "8086/TCP", or "4143/TCP (application port 9090)".
func portText(p Pair) string {
	s := fmt.Sprintf("%d/%s", p.Port, p.Protocol)
	if p.AppPort != 0 {
		s += fmt.Sprintf(" (application port %d)", p.AppPort)
	}
	return s
}
