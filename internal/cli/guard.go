package cli

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os"
	"time"

	"github.com/spf13/cobra"

	"github.com/podreach/podreach/internal/webhook"
	"github.com/podreach/podreach/pkg/guard"
	"github.com/podreach/podreach/pkg/model"
)

type guardFlags struct {
	input    inputFlags
	listen   string
	certFile string
	keyFile  string
	mode     string
	config   string
	grace    time.Duration
	maxBody  int64
	logJSON  bool
	interval time.Duration // live: the least time between two rebuilds of the model
}

func newGuardCmd(s Streams) *cobra.Command {
	f := &guardFlags{}
	cmd := &cobra.Command{
		Use:   "guard [-f FILE|DIR] --tls-cert-file CRT --tls-key-file KEY",
		Short: "Serve a validating admission webhook that warns of changes breaking the mesh",
		Long: `Guard is a validating admission webhook. For every NetworkPolicy created,
replaced or deleted, and every Namespace or pod-owning workload relabelled,
it applies the change to a copy of the cluster model, runs the mesh check
again, and answers with one warning line per mesh flow the change breaks
(✔→×, with the explain command to see it) and how many connections it
removes; kubectl prints them under the command. --mode warn (the default)
always allows; --mode enforce denies a change that turns a mesh check from
✔ to × or loses a flow --config protects. dryRun requests are answered the
same way.

Without -f it keeps the model current from the cluster with list+watch
(read-only) and is ready (/readyz) once the first full list is in; with -f
it serves the judgement of those manifests (demos, tests, CI).

Endpoints: /validate (AdmissionReview v1), /healthz, /readyz, /metrics.
Logs are structured (log/slog) on stderr. SIGTERM or SIGINT shut it down
gracefully. See docs/guard.md.`,
		Example: `  podreach guard -f examples/emojivoto-linkerd/ --tls-cert-file tls.crt --tls-key-file tls.key
  podreach guard --mode enforce --config protected.yaml --tls-cert-file /tls/tls.crt --tls-key-file /tls/tls.key`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return runGuard(cmd, s, f) },
	}
	f.input.add(cmd)
	cmd.AddCommand(newGuardCertsCmd(s))
	fl := cmd.Flags()
	fl.StringVar(&f.listen, "listen", ":8443", "address to serve HTTPS on")
	fl.StringVar(&f.certFile, "tls-cert-file", "", "serving certificate (PEM; required; reloaded when the file changes)")
	fl.StringVar(&f.keyFile, "tls-key-file", "", "serving certificate's private key (PEM; required; reloaded with the certificate)")
	fl.StringVar(&f.mode, "mode", "warn", "warn: always allow, with warnings; enforce: deny changes that break a mesh check or a protected flow")
	fl.StringVar(&f.config, "config", "", "configuration file: the protected flows (see docs/guard.md)")
	fl.DurationVar(&f.grace, "shutdown-grace", 10*time.Second, "on SIGTERM, how long reviews in flight may take to finish")
	fl.Int64Var(&f.maxBody, "max-request-bytes", webhook.DefaultMaxRequestBytes, "largest AdmissionReview accepted (larger: 400)")
	fl.BoolVar(&f.logJSON, "log-json", false, "write logs as JSON lines (default: text)")
	fl.DurationVar(&f.interval, "rebuild-interval", time.Second, "watching a cluster: the least time between two rebuilds of the model")
	return cmd
}

func runGuard(cmd *cobra.Command, s Streams, f *guardFlags) error {
	if f.certFile == "" || f.keyFile == "" {
		return inputError(fmt.Errorf("--tls-cert-file and --tls-key-file are required (podreach guard certs writes a pair)"))
	}
	opts, err := f.guardOptions(cmd)
	if err != nil {
		return err
	}
	log := f.logger(s)
	certs, err := webhook.LoadCertFiles(f.certFile, f.keyFile, log) // reloaded when the files change (rotate.go)
	if err != nil {
		return inputError(err)
	}
	// A watch that fails for good ends the server with its error.
	ctx, stop := context.WithCancelCause(requireContext(cmd))
	defer stop(nil)
	src, err := f.source(ctx, cmd, s, log, opts, stop)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", f.listen)
	if err != nil {
		return inputError(fmt.Errorf("--listen: %w", err))
	}
	srv := webhook.New(src, webhook.WithLogger(log), webhook.WithMaxRequestBytes(f.maxBody))
	go certs.Watch(ctx, webhook.DefaultReloadInterval)
	if err := srv.Serve(ctx, ln, certs.TLSConfig(), f.grace); err != nil {
		return err
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, context.Canceled) {
		return cause
	}
	return nil
}

// guardOptions maps the flags to the guard's options.
func (f *guardFlags) guardOptions(cmd *cobra.Command) ([]guard.Option, error) {
	mode, err := guard.ParseMode(f.mode)
	if err != nil {
		return nil, inputError(fmt.Errorf("--mode: %w", err))
	}
	eff, err := f.input.effective()
	if err != nil {
		return nil, err
	}
	ropts, err := f.input.options()
	if err != nil {
		return nil, err
	}
	explain := f.input.command(cmd, "explain")
	if f.live() {
		explain += " --live"
	}
	opts := []guard.Option{guard.WithMode(mode), guard.WithEffective(eff...), guard.WithReachOptions(ropts...),
		guard.WithIPBlockPods(f.input.ipBlockPods != "ignore"), guard.WithExplainCommand(explain)}
	if f.config != "" {
		data, err := os.ReadFile(f.config)
		if err != nil {
			return nil, inputError(fmt.Errorf("--config: %w", err))
		}
		c, err := guard.ParseConfig(f.config, data)
		if err != nil {
			return nil, inputError(err)
		}
		opts = append(opts, guard.WithProtected(c.Protected...))
	}
	return opts, nil
}

// live reports whether the guard watches the cluster (no manifests given).
func (f *guardFlags) live() bool { return len(f.input.filenames) == 0 && len(f.input.kustomize) == 0 }

func (f *guardFlags) logger(s Streams) *slog.Logger {
	if f.logJSON {
		return slog.New(slog.NewJSONHandler(s.ErrOut, nil))
	}
	return slog.New(slog.NewTextHandler(s.ErrOut, nil))
}

// staticSource serves one model that never changes (-f).
type staticSource struct {
	g      *guard.Guard
	synced time.Time
}

func (s staticSource) Guard() *guard.Guard { return s.g }
func (s staticSource) Synced() time.Time   { return s.synced }

// source loads the manifests (-f, -k) or starts watching the cluster.
func (f *guardFlags) source(ctx context.Context, cmd *cobra.Command, s Streams, log *slog.Logger, opts []guard.Option, fail func(error)) (webhook.Source, error) {
	if f.input.src.live {
		return nil, inputError(fmt.Errorf("--live: guard watches the cluster when no -f is given, and serves the manifests alone with -f"))
	}
	if f.live() {
		if err := f.input.addExternals(&model.Cluster{}); err != nil { // read once, before the first list
			return nil, err
		}
		return f.watch(ctx, log, opts, fail), nil
	}
	c, err := f.input.load(cmd, s)
	if err != nil {
		return nil, err
	}
	g, diags, err := guard.New(c, opts...)
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	log.Info("model loaded", "workloads", g.Size().Workloads, "policies", g.Size().Policies, "checks", g.Size().Checks, "mode", g.Mode().String())
	return staticSource{g: g, synced: time.Now()}, nil
}
