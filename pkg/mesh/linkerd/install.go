package linkerd

import (
	"cmp"
	"errors"
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/util/validation"

	"github.com/podreach/podreach/pkg/mesh"
)

// Install is one Linkerd installation as podreach models it: the release,
// where its control plane and extensions live, and the settings that move
// flows. It implements mesh.Profile. Build it with Detect or New; treat it
// as read-only afterwards.
type Install struct {
	Namespace     string        // control-plane namespace ("linkerd")
	Release       Version       // the Linkerd release
	VersionSource VersionSource // how Release was found
	Extensions    []Extension   // installed extensions, sorted by Name
	Components    []string      // control-plane components seen (linkerd.io/control-plane-component values), sorted
	TransportMode TransportMode // proxy.outboundTransportMode (linkerd.md §4 item 1)
	NativeSidecar bool          // proxy.nativeSidecar: the proxy is injected as an init container (§1.2, 2.20)
	CNI           bool          // cniEnabled: linkerd-cni replaces linkerd-init (§1.7)
	// OpaquePorts is the cluster default opaque-ports list (proxy.opaquePorts);
	// empty means the release's default (§2).
	OpaquePorts string
	// Policy is what the install says about inbound authorization.
	Policy PolicySettings
	// Modelled: the input holds no control plane; Inject adds the one
	// podreach models for Release from its flow data (model.go).
	Modelled bool

	table *table
}

var _ mesh.Profile = (*Install)(nil)

// Extension is an installed Linkerd extension and its namespace.
type Extension struct {
	Name      string // ExtensionViz, ExtensionJaeger or ExtensionMulticluster
	Namespace string
}

// Name is "linkerd".
func (in *Install) Name() string { return "linkerd" }

// Version is the release as a string ("edge-26.8.3").
func (in *Install) Version() string { return in.Release.String() }

// ExtensionNamespace returns where the named extension is installed.
func (in *Install) ExtensionNamespace(name string) (string, bool) {
	for _, e := range in.Extensions {
		if e.Name == name {
			return e.Namespace, true
		}
	}
	return "", false
}

// HasComponent reports whether a control-plane component was seen.
func (in *Install) HasComponent(name string) bool {
	_, ok := slices.BinarySearch(in.Components, name)
	return ok
}

// Option configures New.
type Option func(*options)

type options struct {
	namespace     string
	extensions    []Extension
	components    []string
	transportMode TransportMode
	nativeSidecar *bool
	cni           bool
	opaquePorts   string
	source        VersionSource
	policy        PolicySettings
}

func makeOptions(opts []Option) options {
	o := options{
		namespace:     "linkerd",
		transportMode: TransportHeader, // Helm default since edge-25.3.2 (§4 item 1)
		source:        VersionSource{Kind: SourceOverride, Where: "given"},
	}
	for _, opt := range opts {
		opt(&o)
	}
	return o
}

// WithNamespace sets the control-plane namespace (default "linkerd").
func WithNamespace(ns string) Option { return func(o *options) { o.namespace = ns } }

// WithExtension records an installed extension (ExtensionViz, …) and its namespace.
func WithExtension(name, ns string) Option {
	return func(o *options) { o.extensions = append(o.extensions, Extension{name, ns}) }
}

// WithComponents records control-plane components present in the input.
func WithComponents(names ...string) Option {
	return func(o *options) { o.components = append(o.components, names...) }
}

// WithTransportMode sets proxy.outboundTransportMode (default TransportHeader).
func WithTransportMode(m TransportMode) Option { return func(o *options) { o.transportMode = m } }

// WithNativeSidecar sets proxy.nativeSidecar (default: on from 2.20, §1.2).
func WithNativeSidecar(on bool) Option { return func(o *options) { o.nativeSidecar = &on } }

// WithCNI records that linkerd-cni is used instead of linkerd-init.
func WithCNI(on bool) Option { return func(o *options) { o.cni = on } }

// WithOpaquePorts sets the cluster default opaque ports (proxy.opaquePorts).
func WithOpaquePorts(list string) Option { return func(o *options) { o.opaquePorts = list } }

// WithVersionSource records how the release was found (default: given).
func WithVersionSource(s VersionSource) Option { return func(o *options) { o.source = s } }

// New builds an Install for release v without reading a cluster.
func New(v Version, opts ...Option) (*Install, error) {
	o := makeOptions(opts)
	if err := o.validate(v); err != nil {
		return nil, fmt.Errorf("configuring Linkerd %s: %w", v, err)
	}
	t, err := loadTable()
	if err != nil {
		return nil, err
	}
	in := &Install{
		Namespace:     o.namespace,
		Release:       v,
		VersionSource: o.source,
		Extensions:    slices.Clone(o.extensions),
		Components:    slices.Compact(slices.Sorted(slices.Values(o.components))),
		TransportMode: o.transportMode,
		NativeSidecar: v.In(Range{Min: 20, EdgeMin: EdgeTag{26, 5, 2}}), // commit 009a25fa3 (§1.2)
		CNI:           o.cni,
		OpaquePorts:   o.opaquePorts,
		Policy:        o.policy,
		table:         t,
	}
	if o.nativeSidecar != nil {
		in.NativeSidecar = *o.nativeSidecar
	}
	slices.SortFunc(in.Extensions, func(a, b Extension) int { return cmp.Compare(a.Name, b.Name) })
	return in, nil
}

func (o *options) validate(v Version) error {
	var errs []error
	if v.IsZero() {
		errs = append(errs, errors.New("no version"))
	}
	if msgs := validation.IsDNS1123Label(o.namespace); len(msgs) > 0 {
		errs = append(errs, fmt.Errorf("namespace %q: %s", o.namespace, msgs[0]))
	}
	seen := map[string]bool{}
	for _, e := range o.extensions {
		switch {
		case !knownExtension(e.Name):
			errs = append(errs, fmt.Errorf("unknown extension %q (want viz, jaeger or multicluster)", e.Name))
		case seen[e.Name]:
			errs = append(errs, fmt.Errorf("extension %q given twice", e.Name))
		case len(validation.IsDNS1123Label(e.Namespace)) > 0:
			errs = append(errs, fmt.Errorf("extension %q: invalid namespace %q", e.Name, e.Namespace))
		}
		seen[e.Name] = true
	}
	if o.transportMode == TransportModeUnknown {
		errs = append(errs, errors.New("unknown outbound transport mode"))
	}
	return errors.Join(errs...)
}
