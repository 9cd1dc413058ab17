package render_test

import (
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

// TestExplainLayersText: the headline combines the layers; each layer has
// its line; route-level and audit answers say so.
func TestExplainLayersText(t *testing.T) {
	t.Parallel()
	dec := policy.Decision{From: "app/web", To: "app/voting", Protocol: model.TCP, Port: 8080, Verdict: policy.Allow}
	tests := []struct {
		name  string
		layer reach.Layer
		ld    linkerdauthz.Decision
		want  []string
		not   []string
	}{
		{"routes", reach.LayerBoth, linkerdauthz.Decision{Verdict: linkerdauthz.Allow, Code: "routes_partial", Routes: []string{"HTTPRoute app/vote"}},
			[]string{": ALLOWED on routes HTTPRoute app/vote\n", "✔ NetworkPolicy: allowed", "✔ Linkerd: allowed on routes HTTPRoute app/vote (routes_partial)"}, nil},
		{"audit", reach.LayerBoth, linkerdauthz.Decision{Verdict: linkerdauthz.Audit, Code: "server_audit"},
			[]string{"ALLOWED (Linkerd audit", "‼ Linkerd: audit (allowed, flagged) (server_audit)"}, nil},
		{"deny", reach.LayerBoth, linkerdauthz.Decision{Verdict: linkerdauthz.Deny, Code: "server_denies", Reasons: []string{"Server app/voting selects app/voting and port 8080"},
			Authorizations: []linkerdauthz.AuthzResult{{Ref: "AuthorizationPolicy app/ap", Requires: "requires ServiceAccount app/web", Admits: "no", Why: "app/bot runs as service account bot"}}},
			[]string{": DENIED\n", "× Linkerd: denied (server_denies)", "× AuthorizationPolicy app/ap requires ServiceAccount app/web: app/bot runs as service account bot"}, nil},
		{"unknown", reach.LayerBoth, linkerdauthz.Decision{Verdict: linkerdauthz.VerdictUnknown, Code: "unknown_network"},
			[]string{"CANNOT KNOW (Linkerd: the client's address is not in the input)", "‼ Linkerd: cannot know"}, nil},
		{"netpol only", reach.LayerNetpol, linkerdauthz.Decision{Verdict: linkerdauthz.Deny, Code: "server_denies"},
			[]string{": ALLOWED\n"}, []string{"Linkerd", "NetworkPolicy: allowed"}},
		{"linkerd only", reach.LayerLinkerd, linkerdauthz.Decision{Verdict: linkerdauthz.Allow, Code: "default_allows"},
			[]string{"✔ Linkerd: allowed"}, []string{"egress from", "NetworkPolicy:"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			x := &reach.Explanation{Decisions: []policy.Decision{dec}, Linkerd: []linkerdauthz.Decision{tt.ld}, Layer: tt.layer}
			var b strings.Builder
			if err := render.ExplainText(&b, x); err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("output lacks %q:\n%s", w, b.String())
				}
			}
			for _, n := range tt.not {
				if strings.Contains(b.String(), n) {
					t.Errorf("output has %q:\n%s", n, b.String())
				}
			}
		})
	}
}
