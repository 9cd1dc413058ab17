// Package policy is the fast machinery that answers, for the endpoints of
// a model.Cluster, which ports and protocols a conformant implementation
// would let a source open to a destination, and why.
//
// The meaning lives in sub-packages, one per policy layer, with the API
// text above the code:
//   - netpol: NetworkPolicy v1 (compilation, selectors, ipBlock/except,
//     ports/endPort/named ports, policyTypes);
//   - tier: the cluster-wide tiers around NetworkPolicy
//     (ClusterNetworkPolicy v1alpha2, AdminNetworkPolicy and
//     BaselineAdminNetworkPolicy v1alpha1): compilation, matching, and the
//     order of evaluation (Admin → NetworkPolicy → Baseline → allow);
//   - linkerdauthz: Linkerd's authorization layer (Server,
//     AuthorizationPolicy, routes, default inbound policies), the second
//     layer a meshed destination applies; the engine does not use it,
//     package reach combines it;
//   - reference: a naive evaluator written from the API text, one
//     connection at a time, that the differential tests (and the lab)
//     compare the fast paths against.
//
// This package imports the meaning and never redefines it; the meaning
// packages never import this one (layering_test.go).
//
// Three paths share one set of compiled rules (netpol.Policy):
//   - Engine.Allowed and Engine.NewScanner: the fast path (state.go,
//     class.go, eval.go, scan*.go). Endpoints that every selector, ipBlock
//     and named port treats alike collapse into classes (keyed by their
//     namespace, the labels some pod selector reads, their named ports and
//     the ipBlocks they match, found through an index by masked CIDR);
//     every distinct selector is evaluated into a bitset per class (from
//     the lists of classes by label, not by testing each class) or per
//     namespace; the policies selecting a class form its profile, shared
//     by the classes they select alike. Compiling the policies and
//     matching endpoints to ipBlocks run on every core.
//     Port sets are interned (equal sets share an id and storage) and their
//     unions and intersections memoized. A Scanner computes a whole row of
//     the matrix at once, finding the rules whose peers match the source
//     through an index instead of testing every rule, so a matrix costs
//     about classes² cheap steps.
//   - Incremental (incremental*.go): the same state, edited one policy,
//     pod or namespace at a time; each edit re-evaluates only the class
//     pairs it can affect and returns the Delta. A cluster policy edit
//     recompiles the state and compares the pairs its subject decides
//     (incremental_tiers.go; WithClusterPolicy makes it on a new engine).
//     View is an Engine over the incremental state as it is (Explain
//     included), valid until the next edit (incremental_view.go).
//   - Engine.Explain: the traced path for one pair; it names the isolating
//     policies, the admitting rule/peer/port, or the nearest miss.
//
// The differential tests keep all of them equal to package reference.
//
// The package does no I/O and must not import client-go, cobra or net/http.
package policy
