// Package policy owns the NetworkPolicy v1 semantics: it compiles the
// policies of a model.Cluster and answers, for a pair of endpoints, which
// ports and protocols a conformant implementation would let the source open
// to the destination, and why.
//
// Two paths share one set of matching rules (match.go):
//   - Engine.Allowed: the fast path. Endpoints that behave identically (same
//     namespace, labels, named ports, host networking and ipBlock
//     membership) collapse into classes; every peer selector is evaluated once
//     per class into a bitset, so a whole matrix costs classes² bitset
//     lookups, not pods² × policies selector evaluations.
//   - Engine.Explain: the traced path for one pair; it names the isolating
//     policies, the admitting rule/peer/port, or the nearest miss.
//
// The package does no I/O and must not import client-go, cobra or net/http.
package policy
