package fix_test

import (
	"bytes"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/render"
)

// TestPlaceholders: without the API server's address, API-server flows to
// isolated pods cannot be fixed; they are listed as unfixable and written as
// commented placeholder policies with API-SERVER-CIDR as the ipBlock.
func TestPlaceholders(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		paths []string
		want  []string // placeholder policies
	}{
		{"current", []string{current}, []string{"linkerd/podreach-apiserver-to-policy-validator",
			"linkerd/podreach-apiserver-to-proxy-injector", "linkerd/podreach-apiserver-to-sp-validator"}},
		{"seed-era", []string{seedEra}, []string{"linkerd/podreach-apiserver-to-public-api"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := load(t, tt.paths)
			prop, err := fix.Propose(c, detect(t, c))
			if err != nil {
				t.Fatalf("Propose: %v", err)
			}
			var got []string
			for _, p := range prop.Placeholders {
				np := p.NetworkPolicy
				got = append(got, np.Namespace+"/"+np.Name)
				if len(np.Spec.Ingress) != 1 || np.Spec.Ingress[0].From[0].IPBlock == nil || np.Spec.Ingress[0].From[0].IPBlock.CIDR != fix.PlaceholderCIDR {
					t.Errorf("%s/%s: want one ingress rule from ipBlock %s, got %+v", np.Namespace, np.Name, fix.PlaceholderCIDR, np.Spec.Ingress)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("placeholders (-want +got):\n%s", diff)
			}
			if len(prop.Unfixable) != len(tt.want) {
				t.Errorf("unfixable = %q, want %d entries", prop.Unfixable, len(tt.want))
			}
			for _, u := range prop.Unfixable {
				if !strings.HasPrefix(u, "‼ ") || !strings.Contains(u, "--external apiserver=CIDR") {
					t.Errorf("unfixable entry %q: want ‼ and the --external hint", u)
				}
			}
			var out bytes.Buffer
			if err := render.FixYAML(&out, prop, "podreach fix"); err != nil {
				t.Fatal(err)
			}
			for _, want := range []string{"# PLACEHOLDER", "cidr: " + fix.PlaceholderCIDR, "# Not fixed here"} {
				if n := strings.Count(out.String(), want); n == 0 || want == "# PLACEHOLDER" && n != len(tt.want) {
					t.Errorf("output has %d × %q, want %d:\n%s", n, want, len(tt.want), out.String())
				}
			}
		})
	}
}

// TestOutputLoads: what FixYAML writes loads back with the manifest loader
// without errors, holds exactly the proposed policies, and restores the
// mesh when applied; uncommented with a real CIDR, the placeholders load
// too.
func TestOutputLoads(t *testing.T) {
	t.Parallel()
	for _, ex := range exampleInputs {
		for _, style := range []fix.Style{fix.StyleMinimal, fix.StyleBroad} {
			for _, externals := range [][]string{nil, {apiserver}} {
				t.Run(ex.name+"/"+style.String()+"/"+strings.Join(externals, ""), func(t *testing.T) {
					t.Parallel()
					c := load(t, ex.paths, externals...)
					in := detect(t, c)
					prop, err := fix.Propose(c, in, fix.WithStyle(style))
					if err != nil {
						t.Fatalf("Propose: %v", err)
					}
					out, decoded := writeAndDecode(t, prop)
					if diff := cmp.Diff(proposed(prop.Policies), decoded.Policies, policyCmp...); diff != "" {
						t.Errorf("decoded policies differ from the proposal (-proposal +decoded):\n%s", diff)
					}
					applied := *c
					applied.Policies = append(slices.Clone(c.Policies), decoded.Policies...)
					rep, _, err := check.Run(&applied, in)
					if err != nil {
						t.Fatal(err)
					}
					for _, r := range rep.Results {
						if r.Status != check.StatusOK && r.Fixable && len(r.Blocked) > 0 {
							t.Errorf("with the decoded policies still failing: %s", r.Description)
						}
					}
					filled := uncomment(out, "172.16.0.2/32")
					if got, want := len(decode(t, []byte(filled)).Policies), len(prop.Policies)+len(prop.Placeholders); got != want {
						t.Errorf("with the placeholders uncommented: %d policies, want %d", got, want)
					}
				})
			}
		}
	}
}

func decode(t *testing.T, data []byte) *model.Cluster {
	t.Helper()
	c, diags, err := manifest.Decode("fix.yaml", data)
	if err != nil {
		t.Fatalf("decoding the fix output: %v\n%s", err, data)
	}
	for _, d := range diags {
		if d.Severity >= model.Warning { // notices (namespaces not declared in the output) are expected
			t.Errorf("diagnostic decoding the fix output: %v", d)
		}
	}
	return c
}

func proposed(ps []fix.Policy) []model.Policy {
	var out []model.Policy
	for _, p := range ps {
		out = append(out, model.Policy{NetworkPolicy: p.NetworkPolicy})
	}
	slices.SortFunc(out, func(a, b model.Policy) int { return strings.Compare(a.ID(), b.ID()) })
	return out
}

// policyCmp compares policies by what the API server would store.
var policyCmp = []cmp.Option{
	cmpopts.IgnoreFields(model.Policy{}, "Source"),
	cmpopts.EquateEmpty(),
	cmpopts.IgnoreFields(networkingv1.NetworkPolicy{}, "TypeMeta"),
}

// uncomment turns the placeholder documents into policies, as their
// comment tells users to, with cidr for the API server.
func uncomment(s, cidr string) string {
	docs := strings.Split(s, "---\n")
	for i, doc := range docs {
		if !strings.HasPrefix(doc, "# PLACEHOLDER") {
			continue
		}
		lines := strings.Split(doc, "\n")
		for j, l := range lines {
			if !strings.HasPrefix(l, "# PLACEHOLDER") && !strings.HasPrefix(l, "# restores:") {
				lines[j] = strings.TrimPrefix(l, "# ")
			}
		}
		docs[i] = strings.ReplaceAll(strings.Join(lines, "\n"), fix.PlaceholderCIDR, cidr)
	}
	return strings.Join(docs, "---\n")
}
