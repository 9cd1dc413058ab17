package effective

import (
	"fmt"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// MeshMode says which mesh to model.
type MeshMode uint8

// Mesh modes. MeshAuto models Linkerd when the input shows it (see
// linkerd.Present), else none.
const (
	MeshUnknown MeshMode = iota
	MeshAuto
	MeshNone
	MeshLinkerd
)

func (m MeshMode) String() string {
	switch m {
	case MeshAuto:
		return "auto"
	case MeshNone:
		return "none"
	case MeshLinkerd:
		return "linkerd"
	}
	return "unknown"
}

// ParseMeshMode parses "auto" (or ""), "none" or "linkerd".
func ParseMeshMode(s string) (MeshMode, error) {
	switch s {
	case "", "auto":
		return MeshAuto, nil
	case "none":
		return MeshNone, nil
	case "linkerd":
		return MeshLinkerd, nil
	}
	return MeshUnknown, fmt.Errorf("unknown mesh %q (want linkerd, none or auto)", s)
}

// Option configures Mesh, Analyze and Check.
type Option func(*options)

type options struct {
	mode    MeshMode
	version string
	defPol  string // the Linkerd cluster default policy when linkerd-config gives none
	reach   []reach.Option
}

func makeOptions(opts []Option) options {
	o := options{mode: MeshAuto}
	for _, f := range opts {
		f(&o)
	}
	return o
}

// WithMesh sets the mesh to model (default MeshAuto).
func WithMesh(m MeshMode) Option { return func(o *options) { o.mode = m } }

// WithLinkerdVersion sets the Linkerd release to model ("edge-26.8.3",
// "2.14"), overriding what the input says.
func WithLinkerdVersion(v string) Option { return func(o *options) { o.version = v } }

// WithLinkerdDefaultPolicy sets Linkerd's cluster-wide default inbound
// policy for an input whose linkerd-config does not give one.
func WithLinkerdDefaultPolicy(v string) Option { return func(o *options) { o.defPol = v } }

// WithReachOptions passes options to the analysis (reach.WithLevel…).
func WithReachOptions(opts ...reach.Option) Option {
	return func(o *options) { o.reach = append(o.reach, opts...) }
}

// Mesh returns the mesh profile c runs under: nil for none (MeshNone, or
// MeshAuto on an input without Linkerd). Detection notices and warnings
// come back as Diagnostics.
func Mesh(c *model.Cluster, opts ...Option) (mesh.Profile, model.Diagnostics, error) {
	o := makeOptions(opts)
	switch o.mode {
	case MeshNone:
		return nil, nil, nil
	case MeshAuto:
		if !linkerd.Present(c) && o.version == "" {
			return nil, nil, nil
		}
	case MeshLinkerd:
	default:
		return nil, nil, fmt.Errorf("unknown mesh mode %d", o.mode)
	}
	in, ds, err := linkerd.Detect(c, o.version)
	if err != nil {
		return nil, ds, fmt.Errorf("detecting Linkerd: %w", err)
	}
	switch {
	case o.defPol == "":
	case in.Policy.DefaultInbound == "":
		in.Policy.DefaultInbound, in.Policy.DefaultFrom = o.defPol, "--linkerd-default-policy"
	case in.Policy.DefaultInbound != o.defPol:
		ds = append(ds, model.Diagnostic{Severity: model.Warning, Message: fmt.Sprintf(
			"--linkerd-default-policy %s ignored: %s says %s", o.defPol, in.Policy.DefaultFrom, in.Policy.DefaultInbound)})
	}
	return in, ds, nil
}

// Analyze analyses the effective cluster of c: the mesh found as Mesh finds
// it, its injection applied (reach.WithMesh).
func Analyze(c *model.Cluster, opts ...Option) (*reach.Analysis, model.Diagnostics, error) {
	o := makeOptions(opts)
	p, ds, err := Mesh(c, opts...)
	if err != nil {
		return nil, ds, err
	}
	a, err := reach.Analyze(c, append(o.reach, reach.WithMesh(p))...)
	if err != nil {
		return nil, ds, err
	}
	return a, ds, nil
}

// Check checks the flows of c's mesh (check.Run) on its effective cluster.
// A mesh is required: MeshAuto on an input without one is an error.
func Check(c *model.Cluster, opts []Option, checkOpts ...check.Option) (*check.Report, *reach.Analysis, model.Diagnostics, error) {
	o := makeOptions(opts)
	p, ds, err := Mesh(c, opts...)
	if err != nil {
		return nil, nil, ds, err
	}
	if p == nil {
		return nil, nil, ds, fmt.Errorf("no service mesh in the input (looked for Linkerd: a control plane, proxies, linkerd.io/inject annotations); name one with --mesh linkerd")
	}
	rep, a, err := check.Run(c, p, append([]check.Option{check.WithReachOptions(o.reach...)}, checkOpts...)...)
	if err != nil {
		return nil, nil, ds, err
	}
	return rep, a, ds, nil
}
