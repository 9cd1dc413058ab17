package render

import (
	"fmt"
	"io"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// Symbols used by check-style output (as linkerd check prints them).
const (
	SymbolOK   = "✔"
	SymbolFail = "×"
	SymbolWarn = "‼"
)

// ExplainText writes an explanation for people.
func ExplainText(w io.Writer, x *reach.Explanation) error {
	var b strings.Builder
	for _, t := range []reach.Target{x.From, x.To} {
		if t.Service != nil || len(t.Endpoints) > 1 {
			noun := "workload(s)"
			if t.External {
				noun = "range(s)"
			}
			fmt.Fprintf(&b, "%s: %s, %d %s\n", escape.Text(t.Ref), escape.Text(t.What), len(t.Endpoints), noun)
		}
	}
	for _, n := range x.Notes {
		fmt.Fprintf(&b, "note: %s\n", escape.Text(n))
	}
	if x.Unknown() && !x.Undecided() && !onlyUndecided(x.CouldChange) {
		b.WriteString("CANNOT KNOW: the NetworkPolicies allow it, but policies podreach does not evaluate select its endpoints and could change that:\n")
	}
	for _, c := range x.CouldChange {
		if c.Why != "" {
			fmt.Fprintf(&b, "  %s could change this: %s %s\n", SymbolWarn, c, c.Why)
			continue
		}
		fmt.Fprintf(&b, "  %s could change this: %s selects %s\n", SymbolWarn, c, c.Endpoint)
	}
	for i := range x.Decisions {
		if i > 0 || b.Len() > 0 {
			b.WriteString("\n")
		}
		decisionText(&b, x, i)
		linkerdText(&b, x, i)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func portLabel(d policy.Decision) string {
	if d.Port == 0 {
		return "any port"
	}
	return fmt.Sprintf("%s/%d", d.Protocol, d.Port)
}

// arrival is the i-th decision's Arrival (zero when there is none).
func arrival(x *reach.Explanation, i int) reach.Arrival {
	if i < len(x.Arrivals) {
		return x.Arrivals[i]
	}
	return reach.Arrival{}
}

// decisionText writes the i-th decision: the verdict of the layers
// together, then the NetworkPolicy layer's reasons (explain_layers.go
// writes Linkerd's).
func decisionText(b *strings.Builder, x *reach.Explanation, i int) {
	d, r := x.Decisions[i], arrival(x, i)
	verdict := verdictText(x, i)
	port := portLabel(d)
	if r.Port != 0 {
		port = fmt.Sprintf("%s/%d (%s)", d.Protocol, r.AppPort, r)
	}
	fmt.Fprintf(b, "%s → %s on %s: %s\n", escape.Text(d.From), escape.Text(d.To), port, verdict)
	if !netpolLayerText(b, x, i) {
		return
	}
	if d.Contested != "" {
		fmt.Fprintf(b, "  %s contested: %s\n", SymbolWarn, escape.Text(d.Contested))
	}
	if d.Code == policy.CodeSelf || d.Code == policy.CodeDisjoint {
		fmt.Fprintf(b, "  %s\n", d.Code.Describe())
		if d.Code == policy.CodeSelf {
			return
		}
	}
	if !d.Unknown.IsEmpty() {
		fmt.Fprintf(b, "  %s cannot know on %s: %s\n", SymbolWarn, d.Unknown, policy.CodeUndecided.Describe())
	}
	sideText(b, d.Egress, "egress from "+d.From, d.Port == 0)
	sideText(b, d.Ingress, "ingress to "+d.To, d.Port == 0)
}

func sideText(b *strings.Builder, s policy.Side, title string, anyPort bool) {
	sym := SymbolOK
	switch s.Verdict {
	case policy.Deny:
		sym = SymbolFail
	case policy.VerdictUnknown:
		sym = SymbolWarn
	}
	fmt.Fprintf(b, "  %s %s: %s\n", sym, escape.Text(title), s.Verdict)
	tiersText(b, s, anyPort)
	if len(s.Isolating) > 0 {
		fmt.Fprintf(b, "      isolated for %s by NetworkPolicy %s\n", s.Direction, textList(s.Isolating))
	}
	switch s.Code {
	case policy.CodeAdmitted, policy.CodePartlyAdmitted:
		for _, r := range s.Admitted {
			fmt.Fprintf(b, "      admitted by %s: %s\n", escape.Text(ruleName(r)), r.Ports)
		}
		if s.Code == policy.CodePartlyAdmitted {
			fmt.Fprintf(b, "      (%s: %s)\n", s.Code.Describe(), s.Allowed)
		}
	case policy.CodeNoRuleAdmits:
		b.WriteString("      no rule of these policies admits the connection:\n")
		for _, m := range s.Misses {
			fmt.Fprintf(b, "        %s %s %s\n", SymbolFail, escape.Text(m.Policy), escape.Text(m.Reason))
		}
	default:
		fmt.Fprintf(b, "      %s\n", s.Code.Describe())
	}
}

func ruleName(r policy.RuleRef) string {
	s := fmt.Sprintf("%s rule %d", r.Policy, r.Rule)
	if r.Peer >= 0 {
		s += fmt.Sprintf(" peer %d", r.Peer)
	} else {
		s += " (any peer)"
	}
	return s
}

type explainJSON struct {
	From    targetJSON `json:"from"`
	To      targetJSON `json:"to"`
	Port    *portJSON  `json:"port,omitempty"`
	Allowed bool       `json:"allowed"`
	Answer  string     `json:"answer"` // allowed, denied or unknown
	Notes   []string   `json:"notes"`
	// CouldChange lists the policies podreach does not evaluate that
	// select an endpoint of the answer (reach.CouldChange's fields).
	CouldChange []reach.CouldChange `json:"couldChange"`
	Decisions   []decisionJSON      `json:"decisions"`
}

type targetJSON struct {
	Ref      string `json:"ref"`
	Resolved string `json:"resolved"`
}

type portJSON struct {
	Number   int    `json:"number,omitempty"`
	Name     string `json:"name,omitempty"`
	Protocol string `json:"protocol"`
}

type decisionJSON struct {
	From      string      `json:"from"`
	To        string      `json:"to"`
	Protocol  string      `json:"protocol,omitempty"`
	Port      int         `json:"port,omitempty"`
	Verdict   string      `json:"verdict"`
	Code      string      `json:"code"`
	Reason    string      `json:"reason"`
	Contested string      `json:"contested,omitempty"`
	Allowed   []PortsJSON `json:"allowed"`
	Unknown   []PortsJSON `json:"unknown,omitempty"` // ports the manifests cannot decide (domainNames)
	Egress    sideJSON    `json:"egress"`
	Ingress   sideJSON    `json:"ingress"`
	// Arrives is set when the mesh sends the connection to another port
	// than the asked one; Port is then that port.
	Arrives *arrivalJSON `json:"arrives,omitempty"`
	// Layers are each layer's verdict when the Linkerd layer is evaluated
	// (explain_layers.go); the decision's own fields are NetworkPolicy's.
	Layers *layersJSON `json:"layers,omitempty"`
}

type arrivalJSON struct {
	AppPort  int    `json:"appPort"`
	Port     int    `json:"port"`
	Protocol string `json:"protocol"`
	Reason   string `json:"reason"`
}

type sideJSON struct {
	Verdict    string      `json:"verdict"`
	Code       string      `json:"code"`
	Reason     string      `json:"reason"`
	IsolatedBy []string    `json:"isolatedBy"`
	AdmittedBy []ruleJSON  `json:"admittedBy"`
	Misses     []missJSON  `json:"misses"`
	Allowed    []PortsJSON `json:"allowed"`
	// Tiers, TierMisses and Unknown are the cluster policy tiers
	// (explain_tiers.go), left out when no cluster policy selects the pod.
	Tiers      []tierRegionJSON `json:"tiers,omitempty"`
	TierMisses []missJSON       `json:"tierMisses,omitempty"`
	Unknown    []PortsJSON      `json:"unknown,omitempty"`
}

type ruleJSON struct {
	Policy  string      `json:"policy"`
	Rule    int         `json:"rule"`
	Peer    int         `json:"peer"`
	Allowed []PortsJSON `json:"allowed"`
}

type missJSON struct {
	Policy string `json:"policy"`
	Rule   int    `json:"rule"`
	Reason string `json:"reason"`
}

// ExplainJSON writes an explanation for machines (schema in the README).
func ExplainJSON(w io.Writer, x *reach.Explanation) error {
	out := explainJSON{
		From:        targetJSON{x.From.Ref, x.From.What},
		To:          targetJSON{x.To.Ref, x.To.What},
		Allowed:     x.Allowed(),
		Answer:      answer(x),
		Notes:       append([]string{}, x.Notes...),
		CouldChange: append([]reach.CouldChange{}, x.CouldChange...),
	}
	if x.Port != (reach.PortSpec{}) {
		out.Port = &portJSON{Number: x.Port.Number, Name: x.Port.Name, Protocol: x.Port.Protocol.String()}
	}
	for i, d := range x.Decisions {
		dj := decisionJSON{From: d.From, To: d.To, Port: d.Port, Verdict: d.Verdict.String(), Code: string(d.Code),
			Reason: d.Code.Describe(), Contested: d.Contested, Allowed: PortSetJSON(d.Allowed), Unknown: unknownJSON(d.Unknown),
			Egress: sideToJSON(d.Egress), Ingress: sideToJSON(d.Ingress)}
		if d.Protocol != model.ProtocolUnknown {
			dj.Protocol = d.Protocol.String()
		}
		if r := arrival(x, i); r.Port != 0 {
			dj.Arrives = &arrivalJSON{AppPort: r.AppPort, Port: r.Port, Protocol: r.Proto.String(), Reason: r.Why}
		}
		dj.Layers = layersOf(x, i)
		out.Decisions = append(out.Decisions, dj)
	}
	b := marshal(out)
	_, err := w.Write(append(b, '\n'))
	return err
}

// answer is "allowed", "denied" or "unknown" (see reach.Explanation.Unknown).
func answer(x *reach.Explanation) string {
	switch {
	case x.Unknown():
		return "unknown"
	case x.Allowed():
		return "allowed"
	}
	return "denied"
}

func sideToJSON(s policy.Side) sideJSON {
	sj := sideJSON{Verdict: s.Verdict.String(), Code: string(s.Code), Reason: s.Code.Describe(),
		IsolatedBy: append([]string{}, s.Isolating...), AdmittedBy: []ruleJSON{}, Misses: []missJSON{}, Allowed: PortSetJSON(s.Allowed)}
	for _, r := range s.Admitted {
		sj.AdmittedBy = append(sj.AdmittedBy, ruleJSON{Policy: r.Policy, Rule: r.Rule, Peer: r.Peer, Allowed: PortSetJSON(r.Ports)})
	}
	sj.Misses = missesJSON(s.Misses)
	if len(s.Tiers) > 0 {
		sj.Tiers, sj.Unknown = tiersJSON(s.Tiers), unknownJSON(s.Unknown)
		if len(s.TierMisses) > 0 {
			sj.TierMisses = missesJSON(s.TierMisses)
		}
	}
	return sj
}

// onlyUndecided reports whether every policy that could change the answer
// is evaluated but leaves ports undecided (domainNames): the decision
// says so itself.
func onlyUndecided(cs []reach.CouldChange) bool {
	for _, c := range cs {
		if c.Why == "" {
			return false
		}
	}
	return true
}
