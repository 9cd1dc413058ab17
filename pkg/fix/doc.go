// Package fix proposes the NetworkPolicies that restore what a mesh check
// found blocked, and proves them: it re-runs the check on the input plus the
// proposal and fails when anything fixable is still blocked. Proposals only
// add allow rules, and only to pods that are already isolated in that
// direction, so they can never take reachability away.
//
// With cluster policy tiers (ClusterNetworkPolicy, AdminNetworkPolicy,
// BaselineAdminNetworkPolicy), connections are decided by package reference
// through the tiers (tier.go), and a connection an Admin-tier or
// Baseline-tier Deny blocks gets no NetworkPolicy: the proposal names the
// rule to change. TierAdmin writes Admin-tier ClusterNetworkPolicies
// instead (admin.go): Accept, or Pass when the lower tiers then admit.
//
// It does no I/O and must not import client-go, cobra or net/http.
package fix
