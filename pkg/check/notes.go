package check

import (
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// Note is something known about a NetworkPolicy from outside the check —
// podreach lint's findings (effective.LintNotes) — that may explain why a
// flow is blocked.
type Note struct {
	// Policy is the NetworkPolicy "ns/name", as Pair.Policies names it.
	Policy string
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
	if slices.Contains(p.Policies, n.Policy) {
		return true
	}
	ns, _, _ := strings.Cut(n.Policy, "/")
	return n.Selects && strings.HasPrefix(droppedAt(p), ns+"/")
}

// AddNotes attaches notes to the results they may explain: a result that
// did not pass gets, in the order given and once each, the notes about a
// policy that isolates the side where one of its pairs is dropped, and
// the Selects notes of the namespace of the pod it is dropped at — as far
// as the note's Side and Ports allow.
func (r *Report) AddNotes(notes []Note) {
	byPolicy, selects := map[string][]int{}, map[string][]int{} // note indexes by policy, Selects notes by namespace
	for k, n := range notes {
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
