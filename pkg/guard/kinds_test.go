package guard

import (
	"fmt"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/model"
)

// authzExample is the example's Linkerd authorization (every emojivoto
// port has a Server; Prometheus is authorized to scrape).
const authzExample = "../../examples/emojivoto-authz/authz.yaml"

func create(kind, group, ns, name, file string, tweaks ...func(map[string]any)) func(t *testing.T) Request {
	return func(t *testing.T) Request {
		return Request{Operation: OpCreate, Group: group, Kind: kind, Namespace: ns, Name: name, Object: object(t, file, kind, ns, name, tweaks...)}
	}
}

func update(kind, group, ns, name, file string, tweaks ...func(map[string]any)) func(t *testing.T) Request {
	return func(t *testing.T) Request {
		r := create(kind, group, ns, name, file, tweaks...)(t)
		r.Operation, r.OldObject = OpUpdate, object(t, file, kind, ns, name)
		return r
	}
}

func remove(kind, group, ns, name, file string) func(t *testing.T) Request {
	return func(t *testing.T) Request {
		return Request{Operation: OpDelete, Group: group, Kind: kind, Namespace: ns, Name: name, OldObject: object(t, file, kind, ns, name)}
	}
}

// removes is the warning counting the connections a change removes (a
// connection Linkerd now refuses is one).
func removes(n int) string {
	return fmt.Sprintf("podreach: this change removes %d connections (workload pairs losing a port)", n)
}

func setSpec(key string, v any) func(map[string]any) {
	return func(d map[string]any) { at(d, "spec")[key] = v }
}

// TestReviewPolicyKinds: each cluster-tier and Linkerd policy kind is
// applied to the model copy and judged; the warning names the broken flow
// and the layer that breaks it.
func TestReviewPolicyKinds(t *testing.T) {
	t.Parallel()
	const identity = "✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 11/12 sources blocked by "
	const scrape = "✔→× viz prometheus can scrape the proxy metrics of meshed pods (4191/TCP) (Linkerd authorization): 1/1 sources refused"
	for _, tc := range []reviewCase{{
		name: "AdminNetworkPolicy Deny of linkerd-identity ingress", mode: ModeEnforce, denied: true,
		req:    create("AdminNetworkPolicy", groupTier, "", "deny-identity-ingress", "testdata/tiers.yaml"),
		broken: []string{"proxy-to-identity", "prometheus-to-proxy-admin"},
		warn:   []string{identity + "AdminNetworkPolicy deny-identity-ingress; see: podreach explain -f FILE --from emojivoto/emoji --to linkerd/linkerd-identity --port 8080", "by AdminNetworkPolicy deny-identity-ingress", removes(11)},
	}, {
		name: "ClusterNetworkPolicy v1alpha2 Admin-tier Deny", mode: ModeEnforce, denied: true,
		req:    create("ClusterNetworkPolicy", groupTier, "", "deny-identity-ingress", "testdata/tiers.yaml"),
		broken: []string{"proxy-to-identity", "prometheus-to-proxy-admin"},
		warn:   []string{identity + "ClusterNetworkPolicy deny-identity-ingress (Admin tier)", "by ClusterNetworkPolicy", removes(11)},
	}, {
		name: "ClusterNetworkPolicy moved to the Baseline tier under an allowing NetworkPolicy", mode: ModeEnforce,
		extra: []string{"testdata/allow-all-linkerd.yaml"},
		req:   create("ClusterNetworkPolicy", groupTier, "", "deny-identity-ingress", "testdata/tiers.yaml", setSpec("tier", "Baseline")),
	}, {
		name: "BaselineAdminNetworkPolicy Deny into linkerd", mode: ModeWarn,
		req:    create("BaselineAdminNetworkPolicy", groupTier, "", "default", "testdata/tiers.yaml"),
		broken: append(slices.Clone(controlPlaneFlows), "prometheus-to-proxy-admin"),
		warn:   []string{"by BaselineAdminNetworkPolicy default; see:", "by BaselineAdminNetworkPolicy", "by BaselineAdminNetworkPolicy", "by BaselineAdminNetworkPolicy", removes(33)},
	}, {
		// The tiers are evaluated: the lines were ✔ before.
		name: "deleting the AdminNetworkPolicy that admits over the baseline", mode: ModeWarn,
		extra:  []string{"testdata/baseline-and-allow.yaml"},
		req:    remove("AdminNetworkPolicy", groupTier, "", "allow-mesh", "testdata/baseline-and-allow.yaml"),
		broken: append(slices.Clone(controlPlaneFlows), "prometheus-to-proxy-admin"),
		warn: []string{"✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 11/12 sources blocked by the tiers without",
			"the tiers without", "the tiers without", "the tiers without", removes(33)},
	}, {
		name: "deleting the AuthorizationPolicy that admits Prometheus", mode: ModeEnforce, denied: true,
		extra: []string{authzExample}, broken: []string{"prometheus-to-proxy-admin-authorized"},
		req:  remove("AuthorizationPolicy", groupLinkerd, "emojivoto", "proxy-admin-from-prometheus", authzExample),
		warn: []string{scrape, removes(4)},
	}, {
		name: "a MeshTLSAuthentication that no longer names Prometheus", mode: ModeEnforce, denied: true,
		extra: []string{authzExample}, broken: []string{"prometheus-to-proxy-admin-authorized"},
		req: update("MeshTLSAuthentication", groupLinkerd, "emojivoto", "prometheus", authzExample,
			setSpec("identities", []any{"other.linkerd-viz.serviceaccount.identity.linkerd.cluster.local"})),
		warn: []string{scrape + " by Linkerd; see: podreach explain -f FILE --from linkerd-viz/prometheus --to emojivoto/emoji --port 4191", removes(4)},
	}, {
		name: "a Server without authorizations on the control plane's admin port", mode: ModeEnforce, denied: true,
		broken: []string{"prometheus-to-proxy-admin-authorized"},
		req:    create("Server", groupLinkerd, "linkerd", "proxy-admin", "testdata/linkerd-admin-server.yaml"),
		warn:   []string{scrape + " by Linkerd; see: podreach explain -f FILE --from linkerd-viz/prometheus --to linkerd/linkerd-destination --port 4191", removes(33)},
	}, {
		name: "deleting the ServerAuthorization of that Server", mode: ModeEnforce, denied: true,
		extra: []string{"testdata/linkerd-admin-server.yaml"}, broken: []string{"prometheus-to-proxy-admin-authorized"},
		req:  remove("ServerAuthorization", groupLinkerd, "linkerd", "proxy-admin-prometheus", "testdata/linkerd-admin-server.yaml"),
		warn: []string{scrape, removes(3)},
	}, {
		name: "a NetworkAuthentication narrowed off the pods", mode: ModeWarn,
		extra: []string{"testdata/linkerd-admin-network.yaml"}, broken: []string{"prometheus-to-proxy-admin-authorized"},
		req: update("NetworkAuthentication", groupLinkerd, "linkerd", "pod-network", "testdata/linkerd-admin-network.yaml",
			setSpec("networks", []any{map[string]any{"cidr": "192.0.2.0/24"}})),
		// The pods' addresses are not in the input: it could not be
		// proven before, and is refused after.
		warn: []string{"‼→× viz prometheus can scrape the proxy metrics of meshed pods (4191/TCP) (Linkerd authorization): 1/1 sources refused", removes(33)},
	}, {
		// Prometheus stays authorized, but with a route attached Linkerd no
		// longer authorizes the kubelet's probes on the admin port, and no
		// authorization admits the kubelet (docs/linkerd-authz.md).
		name: "an HTTPRoute on an authorized Server breaks the kubelet's probes", mode: ModeEnforce,
		extra:  []string{"testdata/linkerd-admin-server.yaml"},
		req:    create("HTTPRoute", groupLinkerd, "linkerd", "proxy-admin-ready", "testdata/linkerd-admin-route.yaml"),
		broken: probesBroken("linkerd/linkerd-destination", "linkerd/linkerd-identity", "linkerd/linkerd-proxy-injector"),
		warn:   probeWarnings("linkerd/linkerd-destination", "linkerd/linkerd-identity", "linkerd/linkerd-proxy-injector"),
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			g, _, err := New(exampleCluster(t, tc.extra...), WithMode(tc.mode))
			if err != nil {
				t.Fatal(err)
			}
			v, err := g.Review(tc.req(t))
			if err != nil {
				t.Fatal(err)
			}
			checkVerdict(t, tc, v)
		})
	}
}

// probesBroken are the probe lines of the proxies' /live and /ready on
// 4191 of the workloads.
func probesBroken(workloads ...string) []string {
	var out []string
	for _, w := range workloads {
		out = append(out, "kubelet-probe "+w+" 4191/live", "kubelet-probe "+w+" 4191/ready")
	}
	return out
}

// probeWarnings are the warnings of probesBroken.
func probeWarnings(workloads ...string) []string {
	var out []string
	for _, w := range workloads {
		for _, path := range []string{"/live", "/ready"} {
			out = append(out, "new × kubelet → "+w+" probe 4191"+path+": 1/1 sources refused; see: podreach explain -f FILE --from 0.0.0.0/0 --to "+w+" --port 4191")
		}
	}
	return out
}

// TestApplyPolicyKind: the object replaces its record (one per identity;
// a Linkerd object keeps its place), a delete removes it, a delete of an
// unknown object changes nothing, and the model before is not modified.
func TestApplyPolicyKind(t *testing.T) {
	t.Parallel()
	c := exampleCluster(t, "testdata/linkerd-admin-server.yaml")
	before := len(c.MeshPolicies)
	route := create("HTTPRoute", groupLinkerd, "linkerd", "proxy-admin-ready", "testdata/linkerd-admin-route.yaml")(t)
	after, err := apply(c, route)
	if err != nil || after == nil {
		t.Fatal(after, err)
	}
	if len(after.MeshPolicies) != before+1 || len(c.MeshPolicies) != before {
		t.Fatalf("mesh policies %d → %d (the model before has %d)", before, len(after.MeshPolicies), len(c.MeshPolicies))
	}
	srv := update("Server", groupLinkerd, "linkerd", "proxy-admin", "testdata/linkerd-admin-server.yaml", setSpec("port", 4191))(t)
	again, err := apply(after, srv)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(again.MeshPolicies, func(p model.MeshPolicy) bool { return p.Kind == "Server" && p.Name == "proxy-admin" })
	j := slices.IndexFunc(after.MeshPolicies, func(p model.MeshPolicy) bool { return p.Kind == "Server" && p.Name == "proxy-admin" })
	if len(again.MeshPolicies) != len(after.MeshPolicies) || again.MeshPolicies[i].Order != after.MeshPolicies[j].Order {
		t.Errorf("the updated Server is not in its record's place")
	}
	gone, err := apply(again, Request{Operation: OpDelete, Group: groupLinkerd, Kind: "HTTPRoute", Namespace: "linkerd", Name: "proxy-admin-ready"})
	if err != nil || len(gone.MeshPolicies) != before {
		t.Fatalf("delete: %v, %d mesh policies, want %d", err, len(gone.MeshPolicies), before)
	}
	// The Gateway API's HTTPRoute of the same name is another object.
	none, err := apply(again, Request{Operation: OpDelete, Group: groupGateway, Kind: "HTTPRoute", Namespace: "linkerd", Name: "proxy-admin-ready"})
	if err != nil || none != nil {
		t.Fatalf("deleting an unknown object: %v, %v", none, err)
	}
	bad := create("AdminNetworkPolicy", groupTier, "", "deny-identity-ingress", "testdata/tiers.yaml", setSpec("priority", -1))(t)
	if _, err := apply(c, bad); err == nil {
		t.Errorf("an invalid AdminNetworkPolicy was applied")
	}
}
