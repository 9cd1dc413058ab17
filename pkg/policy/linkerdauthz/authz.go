package linkerdauthz

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// authnKind is what an authorization asks of the client's TLS.
type authnKind uint8

const (
	// authnAny: "unauthenticated: A boolean value that authorizes
	// unauthenticated clients" (and every other client).
	authnAny authnKind = iota
	// authnTLS: meshTLS.unauthenticatedTLS, a mesh TLS connection without
	// a required identity: any meshed client.
	authnTLS
	// authnIdentities: mesh TLS with one of the identities.
	authnIdentities
)

type authn struct {
	kind authnKind
	ids  []string // patterns, for authnIdentities
}

// authz is one authorization as the proxy applies it: who (authn) from
// where (nets). An invalid one is ignored by Linkerd and kept here only
// to say so.
type authz struct {
	ref      string // "AuthorizationPolicy emojivoto/voting-grpc"
	requires string // what it requires, in words
	authn    authn
	nets     []network
	netsText string
	invalid  string
}

// AuthzResult is how one authorization answers a client.
type AuthzResult struct {
	Ref      string `json:"ref"`
	Requires string `json:"requires,omitempty"`
	Result   Tri    `json:"-"`
	Admits   string `json:"admits"` // "yes", "no", "maybe", "ignored"
	Why      string `json:"why,omitempty"`
}

// admit answers whether a admits client c, and why not.
func (a *authz) admit(cfg *Config, c *Client) AuthzResult {
	r := AuthzResult{Ref: a.ref, Requires: a.requires}
	if a.invalid != "" {
		r.Admits, r.Why = "ignored", "Linkerd ignores it: "+a.invalid
		return r
	}
	who, why := a.authn.match(cfg, c)
	where := cfg.clientIn(a.nets, c)
	r.Result = and(who, where)
	r.Admits = r.Result.String()
	switch {
	case who == No:
		r.Why = why
	case where == No:
		r.Why = fmt.Sprintf("%s is not in %s", clientWhere(c), a.netsText)
	case where == Maybe:
		r.Why = fmt.Sprintf("cannot tell whether %s is in %s", clientWhere(c), a.netsText)
	}
	return r
}

func and(a, b Tri) Tri {
	switch {
	case a == No || b == No:
		return No
	case a == Maybe || b == Maybe:
		return Maybe
	}
	return Yes
}

func clientWhere(c *Client) string {
	if c.Addr.IsValid() {
		return c.ID + " (" + c.Addr.String() + ")"
	}
	if c.Pod {
		return c.ID + " (pod IP not in the input)"
	}
	return c.ID
}

// match answers whether c authenticates as a asks.
func (a authn) match(cfg *Config, c *Client) (Tri, string) {
	switch a.kind {
	case authnAny:
		return Yes, ""
	case authnTLS:
		if c.Meshed {
			return Yes, ""
		}
		return No, c.ID + " is not meshed: its connection carries no mesh TLS"
	}
	if !c.Meshed {
		return No, c.ID + " is not meshed: unmeshed clients are unauthenticated"
	}
	id := c.Identity(cfg)
	for _, p := range a.ids {
		if identityMatches(p, id) {
			return Yes, ""
		}
	}
	sa := c.ServiceAccount
	if sa == "" {
		sa = "default"
	}
	return No, fmt.Sprintf("%s runs as service account %s (identity %s)", c.ID, sa, id)
}

func (a authn) String() string {
	switch a.kind {
	case authnAny:
		return "any client"
	case authnTLS:
		return "any meshed client"
	}
	return "identities: " + strings.Join(a.ids, ", ")
}

// serverAuthorization compiles a ServerAuthorization. "networks: Limits
// the client IP addresses to which this authorization applies. If unset,
// the server chooses a default" — the cluster networks.
func (p *Policies) serverAuthorization(o *model.MeshPolicy) authz {
	s := o.ServerAuthorization
	a := authz{ref: "ServerAuthorization " + o.ID()}
	switch {
	case s.Unauthenticated:
		a.authn = authn{kind: authnAny}
	case s.UnauthenticatedTLS:
		a.authn = authn{kind: authnTLS}
	default:
		a.authn = authn{kind: authnIdentities, ids: append([]string(nil), s.Identities...)}
		for _, r := range s.ServiceAccounts {
			a.authn.ids = append(a.authn.ids, p.cfg.ServiceAccountIdentity(r.Name, or(r.Namespace, o.Namespace)))
		}
	}
	a.nets, a.netsText = netsOf(p.cfg.clusterNetworks()), "the cluster networks"
	if s.Networks != nil {
		a.nets, a.netsText = networks(s.Networks), "networks "+networksText(networks(s.Networks))
	}
	a.requires = a.authn.String() + " from " + a.netsText
	return a
}

func networks(ms []model.MeshNetwork) []network {
	out := make([]network, len(ms))
	for i, m := range ms {
		out[i] = network{cidr: m.CIDR, except: m.Except}
	}
	return out
}

func networksText(ns []network) string {
	s := make([]string, len(ns))
	for i, n := range ns {
		s[i] = n.String()
	}
	return strings.Join(s, ", ")
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
