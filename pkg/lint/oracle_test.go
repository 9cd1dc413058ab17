package lint_test

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/reach"
)

// nothingRules are the rules whose findings say that something of a
// policy admits (or does) nothing: removing it must leave every answer of
// the engine as it was.
var nothingRules = []string{"selector-no-match", "named-port-undeclared", "except-covers-cidr", "rule-shadowed", "policy-selects-nothing"}

// TestNothingMeansNothing is the false-positive oracle on generated
// clusters: for findings of the rules above, it removes what the finding
// names (the peer, the port entry, the rule or the policy) and checks with
// the engine that the matrix does not change.
func TestNothingMeansNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("analyses the M preset once per finding checked")
	}
	c := synth.Generate(synth.SizeM.Config(1))
	base := matrix(t, c)
	a, _, err := effective.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := lint.Run(a)
	if err != nil {
		t.Fatal(err)
	}
	const perRule = 4
	checked := map[string]int{}
	for _, f := range rep.Findings {
		if !slices.Contains(nothingRules, f.Rule) || checked[f.Rule] == perRule || f.Field == "metadata.namespace" {
			continue
		}
		checked[f.Rule]++
		if got := matrix(t, without(t, c, f)); !mapsEqual(got, base) {
			t.Errorf("false positive: removing %s %s (%s) changes the matrix: %s", f.Object, f.Field, f.Rule, f.Message)
		}
	}
	t.Logf("checked per rule: %v", checked)
	if len(checked) < 3 {
		t.Errorf("the M preset gave findings of only %v: the oracle checks too little", checked)
	}
}

// matrix returns every allowed connection of c's effective cluster.
func matrix(t *testing.T, c *model.Cluster) map[string]string {
	t.Helper()
	a, _, err := effective.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	err = a.Matrix(func(x reach.Connection) error {
		out[x.From+" "+x.To] = x.Allowed.String()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func mapsEqual(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// without returns c without what finding f names.
func without(t *testing.T, c *model.Cluster, f lint.Finding) *model.Cluster {
	t.Helper()
	id := strings.TrimPrefix(f.Object, "NetworkPolicy ")
	out := *c
	out.Policies = slices.Clone(c.Policies)
	i := slices.IndexFunc(out.Policies, func(p model.Policy) bool { return p.ID() == id })
	if i < 0 {
		t.Fatalf("no policy %s", id)
	}
	if f.Rule == "policy-selects-nothing" {
		out.Policies = slices.Delete(out.Policies, i, i+1)
		return &out
	}
	np := out.Policies[i].NetworkPolicy.DeepCopy()
	np.Spec.PolicyTypes = netpol.PolicyTypes(np) // keep the isolation removing rules would change
	out.Policies[i].NetworkPolicy = np
	var side string
	var rule, item int
	n, _ := fmt.Sscanf(strings.NewReplacer("[", " ", "]", " ", ".", " ").Replace(f.Field), "spec %s %d %s %d", &side, &rule, new(string), &item)
	if n < 2 {
		t.Fatalf("cannot read field %q", f.Field)
	}
	removeItem(np, side == "ingress", rule, item, n == 4 && f.Rule != "rule-shadowed", f.Rule == "named-port-undeclared")
	return &out
}

// removeItem removes peer (or, with port, port entry) item of a rule when
// one is set and the rule has others; else the whole rule (a rule left
// without peers or ports would admit everything).
func removeItem(np *networkingv1.NetworkPolicy, ingress bool, rule, item int, one, port bool) {
	if ingress {
		r := &np.Spec.Ingress[rule]
		if !removeFrom(&r.From, &r.Ports, item, one, port) {
			np.Spec.Ingress = slices.Delete(np.Spec.Ingress, rule, rule+1)
		}
		return
	}
	r := &np.Spec.Egress[rule]
	if !removeFrom(&r.To, &r.Ports, item, one, port) {
		np.Spec.Egress = slices.Delete(np.Spec.Egress, rule, rule+1)
	}
}

// removeFrom removes entry item of ports (port) or peers, unless it is the
// last one; it reports whether it did.
func removeFrom(peers *[]networkingv1.NetworkPolicyPeer, ports *[]networkingv1.NetworkPolicyPort, item int, one, port bool) bool {
	switch {
	case one && port && len(*ports) > 1:
		*ports = slices.Delete(*ports, item, item+1)
	case one && !port && len(*peers) > 1:
		*peers = slices.Delete(*peers, item, item+1)
	default:
		return false
	}
	return true
}
