package effective

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// TestExplainClientSide: explain to a Service on a port it does not declare
// shows the client's own proxy as the Linkerd layer's reason, per era
// (linkerdauthz.TestUndeclaredServicePort has the rules); a declared port
// and a headless Service (decoded from clusterIP: None) are left to the
// destination's proxy.
func TestExplainClientSide(t *testing.T) {
	t.Parallel()
	headless := filepath.Join(t.TempDir(), "headless.yaml")
	if err := os.WriteFile(headless, []byte(`apiVersion: v1
kind: Service
metadata: {name: emoji-headless, namespace: emojivoto}
spec:
  clusterIP: None
  selector: {app: emoji-svc}
  ports: [{name: grpc, port: 8080}]
`), 0o644); err != nil {
		t.Fatal(err)
	}
	c := load(t, append(shipped["emojivoto+authz"], headless)...)
	tests := []struct {
		name, era, to string
		port          int
		allowed       bool
		unknown       bool
		code          string
	}{
		{"newest: the client's proxy refuses", "", "svc/emojivoto/emoji-svc", 9999, false, false, "client_undefined_port"},
		{"2.18: forwarded to the pod port", "2.18", "svc/emojivoto/emoji-svc", 9999, true, false, "default_allows"},
		{"2.19: unless a ServiceProfile exists", "2.19", "svc/emojivoto/emoji-svc", 9999, false, true, "client_undefined_port_profile"},
		{"a declared port the destination admits", "", "svc/emojivoto/emoji-svc", 8080, true, false, "server_authorized"},
		{"a declared port the destination refuses", "", "svc/emojivoto/emoji-svc", 8801, false, false, "server_denies"},
		{"a headless Service", "", "svc/emojivoto/emoji-headless", 9999, true, false, "default_allows"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			a, _, err := Analyze(c, WithMesh(MeshLinkerd), WithLinkerdVersion(tt.era))
			if err != nil {
				t.Fatal(err)
			}
			x, err := a.Explain("emojivoto/web", tt.to, reach.PortSpec{Number: tt.port, Protocol: model.TCP}, "")
			if err != nil {
				t.Fatal(err)
			}
			ld, ok := x.LinkerdAt(0)
			if !ok || ld.Code != tt.code || x.Allowed() != tt.allowed || x.Unknown() != tt.unknown {
				t.Errorf("Linkerd %s/%s, allowed %v unknown %v; want %s, %v %v\nreasons: %q", ld.Verdict, ld.Code, x.Allowed(), x.Unknown(), tt.code, tt.allowed, tt.unknown, ld.Reasons)
			}
		})
	}
}

// TestEgressNetworkCouldChange: an EgressNetwork that denies is not
// evaluated; it makes "cannot know" the answers about a pod's connections
// to external peers, and no other (it governs what meshed clients send out
// of the cluster); one that allows refuses nothing.
func TestEgressNetworkCouldChange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		policy, to string
		unknown    bool
	}{
		{"Deny", "8.8.8.8/32", true},
		{"Deny", "emojivoto/voting", false},
		{"Allow", "8.8.8.8/32", false},
	} {
		t.Run(tt.policy+" to "+tt.to, func(t *testing.T) {
			t.Parallel()
			f := filepath.Join(t.TempDir(), "egress.yaml")
			doc := "apiVersion: policy.linkerd.io/v1alpha1\nkind: EgressNetwork\nmetadata: {name: out, namespace: emojivoto}\nspec: {trafficPolicy: " + tt.policy + "}\n"
			if err := os.WriteFile(f, []byte(doc), 0o644); err != nil {
				t.Fatal(err)
			}
			a, _, err := Analyze(load(t, "../../examples/emojivoto-linkerd/", f), WithMesh(MeshLinkerd))
			if err != nil {
				t.Fatal(err)
			}
			x, err := a.Explain("emojivoto/web", tt.to, reach.PortSpec{Number: 443, Protocol: model.TCP}, "")
			if err != nil {
				t.Fatal(err)
			}
			if x.Unknown() != tt.unknown {
				t.Errorf("unknown %v, want %v; could change: %+v", x.Unknown(), tt.unknown, x.CouldChange)
			}
		})
	}
}
