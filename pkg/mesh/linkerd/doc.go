// Package linkerd is podreach's Linkerd profile: which Linkerd release is
// installed (Detect, ParseVersion), which workloads it meshes and what
// injection adds to them (Install.Meshed, Install.Inject), on which port a
// meshed connection arrives (Install.TransportPort), and which network flows
// the release and its extensions need (Install.Flows). *Install implements
// mesh.Profile.
//
// The flows are data: flows.yaml, embedded and decoded strictly once per
// process. Every fact in it and in the code cites a section of the Linkerd
// reference notes, docs/linkerd.md ("linkerd.md §N"), which name the public
// sources (the linkerd/linkerd2 repository, linkerd.io). Edge releases are mapped onto 2.N
// with edges.go; ranges can also pin an exact edge (edge-25.3.2, when all
// meshed traffic moved to port 4143).
//
// The package does no I/O and must not import client-go, cobra or net/http.
package linkerd
