package webhook

import (
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus metrics, on a registry of its own
// (no global state).
type metrics struct {
	reg       *prometheus.Registry
	requests  *prometheus.CounterVec   // by kind, operation
	decisions *prometheus.CounterVec   // by decision
	rejected  *prometheus.CounterVec   // bad requests, by reason
	latency   *prometheus.HistogramVec // review time, by decision
}

// Decisions, as the decisions counter and the logs name them.
const (
	decisionAllowed   = "allowed"  // evaluated, nothing broken
	decisionWarned    = "warned"   // allowed with warnings
	decisionDenied    = "denied"   // enforce mode refused it
	decisionSkipped   = "skipped"  // nothing the guard judges changed
	decisionUnsynced  = "unsynced" // allowed: no model yet
	decisionUnjudged  = "error"    // allowed: the change could not be evaluated
	metricsNamespace  = "podreach"
	metricsSubsystem  = "guard"
	latencyBucketBase = 0.0005
)

func newMetrics(src Source) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	opts := func(name, help string) prometheus.Opts {
		return prometheus.Opts{Namespace: metricsNamespace, Subsystem: metricsSubsystem, Name: name, Help: help}
	}
	m.requests = prometheus.NewCounterVec(prometheus.CounterOpts(opts("requests_total", "AdmissionReviews answered, by kind and operation.")), []string{"kind", "operation"})
	m.decisions = prometheus.NewCounterVec(prometheus.CounterOpts(opts("decisions_total", "Answers, by decision: allowed, warned, denied, skipped, unsynced, error.")), []string{"decision"})
	m.rejected = prometheus.NewCounterVec(prometheus.CounterOpts(opts("bad_requests_total", "Requests refused with 400 or 405, by reason.")), []string{"reason"})
	m.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: metricsNamespace, Subsystem: metricsSubsystem,
		Name: "review_duration_seconds", Help: "Time to judge one AdmissionReview, by decision.",
		Buckets: prometheus.ExponentialBuckets(latencyBucketBase, 2, 14)}, []string{"decision"})
	size := prometheus.NewGaugeFunc(prometheus.GaugeOpts(opts("model_workloads", "Workloads in the model.")), func() float64 {
		if g := src.Guard(); g != nil {
			return float64(g.Size().Workloads)
		}
		return 0
	})
	policies := prometheus.NewGaugeFunc(prometheus.GaugeOpts(opts("model_policies", "NetworkPolicies in the model.")), func() float64 {
		if g := src.Guard(); g != nil {
			return float64(g.Size().Policies)
		}
		return 0
	})
	age := prometheus.NewGaugeFunc(prometheus.GaugeOpts(opts("sync_age_seconds", "Seconds since the model last changed from its source (-1: never synced).")), func() float64 {
		t := src.Synced()
		if t.IsZero() {
			return -1
		}
		return time.Since(t).Seconds()
	})
	m.reg.MustRegister(m.requests, m.decisions, m.rejected, m.latency, size, policies, age,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}
