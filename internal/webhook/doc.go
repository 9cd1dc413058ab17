// Package webhook serves podreach guard's judgement (pkg/guard) as a
// Kubernetes validating admission webhook: AdmissionReview v1 over TLS on
// /validate, /healthz, /readyz (ready once the model is synced),
// /metrics (Prometheus), structured logs (log/slog) and graceful shutdown.
//
// It owns the HTTP and AdmissionReview wire format only: what a change
// breaks is pkg/guard's answer, and keeping the model current is the
// caller's (the CLI's informers or manifests). It must not import cobra.
package webhook
