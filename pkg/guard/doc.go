// Package guard judges a change before the API server stores it: a
// NetworkPolicy, a cluster-tier policy (ClusterNetworkPolicy,
// AdminNetworkPolicy, BaselineAdminNetworkPolicy) or a Linkerd policy
// object created, replaced or deleted, a Namespace or a pod-owning
// workload relabelled. It holds the effective cluster (the mesh found
// once, its injection applied, the mesh check run), applies the incoming
// object to a copy of the model, checks the copy and compares: every mesh
// flow the change breaks is a warning line naming the layer that breaks it
// (with the explain command to see one), and how many connections it
// removes. In enforce mode a flow going from ✔ to ×, or a protected flow
// losing its port, is a denial.
//
// A NetworkPolicy or cluster policy edit is judged on an incremental
// engine kept with the state (replay.go): the connections it removes are
// counted from the engine's delta, and only the check lines it can change
// are judged again, on the edited engine (check.Rechecker). Other changes,
// and edits whose ipBlocks cut the external ranges anew, are judged on a
// full analysis of the copy, compared with reach.Diff.
//
// It is the judgement of `podreach guard`; the admission webhook (HTTP,
// AdmissionReview) and the informers that keep the model current live in
// internal/webhook and pkg/load/live. It does no I/O and must not import
// client-go, cobra or net/http.
package guard
