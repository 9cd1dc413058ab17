package linkerd

import (
	"strconv"

	"github.com/podreach/podreach/pkg/model"
)

// TransportKeys returns what TransportPorts reads of a pod spec: as the
// client (src) and as the server (dst). Specs with equal client keys get
// the same TransportPorts toward any server, and specs with equal server
// keys the same from any client, so that a matrix maps each pair of key
// classes once instead of every pair of pods. "" is a spec for which
// TransportPorts is empty whatever the other end (nil, or no proxy).
func (in *Install) TransportKeys(spec *model.PodSpec) (client, server string) {
	if spec == nil || !hasProxy(spec) || !in.Release.AtLeast(10) {
		return "", ""
	}
	// The client: the ports its proxy skips outbound.
	client = "c" + listSet(spec.Annotations[annotationSkipOutbound], spec).String()
	// The server: its opaque ports (before 2.18 or in transparent mode),
	// the ports it skips inbound, and whether it is a control-plane pod
	// (whose controller ports proxies dial themselves).
	server = "s"
	if !in.allToInbound() {
		server += listSet(in.opaqueList(spec), spec).String()
	}
	server += "|" + listSet(spec.Annotations[annotationSkipInbound], spec).String() +
		"|" + strconv.FormatBool(spec.Labels[labelComponent] != "")
	return client, server
}
