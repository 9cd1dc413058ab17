// Package model holds the cluster snapshot podreach reasons about: namespaces,
// workloads and their pods, services, NetworkPolicies and external peers,
// plus the value types (protocols, sources, diagnostics) shared by every
// other package.
//
// The model is plain data: it does no I/O and imports neither client-go nor
// cobra. Loaders (package load/...) fill it; the policy engine reads it.
package model
