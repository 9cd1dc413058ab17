package mesh

import (
	"strconv"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// Flow is one connection a mesh needs. A check evaluates it by resolving
// From and To to endpoints of the cluster and asking whether every port in
// Ports is allowed: egress at From and ingress at To, where those are pods
// (the API server, externals and "any" have no NetworkPolicy of their own).
//
// When a peer resolves to nothing in the input (no kube-dns pods, no
// external named "apiserver"), the check cannot decide: it must report the
// flow as Unknown, shown as a warning, whatever Severity says. It must never
// report it as allowed.
type Flow struct {
	ID          string // stable kebab-case key, e.g. "proxy-to-identity"; also the docs anchor
	Category    string // check category, e.g. "linkerd-control-plane-reachability"
	Description string // the check line: "meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP)"
	From, To    Peer
	// Ports are destination-pod ports (after Service DNAT). Empty means the
	// application's own ports (the data-plane flow); a check derives them
	// from the cluster's Services.
	Ports []Port
	// OneOf: the flow needs exactly one of Ports, which one depends on the
	// cluster (the API server listens on 443 or 6443). A check that cannot
	// tell which must require all of them.
	OneOf bool
	// DeclaredOnly: a port applies to a destination pod only when the pod
	// declares it as a container port (scrape jobs select declared ports).
	DeclaredOnly bool
	Transport    Transport
	Severity     Severity // what a blocked flow is reported as
	Extension    string   // the extension the flow belongs to ("viz"); "" for the core control plane
	Purpose      string   // why the mesh needs the flow
	IfBlocked    string   // what users see when it is blocked
	Hint         string   // how to allow it
	Anchor       string   // "docs/checks.md#<ID>"
	Ref          string   // where the facts come from
}

// Peer is one end of a Flow.
type Peer struct {
	Kind PeerKind
	// Namespace is where PodSelector applies; empty means every namespace
	// (always so for MeshedPods). Only Pods peers have one.
	Namespace string
	// NamespaceSelector optionally narrows the namespaces further (nil: no
	// constraint beyond Namespace).
	NamespaceSelector *metav1.LabelSelector
	// PodSelector selects the pods (nil for apiserver, external and any).
	// For MeshedPods it is the label the injector puts on every meshed pod;
	// a check should prefer Profile.Meshed on an injected cluster.
	PodSelector *metav1.LabelSelector
	// Name is for people ("meshed pods", "linkerd-destination"). For
	// External peers it is also the model.External name a check resolves
	// the peer to; APIServer peers resolve to the external named
	// APIServerExternal.
	Name string
}

// APIServerExternal is the model.External name under which a check looks up
// the Kubernetes API server's address for PeerAPIServer peers.
const APIServerExternal = "apiserver"

// PeerKind says what a Peer is.
type PeerKind uint8

// Peer kinds.
const (
	PeerUnknown    PeerKind = iota
	PeerMeshedPods          // every pod the mesh has injected, in any namespace
	PeerPods                // pods selected by Namespace and PodSelector
	PeerAPIServer           // the Kubernetes API server (not a pod; see linkerd.md §3.3)
	PeerExternal            // an address outside the cluster, named by Name
	PeerAny                 // any source at all (load-balancer traffic); only the destination's ingress matters
)

var peerKindNames = [...]string{
	PeerUnknown:    "unknown",
	PeerMeshedPods: "meshed-pods",
	PeerPods:       "pods",
	PeerAPIServer:  "apiserver",
	PeerExternal:   "external",
	PeerAny:        "any",
}

func (k PeerKind) String() string {
	if int(k) < len(peerKindNames) {
		return peerKindNames[k]
	}
	return "unknown"
}

// ParsePeerKind parses the String form of a PeerKind.
func ParsePeerKind(s string) PeerKind { return parseEnum(s, peerKindNames[:], PeerUnknown) }

// Transport says how a flow's ports become wire ports.
type Transport uint8

// Transports.
const (
	TransportUnknown Transport = iota
	// TransportDirect: the connection arrives on the listed port as is (the
	// proxy's own connections, unmeshed clients, proxy admin/tap ports).
	TransportDirect
	// TransportMesh: an application-level connection between meshed pods;
	// its wire port is Profile.TransportPort of the listed port.
	TransportMesh
)

var transportNames = [...]string{
	TransportUnknown: "unknown",
	TransportDirect:  "direct",
	TransportMesh:    "mesh",
}

func (t Transport) String() string {
	if int(t) < len(transportNames) {
		return transportNames[t]
	}
	return "unknown"
}

// ParseTransport parses the String form of a Transport.
func ParseTransport(s string) Transport { return parseEnum(s, transportNames[:], TransportUnknown) }

// Severity is how a blocked flow is reported.
type Severity uint8

// Severities, least severe first.
const (
	SeverityUnknown Severity = iota
	SeverityWarning          // optional functionality degrades (‼)
	SeverityError            // the mesh, or an installed component's core function, breaks (×)
)

var severityNames = [...]string{
	SeverityUnknown: "unknown",
	SeverityWarning: "warning",
	SeverityError:   "error",
}

func (s Severity) String() string {
	if int(s) < len(severityNames) {
		return severityNames[s]
	}
	return "unknown"
}

// ParseSeverity parses the String form of a Severity.
func ParseSeverity(s string) Severity { return parseEnum(s, severityNames[:], SeverityUnknown) }

// Port is a destination port of a Flow.
type Port struct {
	Port     int32
	Protocol model.Protocol
	Name     string // container port name, for display only; may be empty
}

// String is "8080/TCP".
func (p Port) String() string {
	return strconv.Itoa(int(p.Port)) + "/" + p.Protocol.String()
}

// parseEnum returns the index of s in names (skipping index 0, the Unknown
// value), or unknown.
func parseEnum[T ~uint8](s string, names []string, unknown T) T {
	for i, n := range names {
		if i > 0 && strings.EqualFold(n, s) {
			return T(i)
		}
	}
	return unknown
}
