package check

import (
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// Note is something known about a NetworkPolicy or a cluster policy
// (ClusterNetworkPolicy, AdminNetworkPolicy, BaselineAdminNetworkPolicy)
// from outside the check — podreach lint's findings (effective.LintNotes)
// — that may explain why a flow is blocked.
type Note struct {
	// Policy is the NetworkPolicy "ns/name", as Pair.Policies names it,
	// or, when Tier is set, the cluster policy "kind/name", as
	// Pair.TierBy names it.
	Policy string
	// Tier: the note is about a cluster policy. It may explain only pairs
	// that policy's Deny blocks, and, when it is about one of the
	// policy's rules (TierRule), only when that rule comes before the
	// Deny: a rule after it is never reached.
	Tier bool
	// TierRule is 1 + the index of the cluster policy's rule (on Side)
	// the note is about; 0: the whole policy.
	TierRule int
	// Selects: the note is about which pods the policy selects (a
	// podSelector that misses pods it was meant for). Such a policy does
	// not isolate the pods it misses, so the note also goes to pairs
	// dropped at a pod of the policy's namespace.
	Selects bool
	// Side and Ports narrow a note about one rule of the policy to the
	// pairs it may explain: dropped on that side (DirectionUnknown: either),
	// on a port the rule lists (empty: any port) — the port on the wire or
	// the application port the mesh moved from.
	Side  policy.Direction
	Ports ports.Set
	// PodPeer: the note is about a peer that selects pods, which can
	// explain only pairs whose other end is a workload ("ns/name"), not an
	// external address.
	PodPeer bool
	Text    string
}

// explains reports whether n may explain pair p.
func (n *Note) explains(p *Pair) bool {
	if n.Side != policy.DirectionUnknown && n.Side != p.Side {
		return false
	}
	if !n.Ports.IsEmpty() && !n.Ports.Contains(p.Protocol, int(p.Port)) && (p.AppPort == 0 || !n.Ports.Contains(p.Protocol, int(p.AppPort))) {
		return false
	}
	other := p.From
	if p.Side == policy.Egress {
		other = p.To
	}
	if n.PodPeer && !strings.Contains(other, "/") {
		return false
	}
	if n.Tier {
		return p.TierBy.Policy == n.Policy && (n.TierRule == 0 || n.TierRule-1 < p.TierBy.Rule)
	}
	if p.TierBy.Layer == "Admin tier" {
		return false // denied before any NetworkPolicy is looked at
	}
	if slices.Contains(p.Policies, n.Policy) {
		return true
	}
	ns, _, _ := strings.Cut(n.Policy, "/")
	return n.Selects && strings.HasPrefix(droppedAt(p), ns+"/")
}

// AddNotes attaches notes to the results they may explain: a result that
// did not pass gets, in the order given and once each, the notes about a
// policy that isolates the side where one of its pairs is dropped, the
// Selects notes of the namespace of the pod it is dropped at, and the
// notes about the cluster policy whose Deny drops it — as far as the
// note's Side, Ports and TierRule allow.
func (r *Report) AddNotes(notes []Note) {
	byPolicy, selects, byTier := map[string][]int{}, map[string][]int{}, map[string][]int{} // note indexes by policy, Selects notes by namespace, by cluster policy
	for k, n := range notes {
		if n.Tier {
			byTier[n.Policy] = append(byTier[n.Policy], k)
			continue
		}
		byPolicy[n.Policy] = append(byPolicy[n.Policy], k)
		if n.Selects {
			ns, _, _ := strings.Cut(n.Policy, "/")
			selects[ns] = append(selects[ns], k)
		}
	}
	for i := range r.Results {
		res := &r.Results[i]
		if res.Status == StatusOK {
			continue
		}
		hit := map[int]bool{}
		try := func(ks []int, p *Pair) {
			for _, k := range ks {
				if !hit[k] && notes[k].explains(p) {
					hit[k] = true
				}
			}
		}
		for j := range res.Blocked {
			p := &res.Blocked[j]
			for _, id := range p.Policies {
				try(byPolicy[id], p)
			}
			if ns, _, ok := strings.Cut(droppedAt(p), "/"); ok {
				try(selects[ns], p)
			}
			if p.TierBy.Policy != "" {
				try(byTier[p.TierBy.Policy], p)
			}
		}
		for k := range notes {
			if hit[k] && !slices.Contains(res.Notes, notes[k].Text) {
				res.Notes = append(res.Notes, notes[k].Text)
			}
		}
	}
}

// droppedAt is the endpoint of p where it is dropped.
func droppedAt(p *Pair) string {
	if p.Side == policy.Egress {
		return p.From
	}
	return p.To
}

// tierDeny is the step that denies a blocked side when a cluster policy's
// Deny rule decides it (the last step of a denying chain, in the Admin or
// Baseline tier); zero otherwise.
func tierDeny(side policy.Side) tier.Step {
	for _, r := range side.Tiers {
		if r.Outcome != tier.Denied || len(r.Chain) == 0 {
			continue
		}
		if last := r.Chain[len(r.Chain)-1]; last.Policy != "" && last.Rule >= 0 && (last.Layer == "Admin tier" || last.Layer == "Baseline tier") {
			return last
		}
	}
	return tier.Step{}
}
