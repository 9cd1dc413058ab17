package linkerdauthz

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// Group names of the kinds read here.
const (
	GroupPolicy  = "policy.linkerd.io"
	GroupGateway = "gateway.networking.k8s.io"
)

// Policies are a cluster's Linkerd authorization objects, indexed for
// Decide. Objects of kinds the release does not serve are left out (and
// said so by Ignored).
type Policies struct {
	cfg     Config
	byNS    map[string]*nsPolicies
	meshTLS map[string]*model.MeshPolicy // by ns/name
	netAuth map[string]*model.MeshPolicy
	ignored []string
	allNets []network // the networks AddressClass tests
	allIDs  []string  // the identity patterns ClientClass tests
	// unreadKinds are the kinds a live read was refused, by namespace.
	unreadKinds unreadIndex
}

type nsPolicies struct {
	servers, serverAuthzs, authzPolicies, routes []*model.MeshPolicy
}

// New indexes objs for the release of cfg.
func New(cfg Config, objs []model.MeshPolicy) *Policies {
	p := &Policies{cfg: cfg, byNS: map[string]*nsPolicies{},
		meshTLS: map[string]*model.MeshPolicy{}, netAuth: map[string]*model.MeshPolicy{},
		unreadKinds: indexUnread(cfg.Unread)}
	for i := range objs {
		o := &objs[i]
		if why := p.served(o); why != "" {
			p.ignored = append(p.ignored, fmt.Sprintf("%s %s ignored: %s", o.Kind, o.ID(), why))
			continue
		}
		ns := p.ns(o.Namespace)
		switch {
		case o.Server != nil:
			ns.servers = append(ns.servers, o)
		case o.ServerAuthorization != nil:
			ns.serverAuthzs = append(ns.serverAuthzs, o)
		case o.AuthorizationPolicy != nil:
			ns.authzPolicies = append(ns.authzPolicies, o)
		case o.MeshTLS != nil:
			p.meshTLS[o.ID()] = o
		case o.Kind == "NetworkAuthentication":
			p.netAuth[o.ID()] = o
		case o.Route != nil:
			ns.routes = append(ns.routes, o)
		}
	}
	for _, ns := range p.byNS {
		slices.SortStableFunc(ns.servers, olderFirst)
	}
	p.collectNetworks()
	p.collectIdentities()
	return p
}

// Ignored lists the objects the release does not read, and why.
func (p *Policies) Ignored() []string { return p.ignored }

func (p *Policies) ns(name string) *nsPolicies {
	ns := p.byNS[name]
	if ns == nil {
		ns = &nsPolicies{}
		p.byNS[name] = ns
	}
	return ns
}

// olderFirst orders Servers by creationTimestamp, then by their place in
// the input (manifests applied in order are created in that order).
func olderFirst(a, b *model.MeshPolicy) int {
	if !a.Created.IsZero() && !b.Created.IsZero() && !a.Created.Equal(&b.Created) {
		if a.Created.Before(&b.Created) {
			return -1
		}
		return 1
	}
	return cmp.Compare(a.Order, b.Order)
}

// served says why the release does not read o ("" when it does).
func (p *Policies) served(o *model.MeshPolicy) string {
	switch {
	case !p.cfg.at(minorPolicy):
		return "Linkerd " + p.cfg.Version.String() + " has no authorization policy (2.11+)"
	case o.Kind == "GRPCRoute" && !p.cfg.at(minorAudit):
		return "GRPCRoute policy is read from Linkerd 2.16"
	case o.Server == nil && o.ServerAuthorization == nil && !p.cfg.at(minorRoutes):
		return o.Kind + " is served from Linkerd 2.12"
	}
	return ""
}

// authorizationPolicy compiles an AuthorizationPolicy: "In the case of
// multiple entries, all authentications must match"; at most one identity
// reference (MeshTLSAuthentication or ServiceAccount) and one
// NetworkAuthentication; without an identity reference any client
// authenticates, without a network reference every network is allowed;
// a reference to an authentication that does not exist makes Linkerd
// ignore the policy (inbound/index.rs policy_client_authz).
func (p *Policies) authorizationPolicy(o *model.MeshPolicy) authz {
	a := authz{ref: "AuthorizationPolicy " + o.ID(), nets: netsOf(everywhere()), netsText: "any network"}
	var ids, nets int
	var req []string
	for _, r := range o.AuthorizationPolicy.Required {
		isID, text := p.requiredRef(&a, r, or(r.Namespace, o.Namespace))
		if isID {
			ids++
		} else if r.Kind == "NetworkAuthentication" {
			nets++
		}
		if text != "" {
			req = append(req, text)
		}
	}
	switch {
	case ids > 1:
		a.invalid = "more than one identity reference (MeshTLSAuthentication or ServiceAccount)"
	case nets > 1:
		a.invalid = "more than one NetworkAuthentication"
	}
	a.requires = "requires " + strings.Join(req, " and ")
	if len(req) == 0 {
		a.requires = "requires nothing (any client, any network)"
	}
	return a
}

// requiredRef applies one requiredAuthenticationRef (in namespace ns) to
// a: whether it is an identity reference, and how to say what it
// requires ("" when it cannot be read; a.invalid then says why).
func (p *Policies) requiredRef(a *authz, r model.MeshRef, ns string) (bool, string) {
	switch r.Kind {
	case "MeshTLSAuthentication":
		m := p.meshTLS[ns+"/"+r.Name]
		if m == nil {
			a.invalid = "MeshTLSAuthentication " + ns + "/" + r.Name + " does not exist"
			return true, ""
		}
		a.authn = p.meshTLSAuthn(m)
		return true, "MeshTLSAuthentication " + m.ID() + " (" + a.authn.String() + ")"
	case "ServiceAccount":
		a.authn = authn{kind: authnIdentities, ids: []string{p.cfg.ServiceAccountIdentity(r.Name, ns)}}
		return true, "ServiceAccount " + ns + "/" + r.Name
	case "NetworkAuthentication":
		m := p.netAuth[ns+"/"+r.Name]
		if m == nil {
			a.invalid = "NetworkAuthentication " + ns + "/" + r.Name + " does not exist"
			return false, ""
		}
		a.nets = networks(m.Networks)
		a.netsText = "NetworkAuthentication " + m.ID() + " (" + networksText(a.nets) + ")"
		return false, a.netsText
	}
	a.invalid = "unsupported authentication kind " + r.Kind
	return false, ""
}

// meshTLSAuthn reads a MeshTLSAuthentication: identities (exact, "*." +
// suffix, or "*") or identityRefs — a ServiceAccount (every service
// account of the namespace when the name is empty) or a Namespace (every
// service account in it).
func (p *Policies) meshTLSAuthn(o *model.MeshPolicy) authn {
	a := authn{kind: authnIdentities, ids: append([]string(nil), o.MeshTLS.Identities...)}
	for _, r := range o.MeshTLS.IdentityRefs {
		ns := or(r.Namespace, o.Namespace)
		switch {
		case r.Kind == "ServiceAccount" && r.Name != "":
			a.ids = append(a.ids, p.cfg.ServiceAccountIdentity(r.Name, ns))
		case r.Kind == "ServiceAccount":
			a.ids = append(a.ids, "*."+strings.TrimPrefix(p.cfg.ServiceAccountIdentity("x", ns), "x."))
		case r.Kind == "Namespace":
			a.ids = append(a.ids, "*."+strings.TrimPrefix(p.cfg.ServiceAccountIdentity("x", r.Name), "x."))
		}
	}
	return a
}
