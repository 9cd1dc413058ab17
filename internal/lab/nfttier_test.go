package lab

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/golden"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestTierChains: one row per ordering rule of the API, as the chains of
// one direction encode it.
func TestTierChains(t *testing.T) {
	t.Parallel()
	admin := []tierRule{{"ip saddr 10.0.0.1", tier.Pass, "a"}, {"ip saddr 10.0.0.2", tier.Accept, "b"}, {"", tier.Deny, "c"}}
	base := []tierRule{{"ip saddr 10.0.0.3", tier.Pass, "d"}, {"ip saddr 10.0.0.4", tier.Deny, "e"}}
	for _, tt := range []struct {
		name        string
		isolated    bool
		admin, base []tierRule
		want        []string
	}{
		{"admin tier first", false, admin, nil, []string{"goto ingress_admin\n\t}\n\tchain ingress_admin {"}},
		{"accept is final", false, admin, nil, []string{`ip saddr 10.0.0.2 accept comment "b"`}},
		{"deny is final", false, admin, nil, []string{`counter reject with icmpx type admin-prohibited comment "c"`}},
		{"admin pass to the default without lower tiers", false, admin, nil, []string{`ip saddr 10.0.0.1 accept comment "a"`}},
		{"admin pass to the networkpolicy tier when isolated", true, admin, base, []string{`ip saddr 10.0.0.1 goto ingress comment "a"`}},
		{"admin pass to the baseline tier when not isolated", false, admin, base, []string{`ip saddr 10.0.0.1 goto ingress_baseline comment "a"`}},
		{"no admin rule decided: on to the next tier", false, admin, base, []string{"goto ingress_baseline comment \"Admin tier: no rule decided\""}},
		{"baseline pass goes to the default", false, nil, base, []string{`ip saddr 10.0.0.3 accept comment "d"`, "goto ingress_baseline\n\t}"}},
		{"baseline then the default allows", false, nil, base, []string{`accept comment "Baseline tier: no rule decided: default allow"`}},
		{"an isolated pod never reaches the baseline tier", true, nil, base, []string{"goto ingress\n\t}\n\tchain ingress {"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rs := &ruleset{pod: &node{id: "ns/p"}}
			rs.isolated[sideIn] = tt.isolated
			rs.tiers[tierAdmin][sideIn], rs.tiers[tierBaseline][sideIn] = tt.admin, tt.base
			got := rs.String()
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("program lacks %q:\n%s", w, got)
				}
			}
			if !tt.isolated || len(tt.base) == 0 {
				return
			}
			if strings.Contains(got, "ingress_baseline") {
				t.Errorf("isolated pod has a baseline chain:\n%s", got)
			}
		})
	}
}

// TestTieredRuleset pins the compiled programs of the seed's cluster
// written with tiers (e2e/testdata/tiered-seed): both API versions, an
// Admin Deny before Accepts, a Pass, a named port, ranges, nodes and
// networks peers.
func TestTieredRuleset(t *testing.T) {
	t.Parallel()
	ex := "../../examples/emojivoto-linkerd/"
	c, _, err := manifest.Load(context.Background(), []string{ex + "namespaces.yaml", ex + "emojivoto.yaml",
		ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", "e2e/testdata/tiered-seed/"})
	if err != nil {
		t.Fatal(err)
	}
	c.Externals = append(c.Externals, model.External{Name: "apiserver", Prefix: netip.MustParsePrefix("172.16.0.2/32")},
		model.External{Name: "partner", Prefix: netip.MustParsePrefix("203.0.113.0/24")})
	for _, id := range []string{"linkerd/linkerd-destination", "emojivoto/web"} {
		got, err := Ruleset(c, id)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "ruleset-tiered-"+strings.ReplaceAll(id, "/", "-")+".nft", []byte(got))
	}
}
