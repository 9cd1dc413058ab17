package linkerdauthz

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// Verdict is the Linkerd layer's answer for one connection.
type Verdict uint8

// Verdicts. The zero value is unknown.
const (
	VerdictUnknown Verdict = iota
	// NoDecision: Linkerd does not decide (the destination is not meshed,
	// the port bypasses the proxy, the release has no policy).
	NoDecision
	Allow
	Deny
	// Audit: let through, but flagged in the proxy's logs and metrics.
	Audit
)

func (v Verdict) String() string {
	switch v {
	case NoDecision:
		return "none"
	case Allow:
		return "allow"
	case Deny:
		return "deny"
	case Audit:
		return "audit"
	}
	return "unknown"
}

// Destination is the pod a connection goes to.
type Destination struct {
	ID                   string // "emojivoto/voting", for reasons
	Namespace            string
	Spec                 *model.PodSpec
	NamespaceAnnotations map[string]string
	Meshed               bool
}

// Decision is the Linkerd layer's answer and why. Code is a stable
// snake_case key (docs/linkerd-authz.md lists them).
type Decision struct {
	Verdict Verdict
	Code    string
	// Server is the Server ("ns/name") that governs the pod and port;
	// empty when the default policy does.
	Server string
	// Default is the default policy that applied and where it came from.
	Default string
	// Routes, on an Allow, are the only routes that admit the client
	// ("allowed on routes …"); empty when everything does.
	Routes         []string
	Authorizations []AuthzResult
	Reasons        []string
	// AttachedRoutes are the routes attached to Server ("HTTPRoute ns/name"):
	// while there are any, probes are not authorized automatically.
	AttachedRoutes []string
	// ProbePaths, on a deny where Linkerd still authorizes probes (2.12+,
	// no route attached), are the httpGet probe paths of the port, open
	// for GET from the probe networks; ProbeClient says whether the client
	// is in those networks.
	ProbePaths  []string
	ProbeClient Tri
}

// Decide answers whether dst's proxy admits a connection from c to its
// port (the port the application listens on).
func (p *Policies) Decide(dst *Destination, port int32, c *Client) Decision {
	if d, done := p.precheck(dst, port, c); done {
		return d
	}
	if d, unknown := p.unreadServers(dst); unknown {
		return d
	}
	srv, notes := p.server(dst, port)
	var d Decision
	if srv != nil {
		if u, unknown := p.unreadAuthorizations(srv); unknown {
			u.Server, u.Reasons = srv.ID(), append(notes, u.Reasons...)
			return u
		}
	}
	if srv == nil {
		d = p.byDefault(dst, port, c)
	} else {
		d = p.byServer(srv, dst, port, c)
	}
	d.Reasons = append(notes, d.Reasons...)
	return d
}

// precheck decides what needs no policy object.
func (p *Policies) precheck(dst *Destination, port int32, c *Client) (Decision, bool) {
	switch {
	case !dst.Meshed:
		return none("not_meshed", dst.ID+" is not meshed: Linkerd can only enforce policy on meshed pods"), true
	case !p.cfg.at(minorPolicy):
		return none("no_policy_release", "Linkerd "+p.cfg.Version.String()+" has no authorization policy (2.11+)"), true
	case port == tapPort:
		return none("skip_inbound_port", "port 4190 (the proxy's tap port) is never redirected to the proxy"), true
	case portIn(dst.Spec.Annotations[AnnotationSkipInbound], port):
		return none("skip_inbound_port", fmt.Sprintf("port %d is in %s of %s: it bypasses the proxy", port, AnnotationSkipInbound, dst.ID)), true
	case c.Loopback:
		return Decision{Verdict: Allow, Code: "loopback", Reasons: []string{"connections from localhost are always allowed"}}, true
	}
	return Decision{}, false
}

const tapPort = 4190

func none(code, why string) Decision {
	return Decision{Verdict: NoDecision, Code: code, Reasons: []string{why}}
}

// byDefault decides a port no Server selects.
func (p *Policies) byDefault(dst *Destination, port int32, c *Client) Decision {
	def := p.cfg.resolveDefault(dst.Spec.Annotations, dst.NamespaceAnnotations, dst.Namespace)
	pol := def.policy
	d := Decision{Reasons: append([]string{fmt.Sprintf("no Server selects port %d of %s: the default policy applies", port, dst.ID)}, def.notes...)}
	if pol.allows() && pol.authenticated() != pol && portIn(dst.Spec.Annotations[AnnotationRequireIdentity], port) {
		d.Reasons = append(d.Reasons, fmt.Sprintf("port %d is in %s: %s becomes %s", port, AnnotationRequireIdentity, pol, pol.authenticated()))
		pol = pol.authenticated()
	}
	d.Default = pol.String() + " (" + def.from + ")"
	var authzs []authz
	if a, ok := pol.authz(&p.cfg, "default "+pol.String()); ok {
		a.requires = a.authn.String() + " from " + a.netsText
		authzs = append(authzs, a)
	}
	res := p.admitAny(authzs, c, &d)
	switch {
	case pol == DefaultAudit:
		d.Verdict, d.Code = Audit, "default_audit"
	case res == Yes:
		d.Verdict, d.Code = Allow, "default_allows"
	case res == Maybe:
		d.Verdict, d.Code = VerdictUnknown, "unknown_network"
	default:
		d.Verdict, d.Code = Deny, "default_denies"
		p.probeNote(&d, dst, port, c)
	}
	return d
}

// admitAny runs the alternatives: Yes when one admits c, else Maybe when
// one might, else No. Every answer is recorded in d.
func (p *Policies) admitAny(as []authz, c *Client, d *Decision) Tri {
	out := No
	for i := range as {
		r := as[i].admit(&p.cfg, c)
		d.Authorizations = append(d.Authorizations, r)
		switch r.Result {
		case Yes:
			out = Yes
		case Maybe:
			if out == No {
				out = Maybe
			}
		}
	}
	return out
}

// probeNote says which probe paths stay open on a port a policy denies:
// "Linkerd automatically authorizes probes to pods" when no route is
// attached, from the probe networks, for GET on each probe's exact path.
func (p *Policies) probeNote(d *Decision, dst *Destination, port int32, c *Client) {
	if !p.cfg.at(minorRoutes) {
		return
	}
	paths := probePaths(dst.Spec, port)
	if len(paths) == 0 {
		return
	}
	nets := netsOf(p.cfg.probeNetworks())
	note := fmt.Sprintf("probe paths GET %s stay authorized from %s (Linkerd authorizes probes)", strings.Join(paths, ", "), networksText(nets))
	d.ProbePaths, d.ProbeClient = paths, p.cfg.clientIn(nets, c)
	if d.ProbeClient == Yes {
		note += "; " + c.ID + " can reach them too"
	}
	d.Reasons = append(d.Reasons, note)
}

// UnknownWhy says in a few words why an unknown decision is unknown (its
// Code says it exactly).
func (d Decision) UnknownWhy() string {
	switch d.Code {
	case "unread_policy":
		return "Linkerd objects it depends on could not be read"
	case "client_undefined_port_profile":
		return "the client's proxy refuses it unless the Service has a ServiceProfile, which podreach does not read"
	}
	return "the client's address is not in the input"
}
