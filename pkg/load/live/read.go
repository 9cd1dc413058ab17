package live

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strconv"
	"time"

	"k8s.io/client-go/discovery"
	"k8s.io/client-go/rest"

	"github.com/podreach/podreach/pkg/model"
)

// DefaultChunkSize is the page size of list requests (kubectl's default).
const DefaultChunkSize = 500

// Option configures Read.
type Option func(*options)

type options struct {
	chunk    int64
	progress func(Progress)
	logger   *slog.Logger
}

func makeOptions(opts []Option) options {
	o := options{chunk: DefaultChunkSize, logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
	for _, f := range opts {
		f(&o)
	}
	if o.chunk <= 0 {
		o.chunk = DefaultChunkSize
	}
	return o
}

// WithChunkSize sets how many objects one list request returns at most
// (default DefaultChunkSize).
func WithChunkSize(n int64) Option { return func(o *options) { o.chunk = n } }

// WithProgress calls fn after every page read.
func WithProgress(fn func(Progress)) Option { return func(o *options) { o.progress = fn } }

// WithLogger logs every request at debug level.
func WithLogger(l *slog.Logger) Option { return func(o *options) { o.logger = l } }

// Progress is how far Read has got.
type Progress struct {
	Resource  string // "pods"
	Namespace string // set while listing one namespace at a time
	Objects   int    // objects read so far, all resources
	Requests  int    // list requests made so far
}

// Sink receives what Read lists; *manifest.Builder is one.
type Sink interface {
	DecodeServed(origin string, data []byte)
	AddDiagnostic(model.Diagnostic)
}

// Read lists, page by page, everything reachability depends on (see
// resources, and the policyResources and readOnlyPolicies the API server serves, found by
// discovery) and adds it to b as served objects, so that it goes through
// the same decoding, defaulting and validation as manifests. It makes only
// list requests (and discovery's gets).
//
// A namespace it may not list (RBAC Forbidden) is a Gap, reported as a
// Warning on b, and the read goes on; a resource it may list nowhere is an
// error naming the verb and resource. Any other failure (unreachable
// server, rejected credentials, the server going away mid-list) is an
// error: the caller must not answer from a partial read.
func (c *Connection) Read(ctx context.Context, b Sink, opts ...Option) ([]model.Gap, error) {
	cfg, err := c.restConfig()
	if err != nil {
		return nil, err
	}
	warnings := &warningSink{}
	cfg.WarningHandler = warnings
	client, err := newClient(cfg)
	if err != nil {
		return nil, err
	}
	disc, err := discovery.NewDiscoveryClientForConfig(cfg)
	if err != nil {
		return nil, fmt.Errorf("connecting to %s: %w", cfg.Host, err)
	}
	r := &reader{client: client, disc: disc, b: b, opts: makeOptions(opts), host: cfg.Host, context: c.Context(),
		origin: origin(c.Context())}
	start := time.Now()
	gaps, err := r.run(ctx)
	for _, w := range warnings.take() {
		b.AddDiagnostic(model.Diagnostic{Severity: model.Warning, Source: model.Source{File: r.origin}, Message: "API server warning: " + w})
	}
	r.opts.logger.Debug("read cluster", "objects", r.objects, "requests", r.requests, "elapsed", time.Since(start))
	return gaps, err
}

func origin(context string) string {
	if context == "" {
		return "live"
	}
	return "live:" + context
}

// reader is one Read.
type reader struct {
	client   rest.Interface
	disc     discovery.DiscoveryInterface
	b        Sink
	opts     options
	host     string
	context  string
	origin   string
	answered bool // some request succeeded: later network errors mean the server went away
	objects  int
	requests int
}

func (r *reader) run(ctx context.Context) ([]model.Gap, error) {
	namespaces, err := r.namespaces(ctx)
	if err != nil {
		return nil, err
	}
	// The policy kinds besides NetworkPolicy, where served (their CRDs
	// come with the network plugin or Linkerd), after the built-in kinds.
	disc := newDiscoverer(r.disc)
	toRead := append(slices.Clone(resources[1:]), disc.servedPolicies(r.opts.logger, policyResources)...)
	toRead = append(toRead, disc.servedPolicies(r.opts.logger, readOnlyPolicies)...)
	var gaps []model.Gap
	refused := map[string][]string{} // namespace -> resources
	var order []string
	for _, res := range toRead {
		nss, err := r.read(ctx, res, namespaces)
		if err != nil {
			return nil, err
		}
		for _, ns := range nss {
			if _, ok := refused[ns]; !ok {
				order = append(order, ns)
			}
			refused[ns] = append(refused[ns], res.name())
		}
	}
	namespaced := 0
	for _, res := range toRead {
		if res.namespaced {
			namespaced++
		}
	}
	for _, ns := range order {
		g := model.Gap{Namespace: ns, Resources: refused[ns], Reason: "Forbidden"}
		if ns != "" && len(g.Resources) == namespaced {
			g.Resources = []string{model.AllResources}
		}
		gaps = append(gaps, g)
		r.b.AddDiagnostic(model.Diagnostic{Severity: model.Warning, Source: model.Source{File: r.origin},
			Message: g.String() + "; results involving it are incomplete (see deploy/rbac.yaml)"})
	}
	return gaps, nil
}

// page is the part of a list response Read needs.
type page struct {
	Metadata struct {
		Continue string `json:"continue"`
	} `json:"metadata"`
	Items []rawObject `json:"items"`
}

// list reads every page of res in ns ("" for all namespaces) into the
// builder; names collects metadata.name when not nil.
func (r *reader) list(ctx context.Context, res resource, ns string, names *[]string) error {
	cont := ""
	for {
		req := r.client.Get().AbsPath(res.path(ns)...).
			Param("limit", strconv.FormatInt(r.opts.chunk, 10)).
			SetHeader("Accept", "application/json")
		if cont != "" {
			req = req.Param("continue", cont)
		}
		if res.fieldSelector != "" {
			req = req.Param("fieldSelector", res.fieldSelector)
		}
		r.requests++
		r.opts.logger.Debug("list", "resource", res.name(), "namespace", ns, "continue", cont != "")
		result := req.Do(ctx)
		if err := result.Error(); err != nil { // Error, unlike Raw, carries the server's Status message
			return err
		}
		data, err := result.Raw()
		if err != nil {
			return err
		}
		r.answered = true
		p, stream, err := decodePage(data, res)
		if err != nil {
			return r.protocolError(res, ns, err)
		}
		if names != nil {
			for _, it := range p.Items {
				*names = append(*names, it.name())
			}
		}
		r.b.DecodeServed(r.origin, stream)
		r.objects += len(p.Items)
		if r.opts.progress != nil {
			r.opts.progress(Progress{Resource: res.name(), Namespace: ns, Objects: r.objects, Requests: r.requests})
		}
		if cont = p.Metadata.Continue; cont == "" {
			return nil
		}
	}
}
