package linkerd

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

func flowIDs(fs []mesh.Flow) []string {
	var ids []string
	for _, f := range fs {
		ids = append(ids, f.ID)
	}
	slices.Sort(ids)
	return ids
}

func ids(groups ...[]string) []string {
	out := slices.Concat(groups...)
	slices.Sort(out)
	return out
}

// TestFlowIDs pins the exact flow set of representative releases, with no
// extension and with all of them.
func TestFlowIDs(t *testing.T) {
	t.Parallel()
	var (
		seedCore   = []string{"proxy-to-destination", "proxy-to-dns", "control-plane-to-apiserver", "meshed-app-traffic"}
		seedCLI    = []string{"apiserver-to-public-api"}
		legacyViz  = []string{"prometheus-to-proxy-admin", "prometheus-to-control-plane-admin", "tap-to-proxy-tap", "web-to-metrics-api", "metrics-api-to-prometheus"}
		grafana    = []string{"web-to-grafana", "grafana-to-prometheus"}
		identity   = []string{"proxy-to-identity", "apiserver-to-sp-validator"}
		injector   = []string{"apiserver-to-proxy-injector"}
		heartbeat  = []string{"heartbeat-to-versioncheck"}
		heartProm  = []string{"heartbeat-to-prometheus"}
		legacyTap  = []string{"apiserver-to-tap"}
		policy     = []string{"proxy-to-policy", "apiserver-to-policy-validator"}
		vizExt     = []string{"apiserver-to-tap", "apiserver-to-tap-injector", "prometheus-to-viz-admin", "viz-to-apiserver", "heartbeat-to-prometheus"}
		jaeger     = []string{"proxy-to-trace-collector", "apiserver-to-jaeger-injector"}
		mc         = []string{"multicluster-gateway-ingress", "multicluster-to-apiserver"}
		mcViz      = []string{"prometheus-to-multicluster-admin"} // needs viz and multicluster
		core29     = ids(seedCore, identity, injector, heartbeat)
		core211    = ids(core29, policy)
		vizExt1011 = ids(legacyViz, vizExt, grafana)
		vizExt12   = ids(legacyViz, vizExt)
	)
	tests := []struct {
		version       string
		opts          []Option
		core, allExts []string
	}{
		{"edge-19.1.2", nil, ids(seedCore, seedCLI, legacyViz, grafana), ids(seedCore, seedCLI, legacyViz, grafana)},
		{"edge-19.1.2", []Option{WithComponents("proxy-injector")},
			ids(seedCore, seedCLI, legacyViz, grafana, injector), ids(seedCore, seedCLI, legacyViz, grafana, injector)},
		{"2.3", nil, ids(seedCore, seedCLI, legacyViz, grafana, identity), ids(seedCore, seedCLI, legacyViz, grafana, identity)},
		{"2.9", nil, ids(core29, legacyTap, legacyViz, grafana, heartProm), ids(core29, legacyTap, legacyViz, grafana, heartProm, mc)},
		{"2.10", nil, core29, ids(core29, vizExt1011, jaeger, mc, mcViz)},
		{"stable-2.14.10", nil, core211, ids(core211, vizExt12, jaeger, mc, mcViz)},
		{"2.17", nil, core211, ids(core211, vizExt12, jaeger, mc, mcViz)},
		{"2.18", nil, core211, ids(core211, vizExt12, jaeger, mc, mcViz)},
		{"2.19", nil, core211, ids(core211, vizExt12, mc, mcViz)},
		{"edge-26.8.3", nil, core211, ids(core211, vizExt12, mc, mcViz)},
	}
	all := []Option{WithExtension(ExtensionViz, "linkerd-viz"), WithExtension(ExtensionJaeger, "linkerd-jaeger"),
		WithExtension(ExtensionMulticluster, "linkerd-multicluster")}
	for _, tt := range tests {
		t.Run(tt.version, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.core, flowIDs(install(tt.version, tt.opts...).Flows())); diff != "" {
				t.Errorf("core flows (-want +got):\n%s", diff)
			}
			withAll := append(slices.Clone(tt.opts), all...)
			if diff := cmp.Diff(tt.allExts, flowIDs(install(tt.version, withAll...).Flows())); diff != "" {
				t.Errorf("flows with all extensions (-want +got):\n%s", diff)
			}
		})
	}
}

// TestFlowsExtensionGating checks that each extension only adds its own flows.
func TestFlowsExtensionGating(t *testing.T) {
	t.Parallel()
	core := flowIDs(install("2.18").Flows())
	for ext, want := range map[string][]string{
		ExtensionJaeger:       {"apiserver-to-jaeger-injector", "proxy-to-trace-collector"},
		ExtensionMulticluster: {"multicluster-gateway-ingress", "multicluster-to-apiserver"},
	} {
		got := flowIDs(install("2.18", WithExtension(ext, "x")).Flows())
		got = slices.DeleteFunc(got, func(id string) bool { return slices.Contains(core, id) })
		if diff := cmp.Diff(ids(want), got); diff != "" {
			t.Errorf("%s adds (-want +got):\n%s", ext, diff)
		}
	}
}

func sel(labels map[string]string, exprs ...metav1.LabelSelectorRequirement) *metav1.LabelSelector {
	return &metav1.LabelSelector{MatchLabels: labels, MatchExpressions: exprs}
}

func findFlow(t *testing.T, in *Install, id string) mesh.Flow {
	t.Helper()
	for _, f := range in.Flows() {
		if f.ID == id {
			return f
		}
	}
	t.Fatalf("%s: no flow %q", in.Version(), id)
	return mesh.Flow{}
}

// TestCoreFlows pins ports, peers and transport of the core flows.
func TestCoreFlows(t *testing.T) {
	t.Parallel()
	meshed := mesh.Peer{Kind: mesh.PeerMeshedPods, Name: "meshed pods",
		PodSelector: sel(map[string]string{labelControlPlaneNS: "l5d"})}
	comp := func(name, c string) mesh.Peer {
		return mesh.Peer{Kind: mesh.PeerPods, Namespace: "l5d", Name: name,
			PodSelector: sel(map[string]string{labelComponent: c})}
	}
	apiserver := mesh.Peer{Kind: mesh.PeerAPIServer, Name: "the Kubernetes API server"}
	tcp := func(port int32, name string) mesh.Port { return mesh.Port{Port: port, Protocol: model.TCP, Name: name} }
	type want struct {
		From, To  mesh.Peer
		Ports     []mesh.Port
		Transport mesh.Transport
		Severity  mesh.Severity
		Desc      string
	}
	tests := []struct {
		version, id string
		want        want
	}{
		{"edge-19.1.2", "proxy-to-destination", want{meshed, comp("linkerd-controller", "controller"), []mesh.Port{tcp(8086, "grpc")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach linkerd-controller (destination gRPC, 8086/TCP)"}},
		{"edge-26.8.3", "proxy-to-destination", want{meshed, comp("linkerd-destination", "destination"), []mesh.Port{tcp(8086, "dest-grpc")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach linkerd-destination (destination gRPC, 8086/TCP)"}},
		{"stable-2.14.10", "proxy-to-identity", want{meshed, comp("linkerd-identity", "identity"), []mesh.Port{tcp(8080, "grpc")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)"}},
		{"2.19", "proxy-to-identity", want{meshed, comp("linkerd-identity", "identity"), []mesh.Port{tcp(8080, "ident-grpc")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)"}},
		{"2.18", "proxy-to-policy", want{meshed, comp("linkerd-destination", "destination"), []mesh.Port{tcp(8090, "grpc")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach linkerd-destination (policy gRPC, 8090/TCP)"}},
		{"2.18", "proxy-to-dns", want{meshed, mesh.Peer{Kind: mesh.PeerPods, Namespace: "kube-system", Name: "kube-dns",
			PodSelector: sel(map[string]string{"k8s-app": "kube-dns"})},
			[]mesh.Port{{Port: 53, Protocol: model.UDP, Name: "dns"}, tcp(53, "dns-tcp")},
			mesh.TransportDirect, mesh.SeverityError, "meshed pods can reach kube-dns (DNS, 53/UDP, 53/TCP)"}},
		{"2.18", "control-plane-to-apiserver", want{mesh.Peer{Kind: mesh.PeerPods, Namespace: "l5d", Name: "linkerd control plane pods",
			PodSelector: sel(nil, metav1.LabelSelectorRequirement{Key: labelComponent, Operator: metav1.LabelSelectorOpExists})},
			apiserver, []mesh.Port{tcp(443, "https"), tcp(6443, "https")},
			mesh.TransportDirect, mesh.SeverityError, "linkerd control plane pods can reach the Kubernetes API server (443/TCP or 6443/TCP)"}},
		{"2.18", "apiserver-to-proxy-injector", want{apiserver, comp("linkerd-proxy-injector", "proxy-injector"), []mesh.Port{tcp(8443, "proxy-injector")},
			mesh.TransportDirect, mesh.SeverityError, "the Kubernetes API server can reach linkerd-proxy-injector (proxy injector webhook, 8443/TCP)"}},
		{"2.10", "apiserver-to-sp-validator", want{apiserver, comp("linkerd-sp-validator", "sp-validator"), []mesh.Port{tcp(8443, "sp-validator")},
			mesh.TransportDirect, mesh.SeverityWarning, "the Kubernetes API server can reach linkerd-sp-validator (ServiceProfile validator webhook, 8443/TCP)"}},
		{"2.11", "apiserver-to-policy-validator", want{apiserver, comp("linkerd-destination", "destination"), []mesh.Port{tcp(9443, "policy-https")},
			mesh.TransportDirect, mesh.SeverityWarning, "the Kubernetes API server can reach linkerd-destination (policy validator webhook, 9443/TCP)"}},
		{"edge-19.1.2", "apiserver-to-public-api", want{apiserver, comp("linkerd-controller", "controller"), []mesh.Port{tcp(8085, "http")},
			mesh.TransportDirect, mesh.SeverityError, "the Kubernetes API server can reach linkerd-controller (public API through the API server proxy, 8085/TCP)"}},
		{"edge-19.1.2", "prometheus-to-proxy-admin", want{comp("linkerd-prometheus", "prometheus"), meshed, []mesh.Port{tcp(4191, "linkerd-metrics")},
			mesh.TransportDirect, mesh.SeverityError, "linkerd-prometheus can scrape the proxy metrics of meshed pods (4191/TCP)"}},
		{"edge-19.1.2", "tap-to-proxy-tap", want{comp("linkerd-controller", "controller"), meshed, []mesh.Port{tcp(4190, "")},
			mesh.TransportDirect, mesh.SeverityWarning, "linkerd-controller can reach the tap server of meshed pods (4190/TCP)"}},
		{"2.9", "meshed-app-traffic", want{meshed, meshed, nil, mesh.TransportMesh, mesh.SeverityError,
			"meshed clients can reach meshed servers on their application ports"}},
		{"edge-25.3.1", "meshed-app-traffic", want{meshed, meshed, nil, mesh.TransportMesh, mesh.SeverityError,
			"meshed clients can reach meshed servers on their application ports (opaque ports on 4143/TCP)"}},
		{"edge-25.3.2", "meshed-app-traffic", want{meshed, meshed, nil, mesh.TransportMesh, mesh.SeverityError,
			"meshed clients can reach meshed servers on the proxy inbound port (4143/TCP)"}},
	}
	for _, tt := range tests {
		t.Run(tt.version+"/"+tt.id, func(t *testing.T) {
			t.Parallel()
			f := findFlow(t, install(tt.version, WithNamespace("l5d")), tt.id)
			got := want{f.From, f.To, f.Ports, f.Transport, f.Severity, f.Description}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("flow (-want +got):\n%s", diff)
			}
			if f.Anchor != "docs/checks.md#"+tt.id || f.Extension != "" {
				t.Errorf("anchor %q, extension %q", f.Anchor, f.Extension)
			}
		})
	}
}

// TestExtensionFlows checks extension peers resolve to the detected
// namespaces and version-dependent ports.
func TestExtensionFlows(t *testing.T) {
	t.Parallel()
	in := install("2.14.10", WithExtension(ExtensionViz, "monitoring"), WithExtension(ExtensionJaeger, "tracing"),
		WithExtension(ExtensionMulticluster, "mc"))
	prom := findFlow(t, in, "prometheus-to-proxy-admin")
	if prom.From.Namespace != "monitoring" || prom.Extension != ExtensionViz || prom.Category != CategoryViz ||
		!strings.Contains(prom.Hint, "viz prometheus") {
		t.Errorf("prometheus-to-proxy-admin = %+v", prom)
	}
	if f := findFlow(t, in, "proxy-to-trace-collector"); f.To.Namespace != "tracing" || f.Ports[0].Port != 55678 {
		t.Errorf("2.14 trace collector = %+v", f)
	}
	if f := findFlow(t, install("2.18", WithExtension(ExtensionJaeger, "tracing")), "proxy-to-trace-collector"); f.Ports[0].Port != 4317 {
		t.Errorf("2.18 trace collector port = %d, want 4317", f.Ports[0].Port)
	}
	gw := findFlow(t, in, "multicluster-gateway-ingress")
	if gw.From.Kind != mesh.PeerAny || gw.To.Namespace != "mc" || len(gw.Ports) != 2 || gw.Ports[1].Port != 4191 {
		t.Errorf("gateway ingress = %+v", gw)
	}
	if f := findFlow(t, install("2.9", WithExtension(ExtensionMulticluster, "mc")), "multicluster-gateway-ingress"); f.Ports[1].Port != 4181 {
		t.Errorf("2.9 gateway probe port = %d, want 4181", f.Ports[1].Port)
	}
	if f := findFlow(t, in, "prometheus-to-viz-admin"); !f.DeclaredOnly || f.Transport != mesh.TransportMesh || f.To.Namespace != "monitoring" {
		t.Errorf("prometheus-to-viz-admin = %+v", f)
	}
	hint := findFlow(t, install("2.18", WithExtension(ExtensionViz, "v")), "metrics-api-to-prometheus").Hint
	if !strings.Contains(hint, "4143/TCP") {
		t.Errorf("2.18 metrics-api hint does not mention 4143: %q", hint)
	}
	if hint := findFlow(t, in, "metrics-api-to-prometheus").Hint; strings.Contains(hint, "4143") {
		t.Errorf("2.14 metrics-api hint mentions 4143: %q", hint)
	}
}

// TestFlowsFresh checks Flows returns values a caller may modify.
func TestFlowsFresh(t *testing.T) {
	t.Parallel()
	in := install("2.18")
	a := in.Flows()
	a[0].Ports[0].Port = 1
	a[0].To.PodSelector.MatchLabels["x"] = "y"
	if diff := cmp.Diff(in.Flows(), install("2.18").Flows()); diff != "" {
		t.Errorf("modifying a result changed the next one:\n%s", diff)
	}
}

// TestTransparentModeFlows checks outboundTransportMode=transparent keeps
// the 2.17 description and hints on 2.18+.
func TestTransparentModeFlows(t *testing.T) {
	t.Parallel()
	in := install("edge-26.8.3", WithTransportMode(Transparent), WithExtension(ExtensionViz, "linkerd-viz"))
	app := findFlow(t, in, "meshed-app-traffic")
	if want := "meshed clients can reach meshed servers on their application ports (opaque ports on 4143/TCP)"; app.Description != want {
		t.Errorf("description = %q, want %q", app.Description, want)
	}
	if !strings.Contains(app.Hint, "25,587,3306,4444,5432,6379,9300,11211") {
		t.Errorf("hint does not list the default opaque ports: %q", app.Hint)
	}
	if hint := findFlow(t, in, "metrics-api-to-prometheus").Hint; strings.Contains(hint, "4143") {
		t.Errorf("transparent-mode hint mentions 4143: %q", hint)
	}
}
