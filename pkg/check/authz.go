package check

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// authzAnchor is where the Linkerd authorization lines link to.
const authzAnchor = "docs/linkerd-authz.md#the-decision-in-order"

// authorized checks that the destinations' proxies authorize flow f (the
// Linkerd authorization layer, docs/linkerd-authz.md): for every
// connection of f that NetworkPolicy admits (what it blocks, flow reports),
// the Linkerd decision on the application port. It returns a result only
// when some connection is refused by Linkerd or cannot be known to be
// authorized: the mesh's own flows under a deny or *-authenticated default
// (Prometheus scrapes, linkerd2 #10691), probes once routes attach.
func (r *runner) authorized(f mesh.Flow) (Result, bool) {
	if !r.a.HasLinkerdLayer() || len(f.Ports) == 0 {
		return Result{}, false
	}
	src, dst := r.resolve(f.From), r.resolve(f.To)
	if src.unresolved != "" || dst.unresolved != "" {
		return Result{}, false
	}
	var refused, unknown []Refusal
	for si, s := range src.eps {
		for di, d := range dst.eps {
			if s == d {
				continue
			}
			no, maybe := r.pairAuthz(f, &src, &dst, si, di)
			refused, unknown = append(refused, no...), append(unknown, maybe...)
		}
	}
	if len(refused)+len(unknown) == 0 {
		return Result{}, false
	}
	res := Result{Category: f.Category, ID: f.ID + "-authorized", Description: f.Description + " (Linkerd authorization)",
		Anchor: authzAnchor, Sources: len(src.eps), Status: StatusWarning,
		Hint: "authorize it in Linkerd: an AuthorizationPolicy on the Server (MeshTLSAuthentication for meshed clients, NetworkAuthentication for others), or a default inbound policy that admits it"}
	if len(refused) > 0 {
		res.Status = severityStatus(f.Severity)
	}
	res.Refused = append(refused, unknown...)
	for _, rf := range res.Refused {
		res.Details = append(res.Details, rf.Line)
	}
	return res, true
}

// pairAuthz is the Linkerd answer for the ports of flow f from the si-th
// source to the di-th destination that NetworkPolicy admits: the refused
// and the unknown connections (none when a OneOf flow has one port
// authorized).
func (r *runner) pairAuthz(f mesh.Flow, src, dst *peerSet, si, di int) (refused, unknown []Refusal) {
	s, d := src.eps[si], dst.eps[di]
	allowed := r.judge(r.a, s, d)
	for _, port := range f.Ports {
		if f.DeclaredOnly && !declares(r.workload(dst, di), port) || port.Protocol != model.TCP {
			continue
		}
		if wire, _ := r.wirePort(f, src.workloads[si], dst.workloads[di], port); !allowed.Contains(port.Protocol, int(wire)) {
			continue // NetworkPolicy blocks it: flow reports that
		}
		ld, ok := r.a.LinkerdDecision(s, d, int(port.Port))
		if !ok {
			continue
		}
		switch ld.Verdict {
		case linkerdauthz.Deny:
			refused = append(refused, r.refusal(s, d, port.Port, "", ld))
		case linkerdauthz.VerdictUnknown:
			unknown = append(unknown, r.refusal(s, d, port.Port, "", ld))
		default:
			if f.OneOf {
				return nil, nil
			}
		}
	}
	return refused, unknown
}

// refusal describes Linkerd decision ld on a connection from endpoint s
// to port (and path) of endpoint d.
func (r *runner) refusal(s, d int, port int32, path string, ld linkerdauthz.Decision) Refusal {
	eps := r.engine().Endpoints()
	def, _, _ := strings.Cut(ld.Default, " ")
	return Refusal{From: eps[s].ID, To: eps[d].ID, Port: port, Path: path, Unknown: ld.Verdict != linkerdauthz.Deny,
		Server: ld.Server, Default: def, Code: ld.Code,
		Line: fmt.Sprintf("%s → %s:%d%s: Linkerd %s (%s)%s", eps[s].ID, eps[d].ID, port, path, ld.Verdict, ld.Code, authzWhy(ld))}
}

// authzWhy is the Server or default policy that decided, and the first
// reason an authorization gave.
func authzWhy(d linkerdauthz.Decision) string {
	s := ""
	switch {
	case d.Server != "":
		s = ": Server " + d.Server
	case d.Default != "":
		s = ": default " + d.Default
	}
	for _, a := range d.Authorizations {
		if a.Why != "" {
			return s + "; " + a.Ref + ": " + a.Why
		}
	}
	return s
}
