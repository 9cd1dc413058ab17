package reach

import (
	"testing"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// TestLayersCombine: the verdict of an explanation is that of every chosen
// layer together; an unknown Linkerd answer or a policy not evaluated makes
// an allowed answer unknown.
func TestLayersCombine(t *testing.T) {
	t.Parallel()
	np := func(v policy.Verdict) []policy.Decision { return []policy.Decision{{Verdict: v}} }
	ld := func(v linkerdauthz.Verdict) []linkerdauthz.Decision { return []linkerdauthz.Decision{{Verdict: v}} }
	could := []CouldChange{{Kind: "AdminNetworkPolicy", Name: "x"}}
	tests := []struct {
		name             string
		x                Explanation
		allowed, unknown bool
	}{
		{"both allow", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Allow)}, true, false},
		{"linkerd denies", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Deny)}, false, false},
		{"netpol denies", Explanation{Decisions: np(policy.Deny), Linkerd: ld(linkerdauthz.Allow)}, false, false},
		{"audit admits", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Audit)}, true, false},
		{"no decision admits", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.NoDecision)}, true, false},
		{"linkerd unknown", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.VerdictUnknown)}, false, true},
		{"netpol layer ignores linkerd", Explanation{Layer: LayerNetpol, Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Deny)}, true, false},
		{"linkerd layer ignores netpol", Explanation{Layer: LayerLinkerd, Decisions: np(policy.Deny), Linkerd: ld(linkerdauthz.Allow)}, true, false},
		{"linkerd layer ignores unevaluated", Explanation{Layer: LayerLinkerd, Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Allow), CouldChange: could}, true, false},
		{"unevaluated makes both unknown", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Allow), CouldChange: could}, false, true},
		{"linkerd deny beats unevaluated", Explanation{Decisions: np(policy.Allow), Linkerd: ld(linkerdauthz.Deny), CouldChange: could}, false, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, gotU := tt.x.Allowed(), tt.x.Unknown(); got != tt.allowed || gotU != tt.unknown {
				t.Errorf("Allowed %v Unknown %v, want %v %v", got, gotU, tt.allowed, tt.unknown)
			}
		})
	}
}

func TestParseLayer(t *testing.T) {
	t.Parallel()
	for _, l := range []Layer{LayerBoth, LayerNetpol, LayerLinkerd} {
		if got, err := ParseLayer(l.String()); err != nil || got != l {
			t.Errorf("%s: %v %v", l, got, err)
		}
	}
	if _, err := ParseLayer("istio"); err == nil {
		t.Error("istio parsed")
	}
}
