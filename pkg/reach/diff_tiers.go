package reach

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TierChange is one change of the cluster policy tiers between two
// states, named: a policy added or removed, its tier, priority or subject
// changed, or one of its rules (action, peers, ports). A priority change
// or an action flip is a change even when no connection changes (it may
// under other pods, or decide an equal-priority ambiguity otherwise).
type TierChange struct {
	Policy string `json:"policy"` // "kind/name"
	What   string `json:"what"`   // "ingress rule 1 action Pass→Deny"
}

// String is "clusternetworkpolicy/x ingress rule 1 action Pass→Deny".
func (c TierChange) String() string { return c.Policy + " " + c.What }

// tierChanges compares the cluster policies of two states, in ID order.
func tierChanges(before, after *model.Cluster) []TierChange {
	b, a := compiledByID(before), compiledByID(after)
	ids := make([]string, 0, len(b)+len(a))
	for id := range b {
		ids = append(ids, id)
	}
	for id := range a {
		if _, ok := b[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	var out []TierChange
	for _, id := range ids {
		pb, inB := b[id]
		pa, inA := a[id]
		switch {
		case !inB:
			out = append(out, TierChange{id, "added (" + placeText(pa) + ")"})
		case !inA:
			out = append(out, TierChange{id, "removed (" + placeText(pb) + ")"})
		default:
			for _, w := range policyChanges(pb, pa) {
				out = append(out, TierChange{id, w})
			}
		}
	}
	return out
}

// compiled is a cluster policy compiled, or why it does not compile (the
// engine refuses such a state; the diff still names the change).
type compiled struct {
	p   *tier.Policy
	err string
}

func compiledByID(c *model.Cluster) map[string]compiled {
	out := make(map[string]compiled, len(c.ClusterPolicies))
	for i := range c.ClusterPolicies {
		cp := &c.ClusterPolicies[i]
		p, err := tier.Compile(cp)
		x := compiled{p: p}
		if err != nil {
			x.err = err.Error()
		}
		out[cp.ID()] = x
	}
	return out
}

func placeText(c compiled) string {
	if c.err != "" {
		return "does not compile"
	}
	return fmt.Sprintf("%s tier, priority %d", c.p.Tier, c.p.Priority)
}

// policyChanges names what differs between two versions of one policy.
func policyChanges(b, a compiled) []string {
	if b.err != "" || a.err != "" {
		if b.err != a.err {
			return []string{fmt.Sprintf("changed (%s → %s)", orOK(b.err), orOK(a.err))}
		}
		return nil
	}
	var out []string
	if b.p.Tier != a.p.Tier {
		out = append(out, fmt.Sprintf("tier %s→%s", b.p.Tier, a.p.Tier))
	}
	if b.p.Priority != a.p.Priority {
		out = append(out, fmt.Sprintf("priority %d→%d", b.p.Priority, a.p.Priority))
	}
	if subjectText(b.p.Subject) != subjectText(a.p.Subject) {
		out = append(out, fmt.Sprintf("subject %s→%s", subjectText(b.p.Subject), subjectText(a.p.Subject)))
	}
	for side, name := range []string{"ingress", "egress"} {
		rb, ra := b.p.Rules[side], a.p.Rules[side]
		for i := range max(len(rb), len(ra)) {
			switch {
			case i >= len(rb):
				out = append(out, fmt.Sprintf("%s rule %d added (%s)", name, i, ra[i].Action))
			case i >= len(ra):
				out = append(out, fmt.Sprintf("%s rule %d removed (%s)", name, i, rb[i].Action))
			default:
				out = append(out, ruleChanges(name, &rb[i], &ra[i])...)
			}
		}
	}
	return out
}

func orOK(err string) string {
	if err == "" {
		return "compiles"
	}
	return err
}

func ruleChanges(side string, b, a *tier.Rule) []string {
	at := fmt.Sprintf("%s rule %d", side, a.Index)
	var out []string
	if b.Action != a.Action {
		out = append(out, fmt.Sprintf("%s action %s→%s", at, b.Action, a.Action))
	}
	if peersText(b) != peersText(a) {
		out = append(out, fmt.Sprintf("%s peers %s→%s", at, peersText(b), peersText(a)))
	}
	if portsText(b) != portsText(a) {
		out = append(out, fmt.Sprintf("%s ports %s→%s", at, portsText(b), portsText(a)))
	}
	if b.Invalid != a.Invalid {
		out = append(out, fmt.Sprintf("%s validity %q→%q", at, orOK(b.Invalid), orOK(a.Invalid)))
	}
	return out
}

func subjectText(s tier.Subject) string {
	if s.Namespaces != nil {
		return "namespaces " + selectorText(s.Namespaces)
	}
	return fmt.Sprintf("pods %s in namespaces %s", selectorText(s.Pods.Pod), selectorText(s.Pods.Namespace))
}

func peersText(r *tier.Rule) string {
	parts := make([]string, len(r.Peers))
	for i, p := range r.Peers {
		switch p.Kind {
		case tier.PeerNamespaces:
			parts[i] = "namespaces " + selectorText(p.Namespaces)
		case tier.PeerPods:
			parts[i] = fmt.Sprintf("pods %s in namespaces %s", selectorText(p.Pods.Pod), selectorText(p.Pods.Namespace))
		case tier.PeerNodes:
			parts[i] = "nodes " + selectorText(p.Nodes)
		case tier.PeerNetworks:
			parts[i] = fmt.Sprint("networks ", p.Networks)
		default:
			parts[i] = fmt.Sprint(p.Kind, " ", p.Domains)
		}
	}
	return "[" + strings.Join(parts, "; ") + "]"
}

func portsText(r *tier.Rule) string {
	if r.AllPorts {
		return "all"
	}
	parts := make([]string, len(r.Ports))
	for i, p := range r.Ports {
		if p.Name != "" {
			parts[i] = "named " + p.Name
			continue
		}
		parts[i] = fmt.Sprintf("%s/%d", p.Protocol, p.Lo)
		if p.Hi != p.Lo {
			parts[i] += fmt.Sprintf("-%d", p.Hi)
		}
	}
	return "[" + strings.Join(parts, ", ") + "]"
}
