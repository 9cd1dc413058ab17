package tier

import "fmt"

// Decide walks the tiers of one direction (ps sorted by Sort): "Policy
// tiers are evaluated in the following order: Admin tier, NetworkPolicy
// tier, Baseline tier"; "If a given connection wasn't allowed or denied by
// any of the tiers, the default kubernetes policy is applied, which says
// that all pods can communicate with each other."
func Decide(ps []*Policy, c Connection, np NetworkPolicyTier) Result {
	admin, baseline := applicable(ps, c, Admin), applicable(ps, c, Baseline)
	w := walker{c: c, np: np, tiers: [2][]Ref{admin, baseline}}
	return w.walk(0, 0, nil)
}

// applicable lists, in order, the rules of side c.Side of the tier's
// policies whose subject selects c.Self.
func applicable(ps []*Policy, c Connection, t Tier) []Ref {
	var out []Ref
	for _, p := range ps {
		if p.Tier != t || !p.Subject.Selects(c.Self) {
			continue
		}
		for i := range p.Rules[c.Side] {
			out = append(out, Ref{P: p, R: &p.Rules[c.Side][i]})
		}
	}
	return out
}

type walker struct {
	c     Connection
	np    NetworkPolicyTier
	tiers [2][]Ref // Admin, Baseline
}

func layer(t int) string {
	if t == 0 {
		return "Admin tier"
	}
	return "Baseline tier"
}

// walk continues at rule i of tier t (0 Admin, 1 Baseline) with the chain
// so far.
func (w *walker) walk(t, i int, chain []Step) Result {
	rules := w.tiers[t]
	for ; i < len(rules); i++ {
		ref := rules[i]
		m, a := w.match(ref)
		switch m {
		case No:
			continue
		case Maybe:
			return w.maybe(t, i, chain, ref, a)
		}
		step := Step{Layer: layer(t), Policy: ref.P.ID, Rule: ref.R.Index, Name: ref.R.Name, Action: a.String()}
		res := w.act(t, append(chain, step), a)
		res.Ambiguous = append(w.ambiguous(t, ref, a), res.Ambiguous...)
		return res
	}
	return w.next(t, chain)
}

// match is whether a rule matches and the action it then takes; an
// Invalid rule fails closed.
func (w *walker) match(ref Ref) (Match, Action) {
	if ref.R.Invalid != "" {
		all, a := ref.R.FailClosed()
		return matchOf(all), a
	}
	return ref.R.Matches(w.c.Other, w.c.DstPorts, w.c.Proto, w.c.Port, w.c.Nodes), ref.R.Action
}

// act applies a matching rule's action. Accept and Deny are final
// ("If Admin tier has made a final decision (Accept or Deny) on a
// connection, then no further evaluation is done"); Pass "Skips all
// further ClusterNetworkPolicy rules in the current tier for the selected
// traffic, and passes evaluation to the next tier."
func (w *walker) act(t int, chain []Step, a Action) Result {
	switch a {
	case Accept:
		return Result{Outcome: Allowed, Chain: chain}
	case Pass:
		return w.next(t, chain)
	}
	return Result{Outcome: Denied, Chain: chain}
}

// next leaves tier t: after Admin, the NetworkPolicy tier ("Further
// evaluation only happens for Pods not selected by a v1.NetworkPolicy"),
// then Baseline; after Baseline, the default (allow).
func (w *walker) next(t int, chain []Step) Result {
	if t == 1 {
		return Result{Outcome: Allowed, Chain: append(chain, Step{Layer: "default", Rule: -1, Action: "allowed (no tier decided)"})}
	}
	if isolated, step, allowed := w.np(); isolated {
		out := Result{Outcome: Denied, Chain: append(chain, step)}
		if allowed {
			out.Outcome = Allowed
		}
		return out
	}
	return w.walk(1, 0, chain)
}

// maybe decides a rule that may or may not match (domainNames, or a nodes
// or networks peer holding only some of the peer's addresses): the
// outcome is known only when matching and not matching lead to the same
// one.
func (w *walker) maybe(t, i int, chain []Step, ref Ref, a Action) Result {
	cond, undecided := ref.R.maybeWhy(ref.P.ID, w.c.Other, w.c.Nodes)
	step := Step{Layer: layer(t), Policy: ref.P.ID, Rule: ref.R.Index, Name: ref.R.Name, Action: a.String() + " (" + cond + ")"}
	yes := w.act(t, append(chain[:len(chain):len(chain)], step), a)
	no := w.walk(t, i+1, chain[:len(chain):len(chain)])
	if yes.Outcome == no.Outcome && yes.Outcome != Unknown {
		return no
	}
	return Result{Outcome: Unknown, Chain: append(chain, step),
		Undecided: undecided(yes.Outcome, no.Outcome)}
}

// ambiguous names the other policies of the deciding policy's tier and
// priority with a rule matching the connection and acting differently.
func (w *walker) ambiguous(t int, chosen Ref, a Action) []string {
	var out []string
	seen := map[*Policy]bool{chosen.P: true}
	for _, ref := range w.tiers[t] {
		if seen[ref.P] || ref.P.Priority != chosen.P.Priority {
			continue
		}
		if m, other := w.match(ref); m != No {
			seen[ref.P] = true
			if other != a {
				out = append(out, fmt.Sprintf("%s and %s share priority %d and both match (%s, %s): implementations may apply either; podreach applies %s (first by name)",
					chosen.P.ID, ref.P.ID, chosen.P.Priority, a, other, chosen.P.ID))
			}
		}
	}
	return out
}
