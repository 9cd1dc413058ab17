package render

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
)

// This file writes what the cluster policy tiers decide of a direction
// (policy.Side.Tiers): the chain of tiers per region of ports, the
// equal-priority ambiguity, what the manifests cannot decide
// (domainNames) and the nearest Accept rules.

// tiersText writes the tiers of side s; asked is every port when the
// question was about any port (each region then names its ports).
func tiersText(b *strings.Builder, s policy.Side, anyPort bool) {
	for _, r := range s.Tiers {
		where := ""
		if anyPort && !r.Ports.IsAll() {
			where = " on " + r.Ports.String()
		}
		fmt.Fprintf(b, "      tiers%s: %s\n", where, escape.Text(r.ChainString()))
		for _, a := range r.Ambiguous {
			fmt.Fprintf(b, "      %s equal priority: %s\n", SymbolWarn, escape.Text(a))
		}
		if r.Undecided != "" {
			fmt.Fprintf(b, "      %s cannot know: %s\n", SymbolWarn, escape.Text(r.Undecided))
		}
	}
	if len(s.TierMisses) > 0 {
		b.WriteString("      no Accept rule of the cluster policies admits it:\n")
		for _, m := range s.TierMisses {
			fmt.Fprintf(b, "        %s %s %s\n", SymbolFail, escape.Text(m.Policy), escape.Text(m.Reason))
		}
	}
}

type tierRegionJSON struct {
	Allowed   []PortsJSON    `json:"ports"`
	Outcome   string         `json:"outcome"` // allowed, denied or unknown
	Chain     []tierStepJSON `json:"chain"`
	Ambiguous []string       `json:"ambiguous,omitempty"`
	Undecided string         `json:"undecided,omitempty"`
}

// tierStepJSON is one step of a chain: the layer (tier "Admin",
// "Baseline"; "NetworkPolicy"; "default"), the policy (kind and name),
// the rule (index, and name if any) and the action.
type tierStepJSON struct {
	Layer    string `json:"layer"`
	Tier     string `json:"tier,omitempty"`
	Kind     string `json:"kind,omitempty"`
	Name     string `json:"name,omitempty"`
	Policy   string `json:"policy,omitempty"`
	Rule     *int   `json:"rule,omitempty"`
	RuleName string `json:"ruleName,omitempty"`
	Peer     *int   `json:"peer,omitempty"`
	Action   string `json:"action"`
	Text     string `json:"text"`
}

func tiersJSON(rs []tier.Region) []tierRegionJSON {
	var out []tierRegionJSON
	for _, r := range rs {
		rj := tierRegionJSON{Allowed: PortSetJSON(r.Ports), Outcome: r.Outcome.String(), Ambiguous: r.Ambiguous, Undecided: r.Undecided}
		for _, st := range r.Chain {
			rj.Chain = append(rj.Chain, tierStepToJSON(st))
		}
		out = append(out, rj)
	}
	return out
}

func tierStepToJSON(st tier.Step) tierStepJSON {
	sj := tierStepJSON{Layer: st.Layer, Policy: st.Policy, RuleName: st.Name, Action: st.Action, Text: st.String()}
	switch st.Layer {
	case "Admin tier", "Baseline tier":
		sj.Tier = strings.TrimSuffix(st.Layer, " tier")
		sj.Kind, sj.Name, _ = strings.Cut(st.Policy, "/")
		sj.Kind = kindName(sj.Kind)
	case "NetworkPolicy":
		if st.Policy != "" {
			sj.Kind, sj.Name = "NetworkPolicy", st.Policy
		}
	}
	if st.Policy != "" && st.Rule >= 0 {
		sj.Rule = &st.Rule
	}
	if st.Peer > 0 {
		p := st.Peer - 1
		sj.Peer = &p
	}
	return sj
}

// kindName is the API kind of a cluster policy ID's lower-case kind.
func kindName(k string) string {
	switch k {
	case "clusternetworkpolicy":
		return "ClusterNetworkPolicy"
	case "adminnetworkpolicy":
		return "AdminNetworkPolicy"
	case "baselineadminnetworkpolicy":
		return "BaselineAdminNetworkPolicy"
	}
	return k
}

func missesJSON(ms []policy.Miss) []missJSON {
	out := []missJSON{}
	for _, m := range ms {
		out = append(out, missJSON{Policy: m.Policy, Rule: m.Rule, Reason: m.Reason})
	}
	return out
}

// unknownJSON is nil (left out) for an empty set.
func unknownJSON(s ports.Set) []PortsJSON {
	if s.IsEmpty() {
		return nil
	}
	return PortSetJSON(s)
}
