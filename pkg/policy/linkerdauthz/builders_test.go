package linkerdauthz

import (
	"net/netip"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// pod builds a meshed destination in namespace "app" with labels app=name
// and a TCP container port "http" 8080.
func pod(name string, tweaks ...func(*Destination)) *Destination {
	d := &Destination{ID: "app/" + name, Namespace: "app", Meshed: true, Spec: &model.PodSpec{
		Labels:      map[string]string{"app": name},
		Annotations: map[string]string{},
		Containers: []model.Container{{Name: name, Ports: []model.ContainerPort{
			{Container: name, Name: "http", Port: 8080, Protocol: model.TCP}}}},
	}}
	for _, t := range tweaks {
		t(d)
	}
	return d
}

func podAnn(k, v string) func(*Destination) {
	return func(d *Destination) { d.Spec.Annotations[k] = v }
}
func nsAnn(k, v string) func(*Destination) {
	return func(d *Destination) { d.NamespaceAnnotations = map[string]string{k: v} }
}
func unmeshedDst(d *Destination) { d.Meshed = false }
func probe(container, port, path string) func(*Destination) {
	return func(d *Destination) {
		d.Spec.Probes = append(d.Spec.Probes, model.HTTPProbe{Container: container, Port: intstr.Parse(port), Path: path})
	}
}

// meshedClient runs as service account sa in namespace "app", at ip ("" unknown).
func meshedClient(sa, ip string) *Client {
	c := &Client{ID: "app/" + sa, Pod: true, Meshed: true, Namespace: "app", ServiceAccount: sa}
	if ip != "" {
		c.Addr = netip.PrefixFrom(netip.MustParseAddr(ip), 32)
	}
	return c
}

func unmeshedClient(ip string) *Client {
	c := meshedClient("legacy", ip)
	c.Meshed = false
	return c
}

func external(cidr string) *Client {
	return &Client{ID: "internet", Addr: netip.MustParsePrefix(cidr)}
}

func obj(kind, apiVersion, name string, order int) model.MeshPolicy {
	return model.MeshPolicy{Kind: kind, APIVersion: apiVersion, Namespace: "app", Name: name, Order: order}
}

func server(name string, port string, sel map[string]string) model.MeshPolicy {
	o := obj("Server", "policy.linkerd.io/v1beta3", name, 0)
	o.Labels = map[string]string{"srv": name}
	o.Server = &model.MeshServer{PodSelector: &metav1.LabelSelector{MatchLabels: sel}, Port: intstr.Parse(port)}
	return o
}

func authzPolicy(name string, target model.MeshRef, req ...model.MeshRef) model.MeshPolicy {
	o := obj("AuthorizationPolicy", "policy.linkerd.io/v1alpha1", name, 0)
	o.AuthorizationPolicy = &model.MeshAuthorizationPolicy{Target: target, Required: req}
	return o
}

func meshTLS(name string, ids ...string) model.MeshPolicy {
	o := obj("MeshTLSAuthentication", "policy.linkerd.io/v1alpha1", name, 0)
	o.MeshTLS = &model.MeshTLSAuthentication{Identities: ids}
	return o
}

func netAuth(name string, nets ...model.MeshNetwork) model.MeshPolicy {
	o := obj("NetworkAuthentication", "policy.linkerd.io/v1alpha1", name, 0)
	o.Networks = nets
	return o
}

func route(kind, apiVersion, name, srv string, matches ...string) model.MeshPolicy {
	o := obj(kind, apiVersion, name, 0)
	o.Route = &model.MeshRoute{Parents: []model.MeshRef{{Group: GroupPolicy, Kind: "Server", Name: srv}}, Matches: matches}
	return o
}

func ref(kind, name string) model.MeshRef {
	g := GroupPolicy
	switch kind {
	case "Namespace", "ServiceAccount":
		g = ""
	case "GRPCRoute":
		g = GroupGateway
	}
	return model.MeshRef{Group: g, Kind: kind, Name: name}
}

func net(cidr string, except ...string) model.MeshNetwork {
	n := model.MeshNetwork{CIDR: netip.MustParsePrefix(cidr)}
	for _, e := range except {
		n.Except = append(n.Except, netip.MustParsePrefix(e))
	}
	return n
}

func id(sa string) string { return sa + ".app.serviceaccount.identity.linkerd.cluster.local" }

func version(s string) Config { return Config{Version: linkerd.MustParseVersion(s)} }

// decisionCase is one row: the config, the objects, destination, port and
// client, and the verdict and code expected.
type decisionCase struct {
	name    string
	cfg     Config
	objs    []model.MeshPolicy
	dst     *Destination
	port    int32
	client  *Client
	verdict Verdict
	code    string
	routes  int // number of routes in Decision.Routes
}

func runCases(t *testing.T, cases []decisionCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			p := New(tc.cfg, tc.objs)
			port := tc.port
			if port == 0 {
				port = 8080
			}
			d := p.Decide(tc.dst, port, tc.client)
			if d.Verdict != tc.verdict || d.Code != tc.code || len(d.Routes) != tc.routes {
				t.Errorf("got %s/%s routes %q, want %s/%s with %d routes\nreasons: %q\nauthorizations: %+v",
					d.Verdict, d.Code, d.Routes, tc.verdict, tc.code, tc.routes, d.Reasons, d.Authorizations)
			}
		})
	}
}
