// Package mesh holds the profile-agnostic description of what a service mesh
// needs from the network: the Flow table a mesh profile publishes (who must
// reach whom, on which ports, and how bad it is when that is blocked), and
// the Profile interface a check uses to ask a mesh which workloads it meshes
// and on which port a meshed connection actually arrives.
//
// Mesh-specific knowledge lives in sub-packages (mesh/linkerd). This package
// is plain data plus one interface: it does no I/O and must not import
// client-go, cobra or net/http.
package mesh
