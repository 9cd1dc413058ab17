package linkerdauthz

import (
	"strings"
	"testing"
)

// svc is a ClusterIP Service app/web-svc declaring TCP 80, dialled on port.
func svc(port int32, tweaks ...func(*ServiceDial)) *ServiceDial {
	s := &ServiceDial{ID: "app/web-svc", Type: "ClusterIP", TCPPorts: []int32{80}, Port: port}
	for _, t := range tweaks {
		t(s)
	}
	return s
}

// The client side (linkerd2 #14149, #15473): a meshed client's proxy
// resets a connection to a Service port the Service does not declare —
// from edge-25.7.1 (2.19) unless a ServiceProfile exists, from
// edge-26.7.1 even then. One row per era and per exception.
func TestUndeclaredServicePort(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		version string // "" is the newest
		client  *Client
		skip    string
		dial    *ServiceDial
		verdict Verdict
		code    string
	}{
		{name: "2.18 forwards it", version: "2.18", client: meshedClient("web", ""), dial: svc(8080), verdict: NoDecision},
		{name: "edge-25.6.5 forwards it", version: "edge-25.6.5", client: meshedClient("web", ""), dial: svc(8080), verdict: NoDecision},
		{name: "edge-25.7.1 refuses it unless a ServiceProfile exists", version: "edge-25.7.1", client: meshedClient("web", ""), dial: svc(8080), verdict: VerdictUnknown, code: "client_undefined_port_profile"},
		{name: "2.19 refuses it unless a ServiceProfile exists", version: "2.19", client: meshedClient("web", ""), dial: svc(8080), verdict: VerdictUnknown, code: "client_undefined_port_profile"},
		{name: "2.20 refuses it unless a ServiceProfile exists", version: "2.20", client: meshedClient("web", ""), dial: svc(8080), verdict: VerdictUnknown, code: "client_undefined_port_profile"},
		{name: "edge-26.6.4 (2.20) still lets a ServiceProfile through", version: "edge-26.6.4", client: meshedClient("web", ""), dial: svc(8080), verdict: VerdictUnknown, code: "client_undefined_port_profile"},
		{name: "edge-26.7.1 refuses it even with a ServiceProfile", version: "edge-26.7.1", client: meshedClient("web", ""), dial: svc(8080), verdict: Deny, code: "client_undefined_port"},
		{name: "2.21 refuses it", version: "2.21", client: meshedClient("web", ""), dial: svc(8080), verdict: Deny, code: "client_undefined_port"},
		{name: "the newest release refuses it", client: meshedClient("web", ""), dial: svc(8080), verdict: Deny, code: "client_undefined_port"},
		{name: "a declared port passes", client: meshedClient("web", ""), dial: svc(80), verdict: NoDecision},
		{name: "an unmeshed client has no proxy", client: unmeshedClient(""), dial: svc(8080), verdict: NoDecision},
		{name: "skip-outbound-ports bypasses the proxy", client: meshedClient("web", ""), skip: "8000-9000", dial: svc(8080), verdict: NoDecision},
		{name: "an invalid skip list is ignored", client: meshedClient("web", ""), skip: "8080,x", dial: svc(8080), verdict: Deny, code: "client_undefined_port"},
		{name: "a headless Service has no cluster IP", client: meshedClient("web", ""), dial: svc(8080, func(s *ServiceDial) { s.Headless = true }), verdict: NoDecision},
		{name: "an ExternalName Service has no cluster IP", client: meshedClient("web", ""), dial: svc(8080, func(s *ServiceDial) { s.Type = "ExternalName" }), verdict: NoDecision},
		{name: "a NodePort Service has a cluster IP", client: meshedClient("web", ""), dial: svc(8080, func(s *ServiceDial) { s.Type = "NodePort" }), verdict: Deny, code: "client_undefined_port"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			cfg := Config{}
			if tt.version != "" {
				cfg = version(tt.version)
			}
			d := New(cfg, nil).Outbound(tt.client, tt.skip, tt.dial)
			if d.Verdict != tt.verdict || d.Code != tt.code || len(d.Reasons) == 0 {
				t.Errorf("got %s/%s %q, want %s/%s with a reason", d.Verdict, d.Code, d.Reasons, tt.verdict, tt.code)
			}
		})
	}
}

// Combine: the client's proxy decides first; a refusal there is final; an
// unknown client side yields to a destination that refuses anyway.
func TestCombineClientSide(t *testing.T) {
	t.Parallel()
	deny := Decision{Verdict: Deny, Code: "client_undefined_port"}
	unknown := Decision{Verdict: VerdictUnknown, Code: "client_undefined_port_profile"}
	forward := Decision{Verdict: NoDecision}
	tests := []struct {
		name    string
		out, in Decision
		verdict Verdict
		code    string
	}{
		{"forwarded: the destination decides", forward, Decision{Verdict: Deny, Code: "server_denies"}, Deny, "server_denies"},
		{"refused by the client, allowed by the destination", deny, Decision{Verdict: Allow, Code: "default_allows"}, Deny, "client_undefined_port"},
		{"refused by the client, destination not meshed", deny, Decision{Verdict: NoDecision, Code: "not_meshed"}, Deny, "client_undefined_port"},
		{"unknown client side, destination refuses", unknown, Decision{Verdict: Deny, Code: "server_denies"}, Deny, "server_denies"},
		{"unknown client side, destination allows", unknown, Decision{Verdict: Allow, Code: "default_allows"}, VerdictUnknown, "client_undefined_port_profile"},
		{"unknown client side, destination audits", unknown, Decision{Verdict: Audit, Code: "default_audit"}, VerdictUnknown, "client_undefined_port_profile"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d := Combine(tt.out, tt.in)
			if d.Verdict != tt.verdict || d.Code != tt.code {
				t.Errorf("got %s/%s, want %s/%s", d.Verdict, d.Code, tt.verdict, tt.code)
			}
		})
	}
	d := Combine(unknown, Decision{Verdict: Allow, Code: "default_allows"})
	if !strings.Contains(strings.Join(d.Reasons, "\n"), "if it gets through: allow (default_allows)") {
		t.Errorf("reasons %q do not say what the destination would do", d.Reasons)
	}
}

// Each unknown code says why in the headline.
func TestUnknownWhy(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]string{
		"unknown_network":               "the client's address is not in the input",
		"unread_policy":                 "Linkerd objects it depends on could not be read",
		"client_undefined_port_profile": "the client's proxy refuses it unless the Service has a ServiceProfile, which podreach does not read",
	} {
		if got := (Decision{Verdict: VerdictUnknown, Code: code}).UnknownWhy(); got != want {
			t.Errorf("%s: %q, want %q", code, got, want)
		}
	}
}
