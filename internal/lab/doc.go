// Package lab replays a cluster on real packets: one network namespace per
// pod (and per external peer) on the local Linux host, joined by a bridge
// in a lab-owned namespace; a responder on every probed port; the
// NetworkPolicies compiled into nftables chains inside each pod's namespace;
// and real TCP/UDP (and, where the kernel has it, SCTP) connections between
// every ordered pair, compared with the policy engine's verdicts.
//
// The lab never touches the host's network namespace: every link, address,
// route and rule is created inside a lab namespace (named with the prefix
// "prlab-"), every probe socket is bound to a lab address before it sends,
// and the bridge has no uplink, so no packet leaves the lab. Run tears it
// all down; Cleanup removes what runs that were killed left behind.
//
// The nftables compiler (nft.go) is a second, independent implementation of
// the NetworkPolicy v1 semantics: it reads the policies and the lab's pods,
// not package policy's compiled rules, so that the comparison means
// something. The cluster policy tiers (nfttier.go) are parsed by package
// tier and replayed as chains in the API's order (Admin tier, NetworkPolicy,
// Baseline tier, allow); a cluster with tiers is compared with package
// reference, which walks the tiers one connection at a time (judge.go).
//
// lab needs root, the ip (iproute2) and nft (nftables) commands, and
// nf_tables in the kernel; it does I/O and is internal, used by the CLI and
// the lab end-to-end tests only. It must not import client-go or cobra.
package lab
