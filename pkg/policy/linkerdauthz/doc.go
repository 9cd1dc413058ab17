// Package linkerdauthz is the meaning of Linkerd's authorization layer: for
// a meshed destination pod, a port and a client, whether the destination's
// proxy admits the connection, and why (Policies.Decide).
//
// What it implements, in the order the policy controller and the proxy
// apply it (docs/linkerd-authz.md has the decision table and the tests
// that pin every row):
//
//  1. "Linkerd can only enforce policy on meshed pods"
//     (https://linkerd.io/2/features/server-policy/): an unmeshed
//     destination, a port in config.linkerd.io/skip-inbound-ports, or the
//     proxy's tap port 4190 gets no Linkerd decision. The admin port 4191
//     does: the admin server applies inbound policy (linkerd2 #7143, #10691).
//  2. Connections from localhost are always allowed
//     (linkerd2-proxy linkerd/proxy/server-policy/src/lib.rs).
//  3. "A Server selects a port on a set of pods in the same namespace as
//     the server" (https://linkerd.io/2/reference/authorization-policy/#server):
//     a port name matches the pod's TCP container ports of that name, a
//     number matches that port whether declared or not
//     (policy-controller/k8s/index/src/inbound/index.rs select_ports).
//     Overlapping Servers were rejected by the validating webhook before
//     edge-25.2.2; since then the oldest wins (linkerd2 #13676).
//  4. No Server: the default inbound policy. "This cluster-wide default can
//     be overridden for specific resources by setting the annotation
//     config.linkerd.io/default-inbound-policy on either a pod spec or its
//     namespace"; the pod's wins, and an invalid value is ignored
//     (inbound/workload.rs Settings::from_metadata).
//     config.linkerd.io/proxy-require-identity-inbound-ports turns an
//     allowing default into its authenticated form for those ports
//     (default_inbound_server).
//  5. A Server: "When a Server resource is present, all traffic to the port
//     on its pods will be denied unless explicitly authorized or audit mode
//     is enabled (with accessPolicy:audit)". Its authorizations are the
//     ServerAuthorizations selecting it and the AuthorizationPolicies
//     targeting it or its namespace; several are alternatives.
//  6. Routes: once an HTTPRoute or GRPCRoute has the Server as parent, a
//     request must match a route, and "If any HTTPRoute or GRPCRoute
//     matches the Server, these automatic authorizations [of probes] are
//     not created" (https://linkerd.io/2/features/server-policy/#default-authorizations).
//  7. An AuthorizationPolicy's requiredAuthenticationRefs are ANDed; a
//     missing identity ref means any client, a missing network ref means
//     every network; a policy naming an authentication that does not exist
//     is ignored (inbound/index.rs policy_client_authz).
//
// Clients are identified by their service account:
// <sa>.<ns>.serviceaccount.identity.<control-plane ns>.<trust domain>
// (https://linkerd.io/2/reference/authorization-policy/#meshtlsauthentication);
// unmeshed clients are unauthenticated; a client's network is its pod IP or
// the CIDR of an external peer.
//
// Before the destination's proxy, the client's own proxy can refuse
// (Policies.Outbound, outbound.go): from 2.19 (edge-25.7.1, linkerd2
// #14149) a meshed client dialling a Service's cluster IP on a port the
// Service does not declare is reset; until edge-26.7.1 (linkerd2 #15473) a
// ServiceProfile let it through, which this package cannot see (Unknown).
// Combine puts both sides together.
//
// Where Linkerd's behaviour changed, Config.Version selects the era
// (era.go). Inputs it cannot decide (a pod IP not known and a network that
// covers only part of the cluster networks; Linkerd objects a live read was
// refused, Config.Unread, unread.go) give Unknown, never Allow.
//
// The package does no I/O and imports neither the policy machinery nor
// client-go, cobra or net/http.
package linkerdauthz
