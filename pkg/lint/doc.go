// Package lint finds the mistakes in NetworkPolicies that no single
// connection query reveals: selectors that match nothing (with the nearest
// existing label), policies that select no pod, rules that can never admit
// anything (named ports no pod declares, an except that covers its whole
// cidr, endPort ranges no pod serves), rules shadowed by broader ones,
// egress that cuts pods off the cluster's DNS, namespaces left open while
// others are isolated, workloads exposed to the whole cluster or to every
// external address, trust placed in labels tenants control, and the
// NetworkPolicy mistakes a Linkerd mesh makes (selectors on
// linkerd.io/proxy-deployment, application ports meshed traffic never
// arrives on, port restrictions the proxy's inbound port bypasses).
//
// The rules are data (Rules): a stable ID, a severity, a summary and a
// check. Run evaluates them on a reach.Analysis, so every answer is about
// the effective cluster (the mesh's injection applied) and every
// reachability question goes to the real engine. Findings carry the
// object, field path and file:line they are about, why, and a fix hint.
// An object opts out of rules with the annotation DisableAnnotation.
//
// Exposures answers the companion question: who may connect to each
// workload, in the words of the rules ("pods labelled app=web in namespace
// shop", "every external address except 10.0.0.0/8"), and which workloads
// no policy isolates.
//
// The package does no I/O and must not import client-go, cobra or net/http.
package lint
