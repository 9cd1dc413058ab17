package guard

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

func TestParseConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, in, err string
		want          []Flow
	}{
		{name: "empty", in: ""},
		{name: "protocol defaults to TCP", in: "protected:\n- {from: emojivoto/web, to: emojivoto/emoji, port: 8080}\n",
			want: []Flow{{From: "emojivoto/web", To: "emojivoto/emoji", Port: 8080, Protocol: model.TCP}}},
		{name: "UDP", in: "protected:\n- {from: a/b, to: kube-system/coredns, port: 53, protocol: udp}\n",
			want: []Flow{{From: "a/b", To: "kube-system/coredns", Port: 53, Protocol: model.UDP}}},
		{name: "unknown field", in: "protected:\n- {from: a/b, to: c/d, prot: 80}\n", err: "cfg.yaml: yaml: unmarshal errors:\n  line 2: field prot not found"},
		{name: "from without namespace", in: "protected:\n- {from: web, to: c/d, port: 80}\n", err: `cfg.yaml: protected[0].from: want namespace/name, got "web"`},
		{name: "port out of range", in: "protected:\n- {from: a/b, to: c/d, port: 70000}\n", err: "cfg.yaml: protected[0].port: want 1-65535, got 70000"},
		{name: "bad protocol", in: "protected:\n- {from: a/b, to: c/d, port: 80, protocol: ICMP}\n", err: "cfg.yaml: protected[0].protocol:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c, err := ParseConfig("cfg.yaml", []byte(tc.in))
			if tc.err != "" {
				if err == nil || !strings.HasPrefix(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, c.Protected); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

// TestProtectedFlow: a change the mesh check does not see (an application
// flow) is denied in enforce mode when the flow is protected.
func TestProtectedFlow(t *testing.T) {
	t.Parallel()
	web := Flow{From: "emojivoto/web", To: "emojivoto/emoji", Port: 8080, Protocol: model.TCP}
	other := Flow{From: "emojivoto/vote-bot", To: "emojivoto/web", Port: 8080, Protocol: model.TCP}
	g, ds, err := New(exampleCluster(t), WithMode(ModeEnforce), WithProtected(web, other))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 0 {
		t.Fatalf("diagnostics %v: both flows are allowed before", ds)
	}
	v, err := g.Review(Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: "emojivoto", Name: "deny-all-ingress",
		Object: object(t, examplePath("deny-all-ingress.yaml"), "NetworkPolicy", "emojivoto", "deny-all-ingress")})
	if err != nil {
		t.Fatal(err)
	}
	// deny-all-ingress in emojivoto admits emojivoto's own pods: web →
	// emoji stays; vote-bot is in emojivoto too. Neither is lost (the
	// verdict denies it for the viz prometheus flow).
	if len(v.Lost) != 0 {
		t.Fatalf("same-namespace flows lost: %+v", v)
	}
	v, err = g.Review(Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: "emojivoto", Name: "deny",
		Object: []byte(`{"apiVersion":"networking.k8s.io/v1","kind":"NetworkPolicy","metadata":{"name":"deny","namespace":"emojivoto"},"spec":{"podSelector":{"matchLabels":{"app":"emoji-svc"}},"policyTypes":["Ingress"]}}`)})
	if err != nil {
		t.Fatal(err)
	}
	if v.Allowed || !cmp.Equal(v.Lost, []Flow{web}) || !strings.Contains(v.Message, "protected flow emojivoto/web → emojivoto/emoji 8080/TCP is lost") {
		t.Fatalf("verdict %+v, want web → emoji lost and denied", v)
	}
	if !slices.Contains(v.Warnings, "podreach: protected flow emojivoto/web → emojivoto/emoji 8080/TCP is lost") {
		t.Errorf("warnings %q", v.Warnings)
	}
}

func TestProtectedFlowNotAllowedIsADiagnostic(t *testing.T) {
	t.Parallel()
	_, ds, err := New(exampleCluster(t), WithProtected(Flow{From: "emojivoto/web", To: "no/such", Port: 80, Protocol: model.TCP}))
	if err != nil {
		t.Fatal(err)
	}
	if len(ds) != 1 || !strings.Contains(ds[0].Error(), "protected flow emojivoto/web → no/such 80/TCP: not allowed") {
		t.Fatalf("diagnostics %v", ds)
	}
}
