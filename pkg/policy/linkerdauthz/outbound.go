package linkerdauthz

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

// AnnotationSkipOutbound lists ports whose outbound traffic bypasses the
// client's proxy.
const AnnotationSkipOutbound = "config.linkerd.io/skip-outbound-ports"

// ServiceDial is a connection a client opens to a Service's address on
// Port, as its own proxy sees it.
type ServiceDial struct {
	ID       string  // "emojivoto/web-svc", for reasons
	Type     string  // ClusterIP, NodePort, LoadBalancer or ExternalName
	Headless bool    // clusterIP: None: clients dial the pods' addresses
	TCPPorts []int32 // the TCP ports the Service declares
	Port     int32
}

// The releases whose client proxies refuse a Service port the Service does
// not declare: since edge-25.7.1 (linkerd2 #14149, in 2.19) when the
// Service has no ServiceProfile, and since edge-26.7.1 (linkerd2 #15473,
// after the first edge of 2.20) also when it has one.
var (
	undefinedPortRefused        = linkerd.Range{Min: 19, EdgeMin: linkerd.EdgeTag{Year: 25, Month: 7, N: 1}}
	undefinedPortRefusedProfile = linkerd.Range{Min: 21, EdgeMin: linkerd.EdgeTag{Year: 26, Month: 7, N: 1}}
)

// Outbound decides what client c's own proxy does with a TCP connection to
// a Service (linkerd.md §6, client side): "When a meshed client attempts
// to connect to a clusterIP Service on a port that is not present in that
// service's spec", the policy controller answers "an opaque route with a
// forbidden filter", and "the outbound Linkerd proxy [will] immediately
// reset the connection" (linkerd2 #14149, edge-25.7.1). Until edge-26.7.1
// (linkerd2 #15473) a Service with a ServiceProfile was resolved through
// the profile API instead, which let the connection through; podreach does
// not read ServiceProfiles, so in those releases the answer is unknown.
//
// NoDecision: the client's proxy forwards the connection (an unmeshed
// client, a port in its skip-outbound-ports, a port the Service declares,
// a headless or ExternalName Service, an older release).
// skipOutbound is the client's config.linkerd.io/skip-outbound-ports.
func (p *Policies) Outbound(c *Client, skipOutbound string, to *ServiceDial) Decision {
	switch {
	case !c.Meshed:
		return none("", c.ID+" is not meshed: no client proxy")
	case portIn(skipOutbound, to.Port):
		return none("", fmt.Sprintf("port %d is in %s of %s: it bypasses the client's proxy", to.Port, AnnotationSkipOutbound, c.ID))
	case to.Headless || to.Type == "ExternalName":
		return none("", "Service "+to.ID+" has no cluster IP: the client dials the endpoints")
	case slices.Contains(to.TCPPorts, to.Port):
		return none("", fmt.Sprintf("Service %s declares port %d", to.ID, to.Port))
	case !p.cfg.in(undefinedPortRefused):
		return none("", fmt.Sprintf("Linkerd %s forwards a port the Service does not declare (refused from 2.19, edge-25.7.1)", p.cfg.Version))
	}
	why := fmt.Sprintf("Service %s declares no TCP port %d: the client's proxy resets the connection (route undefined-port, error forbidden; Linkerd 2.19+, linkerd2 #14149)", to.ID, to.Port)
	if p.cfg.in(undefinedPortRefusedProfile) {
		return Decision{Verdict: Deny, Code: "client_undefined_port", Reasons: []string{c.ID + "'s proxy refuses: " + why}}
	}
	return Decision{Verdict: VerdictUnknown, Code: "client_undefined_port_profile", Reasons: []string{
		"cannot know: " + why + ", unless a ServiceProfile exists for the Service, which " + p.cfg.Version.String() +
			" resolves through the profile API and lets the connection through (until edge-26.7.1, linkerd2 #15473); podreach does not read ServiceProfiles"}}
}

// in reports whether the release is in r (the zero version is the newest).
func (c *Config) in(r linkerd.Range) bool { return c.Version.IsZero() || c.Version.In(r) }

// Combine is the Linkerd layer of a connection: the client's proxy first
// (out, from Outbound), then the destination's (in, from Decide). A
// refusal by the client's proxy is final: the connection never reaches
// the destination. When the client side cannot be known, a destination
// that refuses anyway decides; otherwise the answer stays unknown.
func Combine(out, in Decision) Decision {
	switch {
	case out.Verdict == NoDecision:
		return in
	case out.Verdict == Deny:
		return out
	case out.Verdict == VerdictUnknown && in.Verdict == Deny:
		in.Reasons = append(in.Reasons, out.Reasons...)
		return in
	}
	if in.Verdict != NoDecision {
		out.Reasons = append(out.Reasons, "if it gets through: "+in.Verdict.String()+" ("+in.Code+") by the destination's proxy")
	}
	out.Server, out.Default, out.Authorizations = in.Server, in.Default, in.Authorizations
	return out
}
