package render

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/reach"
)

// verdictText is the headline of the i-th decision: the verdict of the
// chosen layers together.
func verdictText(x *reach.Explanation, i int) string {
	d := x.Decisions[i]
	ld, hasL := x.LinkerdAt(i)
	v := "ALLOWED"
	if x.Layer != reach.LayerLinkerd && d.Port == 0 && !d.Allowed.IsAll() {
		v = "ALLOWED on " + d.Allowed.String()
	}
	switch {
	case x.Layer != reach.LayerLinkerd && d.Verdict == policy.VerdictUnknown:
		return "CANNOT KNOW (a cluster policy rule matches by domainNames, which the manifests cannot resolve)"
	case x.Layer != reach.LayerLinkerd && d.Verdict != policy.Allow:
		return "DENIED"
	case hasL && ld.Verdict == linkerdauthz.Deny:
		return "DENIED"
	case hasL && ld.Verdict == linkerdauthz.VerdictUnknown:
		return "CANNOT KNOW (Linkerd: " + ld.UnknownWhy() + ")"
	case x.Unknown():
		return "CANNOT KNOW (" + v + " by the NetworkPolicies)"
	case hasL && ld.Verdict == linkerdauthz.Audit:
		return v + " (Linkerd audit: flagged in the proxy's logs)"
	case hasL && len(ld.Routes) > 0:
		return v + " on routes " + escape.Text(strings.Join(ld.Routes, ", "))
	}
	return v
}

// netpolLayerText writes the NetworkPolicy layer's line when the Linkerd
// layer is shown too; false when the NetworkPolicy layer is not shown.
func netpolLayerText(b *strings.Builder, x *reach.Explanation, i int) bool {
	if x.Layer == reach.LayerLinkerd {
		return false
	}
	if _, ok := x.LinkerdAt(i); ok {
		sym, v := SymbolOK, "allowed"
		switch d := x.Decisions[i]; {
		case d.Verdict == policy.VerdictUnknown:
			sym, v = SymbolWarn, "cannot know"
		case !x.NetpolAllows(i):
			sym, v = SymbolFail, "denied"
		}
		fmt.Fprintf(b, "  %s %s: %s\n", sym, networkLayerName(x.Decisions[i]), v)
	}
	return true
}

// linkerdText writes the Linkerd layer's answer and reasons.
func linkerdText(b *strings.Builder, x *reach.Explanation, i int) {
	ld, ok := x.LinkerdAt(i)
	if !ok {
		return
	}
	fmt.Fprintf(b, "  %s Linkerd: %s\n", linkerdSymbol(ld.Verdict), escape.Text(linkerdVerdict(ld)))
	for _, r := range ld.Reasons {
		fmt.Fprintf(b, "      %s\n", escape.Text(r))
	}
	if ld.Default != "" {
		fmt.Fprintf(b, "      default policy: %s\n", escape.Text(ld.Default))
	}
	for _, a := range ld.Authorizations {
		sym := SymbolFail
		switch a.Admits {
		case "yes":
			sym = SymbolOK
		case "maybe", "ignored":
			sym = SymbolWarn
		}
		line := a.Ref
		if a.Requires != "" {
			line += " " + a.Requires
		}
		if a.Why != "" {
			line += ": " + a.Why
		}
		fmt.Fprintf(b, "      %s %s\n", sym, escape.Text(line))
	}
}

func linkerdSymbol(v linkerdauthz.Verdict) string {
	switch v {
	case linkerdauthz.Deny:
		return SymbolFail
	case linkerdauthz.VerdictUnknown, linkerdauthz.Audit:
		return SymbolWarn
	}
	return SymbolOK
}

// linkerdVerdict is "allowed", "denied", "audit", "allowed on routes …",
// "no decision" or "cannot know", with the reason code.
func linkerdVerdict(d linkerdauthz.Decision) string {
	v := map[linkerdauthz.Verdict]string{linkerdauthz.Allow: "allowed", linkerdauthz.Deny: "denied",
		linkerdauthz.Audit: "audit (allowed, flagged)", linkerdauthz.NoDecision: "no decision",
		linkerdauthz.VerdictUnknown: "cannot know"}[d.Verdict]
	if len(d.Routes) > 0 {
		v = "allowed on routes " + strings.Join(d.Routes, ", ")
	}
	return v + " (" + d.Code + ")"
}

// layersJSON are the layers' verdicts of one decision.
type layersJSON struct {
	NetworkPolicy *layerJSON `json:"networkPolicy,omitempty"`
	Linkerd       *layerJSON `json:"linkerd,omitempty"`
}

type layerJSON struct {
	Verdict        string                     `json:"verdict"`
	Code           string                     `json:"code,omitempty"`
	Server         string                     `json:"server,omitempty"`
	Default        string                     `json:"default,omitempty"`
	Routes         []string                   `json:"routes,omitempty"`
	Reasons        []string                   `json:"reasons,omitempty"`
	Authorizations []linkerdauthz.AuthzResult `json:"authorizations,omitempty"`
}

// layersOf is the "layers" of the i-th decision; nil without a Linkerd
// layer (the decision itself is the NetworkPolicy layer's).
func layersOf(x *reach.Explanation, i int) *layersJSON {
	ld, ok := x.LinkerdAt(i)
	if !ok {
		return nil
	}
	out := &layersJSON{Linkerd: &layerJSON{Verdict: ld.Verdict.String(), Code: ld.Code, Server: ld.Server,
		Default: ld.Default, Routes: ld.Routes, Reasons: ld.Reasons, Authorizations: ld.Authorizations}}
	if x.Layer != reach.LayerLinkerd {
		d := x.Decisions[i]
		out.NetworkPolicy = &layerJSON{Verdict: d.Verdict.String(), Code: string(d.Code)}
	}
	return out
}

// networkLayerName is "NetworkPolicy", or "cluster policy tiers and
// NetworkPolicy" when a cluster policy selects an end of the decision.
func networkLayerName(d policy.Decision) string {
	if len(d.Egress.Tiers) > 0 || len(d.Ingress.Tiers) > 0 {
		return "cluster policy tiers and NetworkPolicy"
	}
	return "NetworkPolicy"
}
