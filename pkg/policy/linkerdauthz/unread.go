package linkerdauthz

import (
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// resourceKinds maps the resources a live read lists (as RBAC names them,
// model.Gap.Resources) to the kinds read here.
var resourceKinds = map[string]string{
	"servers." + GroupPolicy:                "Server",
	"serverauthorizations." + GroupPolicy:   "ServerAuthorization",
	"authorizationpolicies." + GroupPolicy:  "AuthorizationPolicy",
	"meshtlsauthentications." + GroupPolicy: "MeshTLSAuthentication",
	"networkauthentications." + GroupPolicy: "NetworkAuthentication",
	"httproutes." + GroupPolicy:             "HTTPRoute",
	"httproutes." + GroupGateway:            "HTTPRoute",
	"grpcroutes." + GroupGateway:            "GRPCRoute",
}

// unreadIndex is, per kind, the namespaces where a live read was refused
// its objects ("" for every namespace), with the gap that says so.
type unreadIndex map[string]map[string]string

// indexUnread reads the Linkerd kinds among gaps. A namespace that could
// not be read at all (model.AllResources) hides every kind.
func indexUnread(gaps []model.Gap) unreadIndex {
	idx := unreadIndex{}
	add := func(kind, ns, why string) {
		if idx[kind] == nil {
			idx[kind] = map[string]string{}
		}
		if _, seen := idx[kind][ns]; !seen {
			idx[kind][ns] = why
		}
	}
	for _, g := range gaps {
		for _, r := range g.Resources {
			if r == model.AllResources {
				for _, k := range resourceKinds {
					add(k, g.Namespace, g.String())
				}
			} else if k, ok := resourceKinds[r]; ok {
				add(k, g.Namespace, g.String())
			}
		}
	}
	return idx
}

// unread says why the objects of kind in namespace ns were not read ("":
// they were).
func (p *Policies) unread(kind, ns string) string {
	byNS := p.unreadKinds[kind]
	if why, ok := byNS[ns]; ok {
		return why
	}
	return byNS[""]
}

// unreadServers is the reason Decide cannot know which Server governs a
// port of dst: the Servers of its namespace were not read.
func (p *Policies) unreadServers(dst *Destination) (Decision, bool) {
	why := p.unread("Server", dst.Namespace)
	if why == "" {
		return Decision{}, false
	}
	return unknownUnread(why, "a Server may select this port of "+dst.ID), true
}

// unreadAuthorizations is the reason Decide cannot know what Server srv
// admits: objects that could authorize on it, or routes that could attach
// to it, or the authentications its AuthorizationPolicies name, were not
// read. Only kinds the release serves count.
func (p *Policies) unreadAuthorizations(srv *model.MeshPolicy) (Decision, bool) {
	kinds := []string{"ServerAuthorization"}
	if p.cfg.at(minorRoutes) {
		kinds = append(kinds, "AuthorizationPolicy", "HTTPRoute")
	}
	if p.cfg.at(minorAudit) {
		kinds = append(kinds, "GRPCRoute")
	}
	for _, k := range kinds {
		if why := p.unread(k, srv.Namespace); why != "" {
			return unknownUnread(why, article(k)+" "+k+" may apply to Server "+srv.ID()), true
		}
	}
	if ns := p.byNS[srv.Namespace]; ns != nil {
		for _, o := range ns.authzPolicies {
			for _, r := range o.AuthorizationPolicy.Required {
				rns := or(r.Namespace, o.Namespace)
				if !slices.Contains([]string{"MeshTLSAuthentication", "NetworkAuthentication"}, r.Kind) {
					continue
				}
				if why := p.unread(r.Kind, rns); why != "" {
					return unknownUnread(why, "AuthorizationPolicy "+o.ID()+" requires "+r.Kind+" "+rns+"/"+r.Name), true
				}
			}
		}
	}
	return Decision{}, false
}

func unknownUnread(gap, what string) Decision {
	return Decision{Verdict: VerdictUnknown, Code: "unread_policy",
		Reasons: []string{"cannot know: " + gap + ", and " + what}}
}

// article is "a" or "an" before kind.
func article(kind string) string {
	if strings.ContainsRune("AEIOU", rune(kind[0])) {
		return "an"
	}
	return "a"
}
