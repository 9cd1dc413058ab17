// Package synth generates deterministic synthetic clusters for tests and
// benchmarks: namespaces with team/env labels, workloads of every kind with
// named container ports, optional pod IPs, external peers, and a mix of
// NetworkPolicies that exercises every feature of networking.k8s.io/v1.
//
// Generated policies are in the form the API server stores: valid, with
// policyTypes and port protocols defaulted and empty lists omitted. The same
// Config (Seed included) always yields the same cluster.
//
// synth builds model values only: it must not import client-go, cobra,
// net/http or package policy.
package synth
