package lint_test

import (
	"regexp"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// TestGeneratedClaims is the false-positive review of the rules whose
// findings name workloads, on generated clusters: every workload a
// dns-egress-blocked finding lists really lacks 53/UDP or 53/TCP to a DNS
// pod it names, in the engine's answer; every workload an isolated-one-way
// finding lists is isolated by the policy in its direction and by no
// policy in the other. It logs the findings per rule (the count
// docs/lint.md reports).
func TestGeneratedClaims(t *testing.T) {
	sizes := []synth.Size{synth.SizeS, synth.SizeM}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, size := range sizes {
		t.Run(size.String(), func(t *testing.T) {
			a, _, err := effective.Analyze(synth.Generate(size.Config(1)))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := lint.Run(a)
			if err != nil {
				t.Fatal(err)
			}
			count, checked := map[string]int{}, map[string]int{}
			for _, f := range rep.Findings {
				count[f.Rule]++
				switch f.Rule {
				case "dns-egress-blocked":
					checked[f.Rule] += checkDNSClaim(t, a, f)
				case "isolated-one-way":
					checked[f.Rule] += checkOneWayClaim(t, a, f)
				}
			}
			t.Logf("%s: %d findings: %v; workloads checked: %v", size, len(rep.Findings), count, checked)
			if checked["dns-egress-blocked"] == 0 || checked["isolated-one-way"] == 0 {
				t.Errorf("the %s preset gave no workload to check of a rule checked here: %v", size, checked)
			}
		})
	}
}

// listed returns the workloads a message lists before sep ("a, b, c and
// 4 more cannot reach"): the named ones.
func listed(msg, sep string) []string {
	head, _, _ := strings.Cut(msg, sep)
	var out []string
	for _, w := range strings.Split(head, ", ") {
		w, _, _ = strings.Cut(w, " and ")
		out = append(out, w)
	}
	return out
}

var dnsPods = regexp.MustCompile(`DNS pods \(([^)]*)\) on (.*?);`)

// checkDNSClaim checks a dns-egress-blocked finding and returns the
// number of workloads checked.
func checkDNSClaim(t *testing.T, a *reach.Analysis, f lint.Finding) int {
	t.Helper()
	m := dnsPods.FindStringSubmatch(f.Message)
	if m == nil {
		return 0 // the DNS pods are not in the input: a claim about the rules only
	}
	ws := listed(f.Message, " cannot reach")
	for _, w := range ws {
		src := endpoint(t, a, w)
		blocked := false
		for _, d := range strings.Split(m[1], ", ") {
			got := a.Engine().Allowed(src, endpoint(t, a, d))
			for _, proto := range []model.Protocol{model.UDP, model.TCP} {
				if strings.Contains(m[2], "53/"+proto.String()) && !got.Contains(proto, 53) {
					blocked = true
				}
			}
		}
		if !blocked {
			t.Errorf("false positive: %s: %s reaches the DNS pods on %s", f.Object, w, m[2])
		}
	}
	return len(ws)
}

// checkOneWayClaim checks an isolated-one-way finding and returns the
// number of workloads checked.
func checkOneWayClaim(t *testing.T, a *reach.Analysis, f lint.Finding) int {
	t.Helper()
	isolated, open := policy.Ingress, policy.Egress
	if strings.Contains(f.Message, "isolated for egress only") {
		isolated, open = open, isolated
	}
	pol := strings.TrimPrefix(f.Object, "NetworkPolicy ")
	ws := listed(f.Message, ": isolated for")
	for _, w := range ws {
		ep := endpoint(t, a, w)
		in, out := a.Engine().Isolating(ep, isolated), a.Engine().Isolating(ep, open)
		if !strings.Contains(","+strings.Join(in, ",")+",", ","+pol+",") || len(out) > 0 {
			t.Errorf("false positive: %s: %s is isolated for %s by %v and for %s by %v", f.Object, w, isolated, in, open, out)
		}
	}
	return len(ws)
}

func endpoint(t *testing.T, a *reach.Analysis, id string) int {
	t.Helper()
	i, ok := a.EndpointIndex(id)
	if !ok {
		t.Fatalf("no endpoint %q", id)
	}
	return i
}
