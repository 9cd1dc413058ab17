package lint_test

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/lint"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

// analyze loads one fixture file and analyses its effective cluster, the
// mesh detected as every verb detects it.
func analyze(t *testing.T, path string) *reach.Analysis {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	c, _, err := manifest.Decode(path, data)
	if err != nil {
		t.Fatalf("loading %s: %v", path, err)
	}
	a, _, err := effective.Analyze(c)
	if err != nil {
		t.Fatalf("analysing %s: %v", path, err)
	}
	return a
}

// run lints one fixture file.
func run(t *testing.T, path string, opts ...lint.Option) *lint.Report {
	t.Helper()
	rep, err := lint.Run(analyze(t, path), opts...)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func ofRule(rep *lint.Report, id string) []lint.Finding {
	var out []lint.Finding
	for _, f := range rep.Findings {
		if f.Rule == id {
			out = append(out, f)
		}
	}
	return out
}

// TestRules: every rule has a fixture testdata/ID/ with a true positive
// (fires.yaml: the rule reports the field, with the words given here) and
// a near miss (near-miss.yaml: the rule stays quiet).
func TestRules(t *testing.T) {
	t.Parallel()
	cases := map[string]struct {
		field string
		want  []string
	}{
		"selector-no-match":              {"spec.ingress[0].from[0].podSelector", []string{"app=fronted", "did you mean `app: frontend`?"}},
		"policy-selects-nothing":         {"spec.podSelector", []string{"did you mean `app: backend`?"}},
		"named-port-undeclared":          {"spec.ingress[0].ports[0].port", []string{`named "htp"`, `did you mean "http"?`}},
		"except-covers-cidr":             {"spec.ingress[0].from[0].ipBlock.except", []string{"10.0.0.0/9, 10.128.0.0/9", "cidr 10.0.0.0/8"}},
		"endport-unserved":               {"spec.ingress[0].ports[0].endPort", []string{"TCP ports 8000-8100", "shop/backend"}},
		"rule-shadowed":                  {"spec.ingress[0]", []string{"NetworkPolicy shop/same-namespace"}},
		"dns-egress-blocked":             {"spec.egress", []string{"kube-system/coredns", "on 53/TCP", "shop/dns-only"}},
		"namespace-unisolated":           {"", []string{"namespace blog has 1 workload(s)", "blog/wordpress"}},
		"isolated-one-way":               {"spec.policyTypes", []string{"blog/wordpress: isolated for ingress only", "namespace shop default-denies both directions"}},
		"exposed-world":                  {"spec.ingress[0].from[0].ipBlock", []string{"0.0.0.0/0", "8080/TCP", "shop/frontend"}},
		"exposed-cluster":                {"spec.ingress[0].from[0]", []string{"every pod of every namespace", "every port"}},
		"namespace-label-trust":          {"spec.ingress[0].from[0].namespaceSelector", []string{"team=ops", "today: shop"}},
		"cross-namespace-pod-selector":   {"spec.ingress[0].from[0].podSelector", []string{"app=frontend", "all namespaces"}},
		"mesh-proxy-deployment-selector": {"spec.podSelector", []string{"linkerd.io/proxy-deployment=backend"}},
		"mesh-app-port-unused":           {"spec.ingress[0].ports[0].port", []string{"9090/TCP", "4143/TCP"}},
		"mesh-port-bypass":               {"spec.ingress[0].ports", []string{"4143/TCP", "not only 9090/TCP"}},
	}
	for _, r := range lint.Rules() {
		c, ok := cases[r.ID]
		if !ok {
			t.Errorf("rule %s has no case in TestRules", r.ID)
			continue
		}
		t.Run(r.ID, func(t *testing.T) {
			t.Parallel()
			dir := filepath.Join("testdata", r.ID)
			fs := ofRule(run(t, filepath.Join(dir, "fires.yaml")), r.ID)
			if len(fs) == 0 {
				t.Fatalf("fires.yaml: no %s finding", r.ID)
			}
			f := fs[0]
			if f.Field != c.field || f.Severity != r.Severity || f.Source.File == "" || f.Source.Line < 1 || f.Hint == "" {
				t.Errorf("fires.yaml: got field %q severity %s at %q, hint %q; want field %q severity %s at a file:line, a hint",
					f.Field, f.Severity, f.Source, f.Hint, c.field, r.Severity)
			}
			for _, w := range c.want {
				if !strings.Contains(f.Message+" "+f.Hint, w) {
					t.Errorf("fires.yaml: %q lacks %q", f.Message+" "+f.Hint, w)
				}
			}
			if fs := ofRule(run(t, filepath.Join(dir, "near-miss.yaml")), r.ID); len(fs) > 0 {
				t.Errorf("near-miss.yaml: %s fired: %s", r.ID, fs[0].Message)
			}
		})
	}
}

// TestDisable: a rule turned off by option, or by the annotation on the
// object a finding names, reports nothing; an unknown ID is an error.
func TestDisable(t *testing.T) {
	t.Parallel()
	path := filepath.Join("testdata", "selector-no-match", "fires.yaml")
	if fs := ofRule(run(t, path, lint.WithDisabled("selector-no-match")), "selector-no-match"); len(fs) > 0 {
		t.Errorf("WithDisabled: still reported: %v", fs)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	annotated := strings.Replace(string(data), "metadata: {name: backend-in, namespace: shop}",
		"metadata: {name: backend-in, namespace: shop, annotations: {"+lint.DisableAnnotation+": 'rule-shadowed, selector-no-match'}}", 1)
	tmp := filepath.Join(t.TempDir(), "annotated.yaml")
	if err := os.WriteFile(tmp, []byte(annotated), 0o600); err != nil {
		t.Fatal(err)
	}
	if fs := ofRule(run(t, tmp), "selector-no-match"); len(fs) > 0 {
		t.Errorf("annotation: still reported: %v", fs)
	}
	if _, err := lint.Run(analyze(t, path), lint.WithDisabled("no-such-rule")); err == nil || !strings.Contains(err.Error(), `"no-such-rule"`) {
		t.Errorf("unknown rule: got %v, want an error naming it", err)
	}
}

// TestRuleIDs: IDs are unique, kebab-case, and documented in docs/lint.md.
func TestRuleIDs(t *testing.T) {
	t.Parallel()
	doc, err := os.ReadFile(filepath.Join("..", "..", "docs", "lint.md"))
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	for _, r := range lint.Rules() {
		if slices.Contains(seen, r.ID) || strings.Trim(r.ID, "abcdefghijklmnopqrstuvwxyz-") != "" {
			t.Errorf("rule ID %q is repeated or not kebab-case", r.ID)
		}
		seen = append(seen, r.ID)
		if !strings.Contains(string(doc), "\n## "+r.ID+"\n") {
			t.Errorf("docs/lint.md has no section \"## %s\"", r.ID)
		}
		if r.Severity == lint.SeverityUnknown || r.Summary == "" {
			t.Errorf("rule %s: no severity or summary", r.ID)
		}
	}
}

// TestTierSelectors: a ClusterNetworkPolicy's subject and peers get the
// same selector findings as a NetworkPolicy's, on their own field names.
func TestTierSelectors(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "selector-no-match")
	got := map[string]string{}
	for _, f := range run(t, filepath.Join(dir, "tier-fires.yaml")).Findings {
		got[f.Rule+" "+f.Object+" "+f.Field] = f.Message
	}
	for k, want := range map[string]string{
		"policy-selects-nothing ClusterNetworkPolicy shop-guard spec.subject.namespaces":             "did you mean `team: shop`?",
		"selector-no-match ClusterNetworkPolicy shop-guard spec.ingress[0].from[0].pods.podSelector": "did you mean `app: frontend`?",
	} {
		if !strings.Contains(got[k], want) {
			t.Errorf("%s: got %q, want it to say %q", k, got[k], want)
		}
	}
	if len(got) != 2 {
		t.Errorf("findings %v, want the two above", got)
	}
	if rep := run(t, filepath.Join(dir, "tier-near-miss.yaml")); len(rep.Findings) > 0 {
		t.Errorf("near miss: %v", rep.Findings)
	}
}

// TestOneWay: the three ways a policy set clearly means both directions,
// each with its near miss.
func TestOneWay(t *testing.T) {
	t.Parallel()
	dir := filepath.Join("testdata", "isolated-one-way")
	for _, tt := range []struct {
		fixture, policy string
		want            []string // words of the finding; nil: quiet
	}{
		{"fires.yaml", "NetworkPolicy blog/default-deny", []string{"blog/wordpress", "default deny for ingress", "namespace shop default-denies both"}},
		{"near-miss.yaml", "", nil},
		{"dead-rules.yaml", "NetworkPolicy shop/backend", []string{"shop/backend: isolated for ingress only", "1 egress rule(s) (spec.egress)", "so that spec.egress takes effect"}},
		{"dead-rules-near-miss.yaml", "", nil},
		{"namespace-pattern.yaml", "NetworkPolicy shop/in-only", []string{"shop/backend", "every other policy of namespace shop (shop/a, shop/b) names both"}},
		{"namespace-pattern-near-miss.yaml", "", nil},
	} {
		t.Run(tt.fixture, func(t *testing.T) {
			t.Parallel()
			fs := ofRule(run(t, filepath.Join(dir, tt.fixture)), "isolated-one-way")
			if tt.want == nil {
				if len(fs) > 0 {
					t.Fatalf("fired: %s: %s", fs[0].Object, fs[0].Message)
				}
				return
			}
			if len(fs) != 1 || fs[0].Object != tt.policy {
				t.Fatalf("got %+v, want one finding on %s", fs, tt.policy)
			}
			for _, w := range tt.want {
				if !strings.Contains(fs[0].Message+" "+fs[0].Hint, w) {
					t.Errorf("%q lacks %q", fs[0].Message+" "+fs[0].Hint, w)
				}
			}
		})
	}
}
