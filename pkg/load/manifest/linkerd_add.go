package manifest

import (
	"encoding/json"
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/util/intstr"
	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/podreach/podreach/pkg/model"
)

// The values the CRDs accept (charts/linkerd-crds/templates/policy).
var (
	proxyProtocols  = []string{"unknown", "HTTP/1", "HTTP/2", "gRPC", "opaque", "TLS"}
	defaultPolicies = []string{"all-unauthenticated", "all-authenticated", "cluster-unauthenticated", "cluster-authenticated", "deny", "audit"}
)

func addLinkerdServer(o *object) {
	s := decodeAs[lServer](o, true)
	if s == nil {
		return
	}
	o.meta(&s.ObjectMeta)
	sp := &s.Spec
	// "podSelector XOR externalWorkloadSelector" (v1beta2+; podSelector
	// is required before).
	switch {
	case sp.PodSelector == nil && sp.ExternalWorkloadSelector == nil:
		o.errorf("spec.podSelector", "required (or externalWorkloadSelector)")
	case sp.PodSelector != nil && sp.ExternalWorkloadSelector != nil:
		o.errorf("spec", "set podSelector or externalWorkloadSelector, not both")
	case sp.PodSelector != nil:
		validateSelector(o, "spec.podSelector", sp.PodSelector)
	}
	if sp.Port == nil {
		o.errorf("spec.port", "required")
		sp.Port = &intstr.IntOrString{}
	} else {
		validateServerPort(o, *sp.Port)
	}
	if sp.ProxyProtocol != "" && !slices.Contains(proxyProtocols, sp.ProxyProtocol) {
		o.errorf("spec.proxyProtocol", "unsupported value %q (want one of %s)", sp.ProxyProtocol, strings.Join(proxyProtocols, ", "))
	}
	if sp.AccessPolicy != "" {
		switch {
		case !strings.HasSuffix(o.apiVersion, "/v1beta3"):
			o.warnf("spec.accessPolicy", "not a field of Server %s (v1beta3 only): the API server drops it", o.apiVersion)
			sp.AccessPolicy = ""
		case !slices.Contains(defaultPolicies, sp.AccessPolicy):
			o.errorf("spec.accessPolicy", "unsupported value %q (want one of %s)", sp.AccessPolicy, strings.Join(defaultPolicies, ", "))
		}
	}
	putMesh(o, &s.ObjectMeta, model.MeshPolicy{Server: &model.MeshServer{
		PodSelector: sp.PodSelector, Port: *sp.Port, ProxyProtocol: sp.ProxyProtocol, AccessPolicy: sp.AccessPolicy}})
}

// validateServerPort: "A port name or number": 1-65535 or an IANA service
// name, as a container port name.
func validateServerPort(o *object, p intstr.IntOrString) {
	if p.Type == intstr.Int {
		validatePortNumber(o, "spec.port", p.IntVal)
		return
	}
	if msgs := validation.IsValidPortName(p.StrVal); len(msgs) > 0 {
		o.errorf("spec.port", "invalid port name %q: %s", p.StrVal, msgs[0])
	}
}

func addServerAuthorization(o *object) {
	s := decodeAs[lServerAuthorization](o, true)
	if s == nil {
		return
	}
	o.meta(&s.ObjectMeta)
	sp := &s.Spec
	// "A serverRef object must contain exactly one of the following
	// fields: name, selector".
	if (sp.Server.Name == "") == (sp.Server.Selector == nil) {
		o.errorf("spec.server", "set exactly one of name and selector")
	} else if sp.Server.Selector != nil {
		validateSelector(o, "spec.server.selector", sp.Server.Selector)
	}
	out := &model.MeshServerAuthorization{ServerName: sp.Server.Name, ServerSelector: sp.Server.Selector,
		Unauthenticated: sp.Client.Unauthenticated}
	// "A client object must contain exactly one of: meshTLS,
	// unauthenticated"; meshTLS exactly one of unauthenticatedTLS,
	// identities, serviceAccounts.
	switch m := sp.Client.MeshTLS; {
	case (m == nil) == !sp.Client.Unauthenticated:
		o.errorf("spec.client", "set exactly one of meshTLS and unauthenticated")
	case m != nil && countSet(m.UnauthenticatedTLS, len(m.Identities) > 0, len(m.ServiceAccounts) > 0) != 1:
		o.errorf("spec.client.meshTLS", "set exactly one of unauthenticatedTLS, identities and serviceAccounts")
	case m != nil:
		out.UnauthenticatedTLS, out.Identities, out.ServiceAccounts = m.UnauthenticatedTLS, m.Identities, toRefs(m.ServiceAccounts)
	}
	if sp.Client.Networks != nil {
		out.Networks = meshNetworks(o, "spec.client.networks", sp.Client.Networks)
		if out.Networks == nil {
			out.Networks = []model.MeshNetwork{}
		}
	}
	putMesh(o, &s.ObjectMeta, model.MeshPolicy{ServerAuthorization: out})
}

func countSet(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

func addAuthorizationPolicy(o *object) {
	a := decodeAs[lAuthorizationPolicy](o, true)
	if a == nil {
		return
	}
	o.meta(&a.ObjectMeta)
	t := a.Spec.TargetRef
	switch t.Kind {
	case "Server", "HTTPRoute", "GRPCRoute", "Namespace":
	case "":
		o.errorf("spec.targetRef.kind", "required")
	default:
		o.errorf("spec.targetRef.kind", "unsupported target %q (want Server, HTTPRoute, GRPCRoute or Namespace)", t.Kind)
	}
	if t.Name == "" {
		o.errorf("spec.targetRef.name", "required")
	}
	for i, r := range a.Spec.RequiredAuthenticationRefs {
		path := indexPath("spec.requiredAuthenticationRefs", i)
		switch {
		case r.Kind != "MeshTLSAuthentication" && r.Kind != "NetworkAuthentication" && r.Kind != "ServiceAccount":
			o.errorf(path+".kind", "unsupported authentication %q (want MeshTLSAuthentication, NetworkAuthentication or ServiceAccount)", r.Kind)
		case r.Name == "":
			o.errorf(path+".name", "required")
		}
	}
	putMesh(o, &a.ObjectMeta, model.MeshPolicy{AuthorizationPolicy: &model.MeshAuthorizationPolicy{
		Target: toRef(t), Required: toRefs(a.Spec.RequiredAuthenticationRefs)}})
}

func addMeshTLS(o *object) {
	m := decodeAs[lMeshTLS](o, true)
	if m == nil {
		return
	}
	o.meta(&m.ObjectMeta)
	// identities XOR identityRefs (the CRD's oneOf).
	if (len(m.Spec.Identities) > 0) == (len(m.Spec.IdentityRefs) > 0) {
		o.errorf("spec", "set exactly one of identities and identityRefs")
	}
	for i, r := range m.Spec.IdentityRefs {
		if r.Kind != "ServiceAccount" && r.Kind != "Namespace" {
			o.errorf(indexPath("spec.identityRefs", i)+".kind", "unsupported kind %q (want ServiceAccount or Namespace)", r.Kind)
		}
	}
	putMesh(o, &m.ObjectMeta, model.MeshPolicy{MeshTLS: &model.MeshTLSAuthentication{
		Identities: m.Spec.Identities, IdentityRefs: toRefs(m.Spec.IdentityRefs)}})
}

func addNetworkAuthentication(o *object) {
	n := decodeAs[lNetworkAuthentication](o, true)
	if n == nil {
		return
	}
	o.meta(&n.ObjectMeta)
	if len(n.Spec.Networks) == 0 {
		o.errorf("spec.networks", "required")
	}
	putMesh(o, &n.ObjectMeta, model.MeshPolicy{Networks: meshNetworks(o, "spec.networks", n.Spec.Networks)})
}

// meshNetworks parses networks: "cidr: A subnet in CIDR notation" (an
// address alone is a single host) and "except: A list of subnets … to
// exclude".
func meshNetworks(o *object, path string, ns []lNetwork) []model.MeshNetwork {
	var out []model.MeshNetwork
	for i, n := range ns {
		p := indexPath(path, i)
		m := model.MeshNetwork{CIDR: meshCIDR(o, p+".cidr", n.CIDR)}
		for j, e := range n.Except {
			m.Except = append(m.Except, meshCIDR(o, indexPath(p+".except", j), e))
		}
		out = append(out, m)
	}
	return out
}

func meshCIDR(o *object, path, s string) netip.Prefix {
	if p, err := netip.ParsePrefix(s); err == nil {
		return p.Masked()
	}
	if a, err := netip.ParseAddr(s); err == nil {
		return netip.PrefixFrom(a, a.BitLen())
	}
	o.errorf(path, "invalid CIDR %q", s)
	return netip.Prefix{}
}

func addMeshRoute(o *object) {
	r := decodeAs[lRoute](o, false)
	if r == nil {
		return
	}
	o.meta(&r.ObjectMeta)
	out := &model.MeshRoute{Parents: toRefs(r.Spec.ParentRefs)}
	for _, rule := range r.Spec.Rules {
		for _, m := range rule.Matches {
			out.Matches = append(out.Matches, matchText(m.Method, m.Path))
		}
	}
	putMesh(o, &r.ObjectMeta, model.MeshPolicy{Route: out})
}

// matchText is "GET /api/vote" (HTTP) or "emojivoto.v1.EmojiService/*" (gRPC).
func matchText(method json.RawMessage, path *struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}) string {
	var words []string
	var http string
	var grpc struct{ Service, Method string }
	switch {
	case json.Unmarshal(method, &http) == nil && http != "":
		words = append(words, http)
	case json.Unmarshal(method, &grpc) == nil && (grpc.Service != "" || grpc.Method != ""):
		words = append(words, fmt.Sprintf("%s/%s", or(grpc.Service, "*"), or(grpc.Method, "*")))
	}
	if path != nil {
		v := path.Value
		if path.Type == "" || path.Type == "PathPrefix" {
			v += "*"
		}
		words = append(words, v)
	}
	if len(words) == 0 {
		return "*"
	}
	return strings.Join(words, " ")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
