// Package netpol is the meaning of the NetworkPolicy layer
// (networking.k8s.io/v1): it compiles one NetworkPolicy into rules and says,
// with the API text above each branch, which pods a policy selects, which
// endpoints a peer matches (podSelector, namespaceSelector, ipBlock with
// except) and which ports a rule admits toward a destination (port, endPort,
// named ports, protocol, policyTypes).
//
// It answers questions about one policy and one endpoint's plain data;
// packages above it (package policy's class engine, the reference
// evaluator) decide how many endpoints to ask about and how fast.
//
// API reference:
// https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
// and https://kubernetes.io/docs/concepts/services-networking/network-policies/
//
// The package does no I/O and must not import client-go, cobra or net/http.
package netpol
