// Package guard judges a change before the API server stores it: a
// NetworkPolicy created, replaced or deleted, a Namespace or a pod-owning
// workload relabelled. It holds the effective cluster (the mesh found once,
// its injection applied, the mesh check run), applies the incoming object
// to a copy of the model, re-runs the mesh check and compares: every mesh
// flow the change breaks is a warning line (with the explain command to see
// one), and how many connections it removes. In enforce mode a flow going
// from ✔ to ×, or a protected flow losing its port, is a denial.
//
// It is the judgement of `podreach guard`; the admission webhook (HTTP,
// AdmissionReview) and the informers that keep the model current live in
// internal/guard and pkg/load/live. It does no I/O and must not import
// client-go, cobra or net/http.
package guard
