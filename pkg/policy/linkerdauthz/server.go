package linkerdauthz

import (
	"fmt"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

// server finds the Server of dst's port: "A Server selects a port on a set
// of pods in the same namespace as the server". Of overlapping Servers the
// oldest wins (since edge-25.2.2; before, the webhook admitted only it).
func (p *Policies) server(dst *Destination, port int32) (*model.MeshPolicy, []string) {
	ns := p.byNS[dst.Namespace]
	if ns == nil {
		return nil, nil
	}
	var found []*model.MeshPolicy
	var how string
	for _, s := range ns.servers {
		if ok, why := selects(s.Server, dst.Spec, port); ok {
			if found == nil {
				how = why
			}
			found = append(found, s)
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	notes := []string{fmt.Sprintf("Server %s selects %s and %s", found[0].ID(), dst.ID, how)}
	for _, s := range found[1:] {
		if p.cfg.overlapAccepted() {
			notes = append(notes, "Server "+s.ID()+" selects them too; the oldest Server wins (edge-25.2.2+)")
		} else {
			notes = append(notes, "Server "+s.ID()+" overlaps it: the validating webhook rejects overlapping Servers before edge-25.2.2")
		}
	}
	return found[0], notes
}

// selects reports whether Server s selects the pod and port: "port: A
// port name or number"; a name matches the pod's TCP container ports of
// that name (a name can match several), a number that port whether
// declared or not (inbound/index.rs select_ports).
func selects(s *model.MeshServer, spec *model.PodSpec, port int32) (bool, string) {
	if s.PodSelector == nil || !selectorMatches(s.PodSelector, spec.Labels) {
		return false, ""
	}
	if s.Port.Type == intstr.Int {
		return s.Port.IntVal == port, fmt.Sprintf("port %d", port)
	}
	for _, cp := range spec.Ports() {
		if cp.Name == s.Port.StrVal && cp.Protocol == model.TCP && cp.Port == port {
			return true, fmt.Sprintf("port %s (%d)", cp.Name, port)
		}
	}
	return false, ""
}

// selectorMatches evaluates a label selector; an invalid one matches
// nothing (the API server would not have stored it).
func selectorMatches(ls *metav1.LabelSelector, l map[string]string) bool {
	sel, err := metav1.LabelSelectorAsSelector(ls)
	return err == nil && sel.Matches(labels.Set(l))
}

// byServer decides a port a Server governs: its authorizations, its
// routes, then its accessPolicy.
func (p *Policies) byServer(srv *model.MeshPolicy, dst *Destination, port int32, c *Client) Decision {
	d := Decision{Server: srv.ID()}
	authzs := p.serverAuthzs(srv)
	routes := p.routesOf(srv)
	if len(routes) == 0 {
		if p.admitAny(authzs, c, &d) == Yes {
			d.Verdict, d.Code = Allow, "server_authorized"
			return d
		}
		return p.accessPolicy(srv, d, dst, port, c, true)
	}
	var yes, maybe []string
	for _, r := range routes {
		d.AttachedRoutes = append(d.AttachedRoutes, r.Kind+" "+r.ID())
		ras := append(p.routeAuthzs(r), authzs...)
		switch p.admitAny(ras, c, &d) {
		case Yes:
			yes = append(yes, r.Kind+" "+r.ID()+routeMatches(r))
		case Maybe:
			maybe = append(maybe, r.ID())
		}
	}
	d.Authorizations = dedupe(d.Authorizations)
	switch {
	case len(yes) == len(routes):
		d.Verdict, d.Code = Allow, "routes_authorized"
	case len(yes) > 0:
		d.Verdict, d.Code, d.Routes = Allow, "routes_partial", yes
	case len(maybe) > 0:
		d.Verdict, d.Code = VerdictUnknown, "unknown_network"
	default:
		d.Reasons = append(d.Reasons, "routes are attached to Server "+srv.ID()+": probes are no longer authorized automatically")
		return p.accessPolicy(srv, d, dst, port, c, false)
	}
	return d
}

// accessPolicy decides what no authorization admits: "accessPolicy
// declares the policy applied to traffic not matching any associated
// authorization policies (defaults to deny)" (2.16+; deny before).
func (p *Policies) accessPolicy(srv *model.MeshPolicy, d Decision, dst *Destination, port int32, c *Client, probes bool) Decision {
	ap := DefaultDeny
	if v := srv.Server.AccessPolicy; v != "" && p.cfg.at(minorAudit) {
		if parsed, err := ParseDefaultPolicy(v); err == nil {
			ap = parsed
		}
	}
	if a, ok := ap.authz(&p.cfg, "Server "+srv.ID()+" accessPolicy "+ap.String()); ok && ap != DefaultAudit {
		a.requires = a.authn.String() + " from " + a.netsText
		if p.admitAny([]authz{a}, c, &d) == Yes {
			d.Verdict, d.Code = Allow, "server_access_policy"
			return d
		}
	}
	if ap == DefaultAudit {
		d.Verdict, d.Code = Audit, "server_audit"
		d.Reasons = append(d.Reasons, "no authorization admits "+c.ID+"; accessPolicy audit lets it through, flagged (authz.name=audit)")
		return d
	}
	if hasMaybe(d.Authorizations) {
		d.Verdict, d.Code = VerdictUnknown, "unknown_network"
		return d
	}
	d.Verdict, d.Code = Deny, "server_denies"
	if len(d.Authorizations) == 0 {
		d.Reasons = append(d.Reasons, "no authorization targets Server "+srv.ID()+": a Server denies all traffic to its port unless authorized")
	}
	if probes {
		p.probeNote(&d, dst, port, c)
	}
	return d
}

func hasMaybe(rs []AuthzResult) bool {
	for _, r := range rs {
		if r.Result == Maybe {
			return true
		}
	}
	return false
}

func dedupe(rs []AuthzResult) []AuthzResult {
	seen := map[string]bool{}
	var out []AuthzResult
	for _, r := range rs {
		if !seen[r.Ref] {
			seen[r.Ref] = true
			out = append(out, r)
		}
	}
	return out
}

func routeMatches(r *model.MeshPolicy) string {
	if len(r.Route.Matches) == 0 {
		return ""
	}
	return " (" + strings.Join(r.Route.Matches, ", ") + ")"
}
