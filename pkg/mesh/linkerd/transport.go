package linkerd

import (
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// TransportPort returns the port on which a connection from a pod with spec
// src to application port port of a pod with spec dst arrives at dst, as
// NetworkPolicy sees it, and whether Linkerd rewrote it to the server
// proxy's inbound port 4143 (linkerd.md §4). Pass specs from Inject's result.
//
// Only TCP between two meshed pods is affected; everything else arrives on
// port. Service-level opaque ports (the Service annotation, appProtocol
// linkerd.io/opaque) and Servers with proxyProtocol opaque are not seen
// here: only the server pod's annotations are.
func (in *Install) TransportPort(src, dst *model.PodSpec, port int32, proto model.Protocol) (int32, bool) {
	// UDP and SCTP are never proxied (the proxy only intercepts TCP).
	if proto != model.TCP || src == nil || dst == nil {
		return port, false
	}
	// §4 item 4: unmeshed clients, and ports the client's proxy skips,
	// connect directly to the app port.
	if !hasProxy(src) || !hasProxy(dst) || inList(src.Annotations[annotationSkipOutbound], port, src) {
		return port, false
	}
	// §4 item 5: proxy → control plane connections (identity 8080,
	// destination 8086, policy 8090) are the proxy's own sockets, which skip
	// the outbound redirect: they arrive on the controller's port. Nothing
	// but proxies dials those ports, so a connection to one is the proxy's.
	if proxyControlPort(dst, port) {
		return port, false
	}
	// §4 item 1: ≤2.9 the client dials the app port; the server's iptables
	// redirect to 4143 happens inside the pod, after NetworkPolicy.
	if !in.Release.AtLeast(10) {
		return port, false
	}
	// The destination controller sets no transport hint for the proxy's
	// own tap/admin ports (commit 05d48f6a5) nor for ports the server skips
	// inbound (endpoint_translator.go, skippedInboundPorts).
	if port == portControl || port == portAdmin || inList(dst.Annotations[annotationSkipInbound], port, dst) {
		return port, false
	}
	// 2.18+ (edge-25.3.2+): with outboundTransportMode transport-header (the
	// default) every meshed connection goes to 4143.
	if in.allToInbound() {
		return portInbound, true
	}
	// 2.10-2.17, or transparent mode: only opaque ports go to 4143.
	if in.opaque(dst, port) {
		return portInbound, true
	}
	return port, false
}

// proxyControlPort reports whether port is one of the control-plane ports
// proxies dial themselves (linkerd.md §3.1 rows 1-3) on a control-plane
// pod.
func proxyControlPort(dst *model.PodSpec, port int32) bool {
	if dst.Labels[labelComponent] == "" {
		return false
	}
	switch port {
	case 8080, 8086, 8090:
		return true
	}
	return false
}

// allToInbound reports whether every meshed connection uses 4143 (§4 item 1).
func (in *Install) allToInbound() bool {
	return in.TransportMode != Transparent && in.Release.In(Range{Min: 18, EdgeMin: EdgeTag{25, 3, 2}})
}

// opaque reports whether port is opaque on the server: the pod's
// config.linkerd.io/opaque-ports annotation when present (it replaces the
// default: the destination controller uses the default only "if the opaque
// ports annotation was not set", controller/api/destination/server.go),
// else the cluster default (proxy.opaquePorts), else the release default
// (§2).
func (in *Install) opaque(dst *model.PodSpec, port int32) bool {
	if list, ok := dst.Annotations[annotationOpaquePorts]; ok {
		return inList(list, port, dst)
	}
	if in.OpaquePorts != "" {
		return inList(in.OpaquePorts, port, dst)
	}
	return inList(in.defaultOpaquePorts(), port, dst)
}

// opaqueList is the opaque-ports list that applies to dst (see opaque).
func (in *Install) opaqueList(dst *model.PodSpec) string {
	if list, ok := dst.Annotations[annotationOpaquePorts]; ok {
		return list
	}
	if in.OpaquePorts != "" {
		return in.OpaquePorts
	}
	return in.defaultOpaquePorts()
}

// defaultOpaquePorts is the release's default opaque-ports list (§2).
func (in *Install) defaultOpaquePorts() string {
	if in.Release.AtLeast(11) {
		return "25,587,3306,4444,5432,6379,9300,11211"
	}
	return "25,443,587,3306,5432,11211" // 2.10
}

// inList reports whether port is in a Linkerd port list: comma-separated
// numbers, ranges ("4000-4100") and container port names of spec (as
// util.ParseContainerOpaquePorts reads them). Malformed entries are
// ignored, as Linkerd ignores them.
func inList(list string, port int32, spec *model.PodSpec) bool {
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if lo, hi, ok := portRange(item); ok {
			if lo <= port && port <= hi {
				return true
			}
			continue
		}
		for _, cp := range spec.Ports() {
			if cp.Name == item && cp.Port == port {
				return true
			}
		}
	}
	return false
}

// portRange parses "N" or "N-M".
func portRange(s string) (lo, hi int32, ok bool) {
	a, b, isRange := strings.Cut(s, "-")
	if !isRange {
		b = a
	}
	x, err1 := strconv.ParseUint(strings.TrimSpace(a), 10, 16)
	y, err2 := strconv.ParseUint(strings.TrimSpace(b), 10, 16)
	if err1 != nil || err2 != nil || x > y {
		return 0, 0, false
	}
	return int32(x), int32(y), true
}

// TransportReason says, in a few words, why TransportPort rewrites a
// connection ("Linkerd ≥ 2.18 meshed traffic"); "" when it does not.
// "Communication between two meshed pods will always have its original
// target port replaced with the proxy's inbound port (by default, 4143)":
// https://linkerd.io/2.18/common-errors/network-policy/ (from 2.18; opaque
// ports only before, https://linkerd.io/2.17/features/protocol-detection/).
func (in *Install) TransportReason(src, dst *model.PodSpec, port int32, proto model.Protocol) string {
	if _, rewrote := in.TransportPort(src, dst, port, proto); !rewrote {
		return ""
	}
	if in.allToInbound() {
		return "Linkerd ≥ 2.18 meshed traffic"
	}
	return "Linkerd opaque port, sent to the server's proxy"
}

// TransportPorts is the set of TCP ports TransportPort rewrites from a pod
// with spec src to a pod with spec dst (all of them arrive on 4143): the
// same rules, as a set, so that a whole port set can be mapped at once.
func (in *Install) TransportPorts(src, dst *model.PodSpec) ports.Set {
	if src == nil || dst == nil || !hasProxy(src) || !hasProxy(dst) || !in.Release.AtLeast(10) {
		return ports.Set{}
	}
	r := ports.AllOf(model.TCP)
	if !in.allToInbound() {
		r = listSet(in.opaqueList(dst), dst)
	}
	r = r.Subtract(listSet(src.Annotations[annotationSkipOutbound], src)).
		Subtract(listSet(dst.Annotations[annotationSkipInbound], dst)).
		Subtract(ports.Of(model.TCP, portControl, portControl)).Subtract(ports.Of(model.TCP, portAdmin, portAdmin))
	if dst.Labels[labelComponent] != "" {
		for _, p := range []int{8080, 8086, 8090} {
			r = r.Subtract(ports.Of(model.TCP, p, p))
		}
	}
	return r
}

// listSet is a Linkerd port list (see inList) as a set of TCP ports.
func listSet(list string, spec *model.PodSpec) ports.Set {
	var s ports.Set
	for _, item := range strings.Split(list, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		if lo, hi, ok := portRange(item); ok {
			s = s.Union(ports.Of(model.TCP, int(lo), int(hi)))
			continue
		}
		for _, cp := range spec.Ports() {
			if cp.Name == item {
				s = s.Union(ports.Of(model.TCP, int(cp.Port), int(cp.Port)))
			}
		}
	}
	return s
}
