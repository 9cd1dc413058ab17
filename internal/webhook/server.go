package webhook

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/podreach/podreach/pkg/guard"
)

// DefaultMaxRequestBytes caps an AdmissionReview body. An object is at
// most 1.5 MiB in etcd by default and a review of an update carries two
// (object and oldObject), so 6 MiB leaves room for both and the envelope.
const DefaultMaxRequestBytes = 6 << 20

// Source gives the guard to judge with: nil until the model is first
// synced. Synced is when the model last caught up with its source (zero:
// never).
type Source interface {
	Guard() *guard.Guard
	Synced() time.Time
}

// Server answers AdmissionReviews with a Source's guard.
type Server struct {
	src     Source
	log     *slog.Logger
	m       *metrics
	maxBody int64
}

// Option configures New.
type Option func(*Server)

// WithLogger logs every review and every refused request (default: none).
func WithLogger(l *slog.Logger) Option { return func(s *Server) { s.log = l } }

// WithMaxRequestBytes caps a request body (default DefaultMaxRequestBytes).
func WithMaxRequestBytes(n int64) Option { return func(s *Server) { s.maxBody = n } }

// New returns a server for src.
func New(src Source, opts ...Option) *Server {
	s := &Server{src: src, log: slog.New(slog.NewTextHandler(io.Discard, nil)), maxBody: DefaultMaxRequestBytes}
	for _, o := range opts {
		o(s)
	}
	s.m = newMetrics(src)
	return s
}

// Handler routes /validate, /healthz, /readyz and /metrics.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/validate", s.validate)
	mux.HandleFunc("/healthz", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, "ok\n") })
	mux.HandleFunc("/readyz", s.ready)
	mux.Handle("/metrics", promhttp.HandlerFor(s.m.reg, promhttp.HandlerOpts{}))
	return mux
}

// ready answers 200 once the model is synced, 503 before.
func (s *Server) ready(w http.ResponseWriter, _ *http.Request) {
	if s.src.Guard() == nil {
		http.Error(w, "model not synced yet", http.StatusServiceUnavailable)
		return
	}
	io.WriteString(w, "ok\n")
}

// Serve serves TLS on ln until ctx is done, then shuts down gracefully:
// it stops accepting, lets reviews in flight finish (at most grace), and
// returns nil.
func (s *Server) Serve(ctx context.Context, ln net.Listener, cfg *tls.Config, grace time.Duration) error {
	srv := &http.Server{Handler: s.Handler(), TLSConfig: cfg, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: 30 * time.Second, WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(s.log.Handler(), slog.LevelWarn)}
	errc := make(chan error, 1)
	go func() { errc <- srv.ServeTLS(ln, "", "") }()
	s.log.Info("serving", "address", ln.Addr().String())
	select {
	case err := <-errc:
		return fmt.Errorf("serving on %s: %w", ln.Addr(), err)
	case <-ctx.Done():
	}
	s.log.Info("shutting down", "grace", grace)
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutting down: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}
