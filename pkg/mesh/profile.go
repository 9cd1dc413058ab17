package mesh

import "github.com/podreach/podreach/pkg/model"

// Profile is what a check needs to know about one installed mesh.
//
// The intended use is: c2 := p.Inject(c); then, for every Flow in
// p.Flows(), resolve its peers in c2 (MeshedPods peers are the workloads for
// which p.Meshed(c2, w) holds) and evaluate its ports; for TransportMesh
// flows, evaluate p.TransportPort(src, dst, port, proto) instead of the
// listed port.
//
// Implementations are immutable after construction and safe for concurrent
// use.
type Profile interface {
	// Name is the mesh's name ("linkerd").
	Name() string
	// Version is the mesh release the profile models ("edge-26.8.3").
	Version() string
	// Flows are the flows this release and its installed extensions need,
	// in a stable order, with placeholders (namespaces) resolved.
	Flows() []Flow
	// Meshed reports whether w's pods carry (or would get, once created) the
	// mesh proxy.
	Meshed(c *model.Cluster, w *model.Workload) bool
	// Inject returns a copy of c in which every workload the mesh would
	// inject, and its pods, carry what injection adds (containers, ports,
	// labels). c is not modified. The copy may share with c what injection
	// leaves unchanged (copy-on-write): treat both as read-only.
	Inject(c *model.Cluster) *model.Cluster
	// TransportPort is the port on which a connection from a pod with spec
	// src to application port port of a pod with spec dst arrives at dst, as
	// NetworkPolicy sees it. Specs should come from Inject's result. The bool
	// reports that the mesh rewrote the port (the connection goes to the
	// server proxy's inbound port instead of port).
	TransportPort(src, dst *model.PodSpec, port int32, proto model.Protocol) (int32, bool)
}
