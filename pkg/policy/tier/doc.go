// Package tier is the meaning of the cluster-wide policy tiers around
// NetworkPolicy: ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2,
// tiers Admin and Baseline) and its predecessors AdminNetworkPolicy and
// BaselineAdminNetworkPolicy (v1alpha1). It compiles either version into
// one form (Policy: tier, priority, subject, ordered rules with an action)
// and says, with the API text above each branch, which pods a subject
// selects, which endpoints a peer matches (namespaces, pods, nodes,
// networks, domainNames) and which ports a rule's ports or protocols
// match.
//
// The order of evaluation, per direction of a connection, is the API's:
// Admin tier (ascending priority; Accept and Deny are final, Pass skips to
// the NetworkPolicy tier) → NetworkPolicy → Baseline tier → allow. Package
// reference walks that order one connection at a time; docs/tiers.md lists
// every encoded sentence with its test.
//
// API: https://network-policy-api.sigs.k8s.io/reference/spec/ and
// https://github.com/kubernetes-sigs/network-policy-api/tree/main/apis
//
// The package does no I/O and must not import client-go, cobra or net/http.
package tier
