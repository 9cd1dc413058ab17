package model

import (
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// MeshPolicy is one object of Linkerd's authorization layer, read from
// policy.linkerd.io (Server, ServerAuthorization, AuthorizationPolicy,
// MeshTLSAuthentication, NetworkAuthentication, HTTPRoute) or
// gateway.networking.k8s.io (HTTPRoute, GRPCRoute). Exactly one of the
// kind-specific fields is set, matching Kind. Order is the position of the
// object in the input (what decides "oldest" when the input carries no
// creationTimestamp).
type MeshPolicy struct {
	APIVersion string // "policy.linkerd.io/v1beta3"
	Kind       string
	Namespace  string
	Name       string
	Labels     map[string]string
	Created    metav1.Time // metadata.creationTimestamp; zero when not given
	Order      int

	Server              *MeshServer
	ServerAuthorization *MeshServerAuthorization
	AuthorizationPolicy *MeshAuthorizationPolicy
	MeshTLS             *MeshTLSAuthentication
	Networks            []MeshNetwork // NetworkAuthentication spec.networks
	Route               *MeshRoute    // HTTPRoute or GRPCRoute

	Source Source
}

// ID is "namespace/name".
func (p *MeshPolicy) ID() string { return p.Namespace + "/" + p.Name }

// MeshServer is a Server's spec. PodSelector is nil when the Server
// selects external workloads instead (externalWorkloadSelector).
type MeshServer struct {
	PodSelector   *metav1.LabelSelector
	Port          intstr.IntOrString
	ProxyProtocol string // "" = unknown (detect)
	AccessPolicy  string // "" = deny (v1beta3, Linkerd 2.16+)
}

// MeshServerAuthorization is a ServerAuthorization's spec: which Servers
// (by name or label selector) and which clients.
type MeshServerAuthorization struct {
	ServerName         string
	ServerSelector     *metav1.LabelSelector
	Unauthenticated    bool
	UnauthenticatedTLS bool
	Identities         []string
	ServiceAccounts    []MeshRef     // name, namespace ("" = the object's)
	Networks           []MeshNetwork // nil: the cluster networks
}

// MeshAuthorizationPolicy is an AuthorizationPolicy's spec.
type MeshAuthorizationPolicy struct {
	Target   MeshRef
	Required []MeshRef // requiredAuthenticationRefs
}

// MeshTLSAuthentication is a MeshTLSAuthentication's spec.
type MeshTLSAuthentication struct {
	Identities   []string
	IdentityRefs []MeshRef
}

// MeshRef is a reference to another object: group, kind, name and
// namespace (empty fields as written).
type MeshRef struct {
	Group     string
	Kind      string
	Name      string
	Namespace string
}

// MeshNetwork is a network of a NetworkAuthentication or a
// ServerAuthorization: a CIDR minus its exceptions.
type MeshNetwork struct {
	CIDR   netip.Prefix
	Except []netip.Prefix
}

// MeshRoute is an HTTPRoute's or a GRPCRoute's parents and, for display,
// its rules' matches ("GET /api/vote", "emojivoto.v1.EmojiService/*").
type MeshRoute struct {
	Parents []MeshRef
	Matches []string
}
