// Package reference is a deliberately naive evaluator of the policy layers,
// written straight from the API text: for one (source, destination,
// protocol, port) it walks every policy, rule, peer and port entry. It is
// slow on purpose and shares no code with package policy's class engine
// (it reads policy.Endpoint fields as plain data and parses selectors
// itself), so that the differential tests, the lab and newcomers have an
// answer they can read line by line and compare against.
//
// Where the API leaves a choice open it follows podreach's documented
// choices: host-network pods are never isolated and are matched only by
// ipBlock; an external peer (a prefix) matches an ipBlock only when the
// whole prefix is inside cidr and outside every except; a pod matches when
// all its addresses of the block's family are (with ipBlockPods), on
// connections of that family.
//
// The package does no I/O and must not import client-go, cobra or net/http.
package reference
