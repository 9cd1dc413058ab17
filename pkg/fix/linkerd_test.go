package fix_test

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/fix"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/render"
)

// emojivotoBase is the emojivoto cluster of the examples, file by file, so
// that scenarios can replace a namespace.
var emojivotoBase = []string{current + "namespaces.yaml", current + "linkerd-control-plane.yaml", current + "linkerd-viz.yaml", current + "emojivoto.yaml"}

const (
	denyDefault     = "../check/testdata/deny-default.yaml"
	linkerdTestdata = "testdata/linkerd/"
	// An API server outside the cluster networks: a NetworkAuthentication
	// of its address admits no pod.
	outsideAPIServer = "apiserver=203.0.113.5/32"
)

// TestLinkerdProposals: each kind of Linkerd proposal, on a scenario that
// needs it. want lists the proposed objects as "Kind ns/name"; objects
// whose spec matters are checked by the case's own assertion.
func TestLinkerdProposals(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name      string
		paths     []string
		externals []string
		version   string // --linkerd-version; "" as detected
		want      []string
		unfixable string // a substring every unfixable entry has; "" for none
		check     func(t *testing.T, objs map[string]model.MeshPolicy)
	}{
		{
			name:  "default deny: a Server per workload and port, meshed clients by service account",
			paths: append(slices.Clone(emojivotoBase), denyDefault),
			want: []string{
				"AuthorizationPolicy emojivoto/podreach-emoji-4191", "AuthorizationPolicy emojivoto/podreach-vote-bot-4191",
				"AuthorizationPolicy emojivoto/podreach-voting-4191", "AuthorizationPolicy emojivoto/podreach-web-4191",
				"AuthorizationPolicy linkerd-viz/podreach-metrics-api-4191", "AuthorizationPolicy linkerd-viz/podreach-metrics-api-8085",
				"AuthorizationPolicy linkerd-viz/podreach-metrics-api-9995", "AuthorizationPolicy linkerd-viz/podreach-prometheus-9090",
				"AuthorizationPolicy linkerd-viz/podreach-tap-4191", "AuthorizationPolicy linkerd-viz/podreach-tap-9998",
				"AuthorizationPolicy linkerd-viz/podreach-tap-injector-4191", "AuthorizationPolicy linkerd-viz/podreach-tap-injector-9995",
				"AuthorizationPolicy linkerd-viz/podreach-web-4191", "AuthorizationPolicy linkerd-viz/podreach-web-9994",
				"MeshTLSAuthentication emojivoto/podreach-prometheus", "MeshTLSAuthentication linkerd-viz/podreach-metrics-api",
				"MeshTLSAuthentication linkerd-viz/podreach-prometheus", "MeshTLSAuthentication linkerd-viz/podreach-web",
				"Server emojivoto/podreach-emoji-4191", "Server emojivoto/podreach-vote-bot-4191",
				"Server emojivoto/podreach-voting-4191", "Server emojivoto/podreach-web-4191",
				"Server linkerd-viz/podreach-metrics-api-4191", "Server linkerd-viz/podreach-metrics-api-8085",
				"Server linkerd-viz/podreach-metrics-api-9995", "Server linkerd-viz/podreach-prometheus-9090",
				"Server linkerd-viz/podreach-tap-4191", "Server linkerd-viz/podreach-tap-9998",
				"Server linkerd-viz/podreach-tap-injector-4191", "Server linkerd-viz/podreach-tap-injector-9995",
				"Server linkerd-viz/podreach-web-4191", "Server linkerd-viz/podreach-web-9994",
			},
			check: func(t *testing.T, objs map[string]model.MeshPolicy) {
				srv := objs["Server emojivoto/podreach-web-4191"].Server
				if srv.AccessPolicy != "" || srv.Port.IntVal != 4191 || srv.PodSelector.MatchLabels["app"] != "web-svc" {
					t.Errorf("Server emojivoto/podreach-web-4191 = %+v, want port 4191 of app=web-svc, accessPolicy deny (unset)", srv)
				}
				want := []model.MeshRef{{Kind: "ServiceAccount", Name: "prometheus", Namespace: "linkerd-viz"}}
				if got := objs["MeshTLSAuthentication emojivoto/podreach-prometheus"].MeshTLS.IdentityRefs; !slices.Equal(got, want) {
					t.Errorf("identityRefs = %+v, want %+v", got, want)
				}
				ap := objs["AuthorizationPolicy emojivoto/podreach-web-4191"].AuthorizationPolicy
				if ap.Target.Name != "podreach-web-4191" || len(ap.Required) != 1 || ap.Required[0].Name != "podreach-prometheus" {
					t.Errorf("AuthorizationPolicy = %+v, want Server podreach-web-4191 requiring podreach-prometheus", ap)
				}
			},
		},
		{
			name:  "existing Server: an AuthorizationPolicy on it",
			paths: append(slices.Clone(emojivotoBase), linkerdTestdata+"existing-server.yaml"),
			want:  []string{"AuthorizationPolicy emojivoto/podreach-web-admin", "MeshTLSAuthentication emojivoto/podreach-prometheus"},
			check: func(t *testing.T, objs map[string]model.MeshPolicy) {
				if got := objs["AuthorizationPolicy emojivoto/podreach-web-admin"].AuthorizationPolicy.Target; got.Kind != "Server" || got.Name != "web-admin" {
					t.Errorf("target = %+v, want Server web-admin", got)
				}
			},
		},
		{
			name:  "an existing authentication of exactly those clients is reused",
			paths: append(slices.Clone(emojivotoBase), linkerdTestdata+"existing-server.yaml", linkerdTestdata+"reuse-authn.yaml"),
			want:  []string{"AuthorizationPolicy emojivoto/podreach-web-admin"},
			check: func(t *testing.T, objs map[string]model.MeshPolicy) {
				if got := objs["AuthorizationPolicy emojivoto/podreach-web-admin"].AuthorizationPolicy.Required; len(got) != 1 || got[0].Name != "scrapers" {
					t.Errorf("requiredAuthenticationRefs = %+v, want MeshTLSAuthentication scrapers", got)
				}
			},
		},
		{
			name:      "all-authenticated: unmeshed clients by address, the Server keeps the default as accessPolicy",
			paths:     append(slices.Clone(emojivotoBase), linkerdTestdata+"all-authenticated-viz.yaml"),
			externals: []string{outsideAPIServer},
			want: []string{
				"AuthorizationPolicy linkerd-viz/podreach-tap-8089-net", "AuthorizationPolicy linkerd-viz/podreach-tap-injector-8443-net",
				"NetworkAuthentication linkerd-viz/podreach-tap-8089-net",
				"Server linkerd-viz/podreach-tap-8089", "Server linkerd-viz/podreach-tap-injector-8443",
			},
			check: func(t *testing.T, objs map[string]model.MeshPolicy) {
				if got := objs["Server linkerd-viz/podreach-tap-8089"].Server.AccessPolicy; got != "all-authenticated" {
					t.Errorf("accessPolicy = %q, want all-authenticated", got)
				}
				if got := objs["NetworkAuthentication linkerd-viz/podreach-tap-8089-net"].Networks; len(got) != 1 || got[0].CIDR.String() != "203.0.113.5/32" {
					t.Errorf("networks = %+v, want 203.0.113.5/32", got)
				}
				if got := objs["AuthorizationPolicy linkerd-viz/podreach-tap-injector-8443-net"].AuthorizationPolicy.Required; len(got) != 1 || got[0].Name != "podreach-tap-8089-net" {
					t.Errorf("requiredAuthenticationRefs = %+v, want the NetworkAuthentication written for tap (same address)", got)
				}
			},
		},
		{
			name:  "a port restriction meshed clients bypass on 4143 moves into Linkerd",
			paths: append(slices.Clone(emojivotoBase), linkerdTestdata+"bypass.yaml"),
			want: []string{
				"AuthorizationPolicy emojivoto/podreach-voting-8080", "MeshTLSAuthentication emojivoto/podreach-web",
				"Server emojivoto/podreach-voting-8080", "Server emojivoto/podreach-voting-8801",
			},
			check: func(t *testing.T, objs map[string]model.MeshPolicy) {
				want := []model.MeshRef{{Kind: "ServiceAccount", Name: "web", Namespace: "emojivoto"}}
				if got := objs["MeshTLSAuthentication emojivoto/podreach-web"].MeshTLS.IdentityRefs; !slices.Equal(got, want) {
					t.Errorf("identityRefs = %+v, want only web, the client NetworkPolicy admits on 8080", got)
				}
			},
		},
		{
			name:      "all-authenticated before 2.16: no accessPolicy, not fixed",
			paths:     append(slices.Clone(emojivotoBase), linkerdTestdata+"all-authenticated-viz.yaml"),
			externals: []string{outsideAPIServer},
			version:   "2.15",
			unfixable: "keeping them needs accessPolicy (Linkerd 2.16+)",
		},
		{
			name:      "a probe on a Server with routes: not fixed, with what to write",
			paths:     append(slices.Clone(emojivotoBase), "../check/testdata/probes/app.yaml", "../check/testdata/probes/server.yaml", "../check/testdata/probes/route.yaml"),
			unfixable: "add an HTTPRoute for the probe path",
		},
		{
			name:      "2.11: no AuthorizationPolicy, not fixed",
			paths:     append(slices.Clone(emojivotoBase), denyDefault),
			version:   "2.11",
			unfixable: "AuthorizationPolicy needs Linkerd 2.12 or later",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := load(t, tt.paths, tt.externals...)
			in, _, err := linkerd.Detect(c, tt.version)
			if err != nil {
				t.Fatal(err)
			}
			prop, err := fix.Propose(c, in)
			if err != nil && !(tt.unfixable != "" && errors.Is(err, fix.ErrIncomplete)) {
				t.Fatalf("Propose: %v", err)
			}
			objs := map[string]model.MeshPolicy{}
			var got []string
			for _, p := range prop.LinkerdPolicies {
				key := p.Object.Kind + " " + p.Object.ID()
				objs[key] = p.Object
				got = append(got, key)
				if len(p.Restores) == 0 {
					t.Errorf("%s restores nothing", key)
				}
			}
			slices.Sort(got)
			if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("proposed objects (-want +got):\n%s", diff)
			}
			var linkerdUnfixed []string
			for _, u := range prop.Unfixable {
				if strings.Contains(u, "(Linkerd authorization)") || strings.Contains(u, "kubelet → ") {
					linkerdUnfixed = append(linkerdUnfixed, u)
				}
			}
			switch {
			case tt.unfixable == "" && len(linkerdUnfixed) > 0:
				t.Errorf("unfixed: %q", linkerdUnfixed)
			case tt.unfixable != "" && len(linkerdUnfixed) == 0:
				t.Errorf("nothing unfixed, want %q", tt.unfixable)
			}
			for _, u := range linkerdUnfixed {
				if !strings.Contains(u, tt.unfixable) {
					t.Errorf("unfixed %q, want it to say %q", u, tt.unfixable)
				}
			}
			if tt.check != nil && len(objs) > 0 {
				tt.check(t, objs)
			}
			if tt.unfixable == "" {
				for _, r := range prop.After.Results {
					if len(r.Refused) > 0 || strings.HasSuffix(r.ID, "-port-bypass") && r.Status != check.StatusOK {
						t.Errorf("after the fix Linkerd still refuses: %s %v", r.Description, r.Details)
					}
				}
			}
			linkerdRoundTrip(t, c, in, prop)
		})
	}
}

// linkerdRoundTrip: the YAML FixYAML writes loads back (no warning) into exactly
// the proposed Linkerd objects, and the check on the input plus them
// reports no Linkerd refusal the proposal meant to fix.
func linkerdRoundTrip(t *testing.T, c *model.Cluster, in *linkerd.Install, prop *fix.Proposal) {
	t.Helper()
	_, decoded := writeAndDecode(t, prop)
	var want []model.MeshPolicy
	for _, p := range prop.LinkerdPolicies {
		want = append(want, p.Object)
	}
	sortMesh := func(ps []model.MeshPolicy) {
		slices.SortFunc(ps, func(a, b model.MeshPolicy) int { return strings.Compare(a.Kind+a.ID(), b.Kind+b.ID()) })
	}
	got := slices.Clone(decoded.MeshPolicies)
	sortMesh(want)
	sortMesh(got)
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty(), cmpopts.IgnoreFields(model.MeshPolicy{}, "Source", "Order"),
		cmp.Comparer(func(a, b model.MeshNetwork) bool { return a.CIDR == b.CIDR && slices.Equal(a.Except, b.Except) })); diff != "" {
		t.Errorf("decoded Linkerd objects differ from the proposal (-proposal +decoded):\n%s", diff)
	}
	applied := *c
	applied.MeshPolicies = append(slices.Clone(c.MeshPolicies), decoded.MeshPolicies...)
	rep, _, err := check.Run(&applied, in)
	if err != nil {
		t.Fatal(err)
	}
	fixed := map[string]bool{}
	for _, p := range prop.LinkerdPolicies {
		for _, r := range p.Restores {
			fixed[r] = true
		}
	}
	for _, r := range rep.Results {
		if len(r.Refused) > 0 && fixed[r.Description] {
			t.Errorf("with the decoded objects Linkerd still refuses: %s %v", r.Description, r.Details)
		}
	}
}

// writeAndDecode renders prop with FixYAML and loads it back.
func writeAndDecode(t *testing.T, prop *fix.Proposal) (string, *model.Cluster) {
	t.Helper()
	var out bytes.Buffer
	if err := render.FixYAML(&out, prop, "podreach fix --mesh linkerd"); err != nil {
		t.Fatal(err)
	}
	return out.String(), decode(t, out.Bytes())
}

// TestLinkerdOutputHostile: what a proposal says it restores comes from
// the input (descriptions name workloads); line breaks of any kind in it
// stay inside the comment, so the output holds exactly the proposed
// objects.
func TestLinkerdOutputHostile(t *testing.T) {
	t.Parallel()
	c := load(t, append(slices.Clone(emojivotoBase), denyDefault))
	prop, err := fix.Propose(c, detect(t, c))
	if err != nil {
		t.Fatal(err)
	}
	if len(prop.LinkerdPolicies) == 0 {
		t.Fatal("nothing proposed")
	}
	for _, evil := range []string{"x\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: emojivoto}", "x\r---\rkind: Secret", "x\u2028---\u2028kind: Secret", "x\u0085kind: Secret"} {
		hostile := *prop
		hostile.LinkerdPolicies = slices.Clone(prop.LinkerdPolicies)
		hostile.LinkerdPolicies[0].Restores = []string{evil}
		_, decoded := writeAndDecode(t, &hostile)
		if len(decoded.MeshPolicies) != len(prop.LinkerdPolicies) {
			t.Errorf("restores %q: decoded %d Linkerd objects, want %d", evil, len(decoded.MeshPolicies), len(prop.LinkerdPolicies))
		}
	}
}
