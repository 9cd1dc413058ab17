package linkerdauthz

import (
	"net/netip"
	"strings"
)

// Client is who opens a connection, as the destination's proxy sees it.
type Client struct {
	// ID names the client in reasons ("emojivoto/web", "internet").
	ID string
	// Pod: the client is a pod (its address, when not known, lies in the
	// cluster networks); else an external peer of CIDR Addr.
	Pod bool
	// Meshed clients present the mTLS identity of ServiceAccount in
	// Namespace; unmeshed ones are unauthenticated.
	Meshed         bool
	Namespace      string
	ServiceAccount string // "" is "default"
	// Addr is the pod's IP (a /32 or /128) or the external CIDR; invalid
	// when not known.
	Addr netip.Prefix
	// Loopback: the connection comes from 127.0.0.1 or ::1 (the pod
	// itself), which the proxy always authorizes.
	Loopback bool
}

// Identity is the client's mTLS identity, "" when it is not meshed.
func (c *Client) Identity(cfg *Config) string {
	if !c.Meshed {
		return ""
	}
	sa := c.ServiceAccount
	if sa == "" {
		sa = "default"
	}
	return cfg.ServiceAccountIdentity(sa, c.Namespace)
}

// ServiceAccountIdentity is the mTLS identity of service account sa of
// namespace ns: <sa>.<ns>.serviceaccount.identity.<control-plane
// namespace>.<trust domain> ("books.booksapp.serviceaccount.identity.linkerd.cluster.local",
// https://linkerd.io/2/reference/authorization-policy/#meshtlsauthentication).
func (cfg *Config) ServiceAccountIdentity(sa, ns string) string {
	cp, td := cfg.ControlPlaneNamespace, cfg.TrustDomain
	if cp == "" {
		cp = "linkerd"
	}
	if td == "" {
		td = "cluster.local"
	}
	return sa + "." + ns + ".serviceaccount.identity." + cp + "." + td
}

// identityMatches reports whether identity id matches pattern p: "The *
// prefix can be used to match all identities in a domain. An identity
// string of * indicates that all meshed clients are authorized."
// (https://linkerd.io/2/reference/authorization-policy/#meshtlsauthentication).
func identityMatches(p, id string) bool {
	switch {
	case p == "*":
		return true
	case strings.HasPrefix(p, "*."):
		return strings.HasSuffix(id, p[1:]) && len(id) > len(p)-1
	}
	return p == id
}
