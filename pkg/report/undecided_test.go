package report

import (
	"bytes"
	"strings"
	"testing"
)

const tiersExample = "../../examples/emojivoto-tiers/"

// tieredPage checks the tiered example with the extra inputs and decodes
// the page's data.
func tieredPage(t *testing.T, extra ...string) *data {
	t.Helper()
	a, opts := checked(t, append([]string{tiersExample + "cluster/"}, extra...)...)
	var buf bytes.Buffer
	if err := Write(&buf, a, opts...); err != nil {
		t.Fatal(err)
	}
	return decode(t, buf.Bytes())
}

// pairWhy is the state and why of check id's pair from → to ("ns/name")
// on port.
func pairWhy(d *data, id, from, to string, port int32) (state, why string, found bool) {
	for _, c := range d.Checks {
		if c.ID != id {
			continue
		}
		for _, p := range c.Pairs {
			if nodeName(d, p.S) == from && nodeName(d, p.D) == to && p.Port == port {
				return p.State, p.Reason, true
			}
		}
	}
	return "", "", false
}

func nodeName(d *data, i int) string { return d.Namespaces[d.Nodes[i].NS].Name + "/" + d.Nodes[i].Name }

// TestTierWording: the page names the cluster policy tier that blocks a
// mesh flow, shows a connection a cluster policy rule leaves undecided
// as not proven (‼, amber) naming the rule, never as allowed or blocked,
// marks the undecided ports in the matrix data and names the policy in a
// banner.
func TestTierWording(t *testing.T) {
	t.Run("blocked_by_a_tier_names_it", func(t *testing.T) {
		d := tieredPage(t)
		state, why, ok := pairWhy(d, "proxy-to-destination", "emojivoto/web", "linkerd/linkerd-destination", 8086)
		if !ok || state != "blocked" || !strings.HasPrefix(why, "cluster policy tiers: Baseline tier: Deny by clusternetworkpolicy/") {
			t.Errorf("web → linkerd-destination 8086: %q, %q (found %v); want blocked naming the Baseline tier", state, why, ok)
		}
		if len(d.Undecided) != 0 {
			t.Errorf("undecided pairs without a rule that may match: %v", d.Undecided)
		}
	})
	t.Run("undecided_is_not_proven", func(t *testing.T) {
		d := tieredPage(t, tiersExample+"mesh-exceptions.yaml", tiersExample+"egress-allowlist.yaml")
		state, why, ok := pairWhy(d, "proxy-to-destination", "emojivoto/web", "linkerd/linkerd-destination", 8086)
		want := "cannot know: Admin tier: Accept (if a domain name matches) by clusternetworkpolicy/egress-allowlist rule 1 (saas)"
		if !ok || state != "warning" || !strings.HasPrefix(why, want) {
			t.Errorf("web → linkerd-destination 8086: %q, %q (found %v); want warning starting %q", state, why, ok, want)
		}
		undecided := false
		for _, u := range d.Undecided {
			if nodeName(d, u[0]) == "emojivoto/web" && nodeName(d, u[1]) == "linkerd/linkerd-destination" {
				undecided = strings.Contains(d.PortSets[u[2]].Label, "8086")
			}
		}
		if !undecided {
			t.Errorf("web → linkerd-destination not among the undecided pairs with 8086: %v", d.Undecided)
		}
		if notes := strings.Join(d.Notes, "\n"); !strings.Contains(notes, "‼ Cannot know: ClusterNetworkPolicy egress-allowlist") {
			t.Errorf("no banner names the policy:\n%s", notes)
		}
	})
}
