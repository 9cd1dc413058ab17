package linkerd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// Detect finds the Linkerd installation in c: the control-plane namespace,
// the release, the installed extensions and the settings in linkerd-config.
// override, when not empty, is the release to assume (--linkerd-version); it
// wins over what the cluster says, and it is required when c holds no
// control plane. Problems that leave a usable answer are Diagnostics.
func Detect(c *model.Cluster, override string) (*Install, model.Diagnostics, error) {
	var ds model.Diagnostics
	var ov Version
	if override != "" {
		v, err := ParseVersion(override)
		if err != nil {
			return nil, nil, fmt.Errorf("linkerd version override: %w", err)
		}
		ov = v
	}
	ns, found := findControlPlane(c, &ds)
	if !found {
		return detectModelled(c, ns, ov, &ds)
	}
	cfg := readConfig(c, ns, &ds)
	cands := append(cfg.versions, workloadVersions(c, ns, &ds)...)
	v, src, err := chooseVersion(ov, cands, &ds)
	if err != nil {
		return nil, ds, fmt.Errorf("control plane in namespace %q: %w", ns, err)
	}
	opts := []Option{WithNamespace(ns), WithVersionSource(src),
		WithComponents(components(c, ns)...), WithCNI(cfg.cni), WithOpaquePorts(cfg.opaquePorts), WithPolicy(cfg.policy)}
	if cfg.mode != TransportModeUnknown {
		opts = append(opts, WithTransportMode(cfg.mode))
	}
	if cfg.nativeSidecar != nil {
		opts = append(opts, WithNativeSidecar(*cfg.nativeSidecar))
	}
	for _, e := range detectExtensions(c, &ds) {
		opts = append(opts, WithExtension(e.Name, e.Namespace))
	}
	in, err := New(v, opts...)
	if err != nil {
		return nil, ds, err
	}
	return in, ds, nil
}

// detectModelled is Detect for an input without a control plane (an
// application repository; the platform team owns the install): the
// release is ov, else what the meshed pods say (their proxy-version
// annotation or proxy image), else DefaultVersion; the control plane is
// modelled from the flow data (Install.Modelled) and one notice says so.
func detectModelled(c *model.Cluster, ns string, ov Version, ds *model.Diagnostics) (*Install, model.Diagnostics, error) {
	cands := dataPlaneVersions(c)
	v, src := ov, VersionSource{Kind: SourceOverride, Where: "--linkerd-version"}
	switch {
	case !ov.IsZero():
	case len(cands) > 0:
		v, src = cands[0].v, cands[0].src
	default:
		v, src = MustParseVersion(DefaultVersion), VersionSource{Kind: SourceDefault, Where: "no version in the input"}
	}
	in, err := New(v, WithNamespace(ns), WithVersionSource(src))
	if err != nil {
		return nil, *ds, err
	}
	in.Modelled = true
	comps := in.ModelledComponents()
	in.Components = comps
	*ds = append(*ds, model.Diagnostic{Severity: model.Notice, Message: fmt.Sprintf(
		"no Linkerd control plane in the input: modelling the control plane of Linkerd %s (%s) in namespace %s (%s) "+
			"from podreach's flow data; the NetworkPolicies of %s are not in the input, so flows into it are judged "+
			"on the sending side", v, src, ns, strings.Join(comps, ", "), ns)})
	return in, *ds, nil
}

// dataPlaneVersions reads the release from meshed workloads: the
// linkerd.io/proxy-version annotation the injector writes, then the tag of
// their linkerd-proxy image.
func dataPlaneVersions(c *model.Cluster) []candidate {
	var annot, images []candidate
	for _, w := range c.Workloads {
		what := w.Kind.String() + " " + w.ID()
		if s := lastField(w.Template.Annotations[annotationProxyVersion]); s != "" {
			if v, err := ParseVersion(s); err == nil {
				annot = append(annot, candidate{v, VersionSource{SourceAnnotation, annotationProxyVersion + " on " + what}})
			}
		}
		for _, ct := range w.Template.Containers {
			if v, ok := imageVersion(ct.Image); ok && ct.Name == containerProxy {
				images = append(images, candidate{v, VersionSource{SourceImage, ct.Image + " in " + what}})
			}
		}
	}
	return append(annot, images...)
}

// findControlPlane returns the control-plane namespace and whether a control
// plane is in the input: pods labelled linkerd.io/control-plane-component,
// then a namespace labelled linkerd.io/is-control-plane=true (2.4+, §1.8),
// then the linkerd-config ConfigMap. Without one it falls back to the
// linkerd.io/control-plane-ns label of meshed pods, then to "linkerd".
func findControlPlane(c *model.Cluster, ds *model.Diagnostics) (string, bool) {
	var found []string
	for _, w := range c.Workloads {
		if w.Template.Labels[labelComponent] != "" {
			found = append(found, w.Namespace)
		}
	}
	for _, ns := range c.Namespaces {
		if ns.Labels[labelIsControlPlane] == "true" {
			found = append(found, ns.Name)
		}
	}
	for _, o := range c.Objects {
		if o.Kind == "ConfigMap" && o.Name == configMapName {
			found = append(found, o.Namespace)
		}
	}
	if len(found) > 0 {
		if all := slices.Compact(slices.Sorted(slices.Values(found))); len(all) > 1 {
			*ds = append(*ds, model.Diagnostic{Severity: model.Warning, Message: fmt.Sprintf(
				"Linkerd control planes in several namespaces (%s); using %q", strings.Join(all, ", "), found[0])})
		}
		return found[0], true
	}
	for _, w := range c.Workloads {
		if ns := w.Template.Labels[labelControlPlaneNS]; ns != "" {
			return ns, false
		}
	}
	return "linkerd", false
}

// candidate is a version and where it was found.
type candidate struct {
	v   Version
	src VersionSource
}

// chooseVersion picks the override, else the most trusted candidate, and
// reports disagreements.
func chooseVersion(ov Version, cands []candidate, ds *model.Diagnostics) (Version, VersionSource, error) {
	chosen := candidate{ov, VersionSource{Kind: SourceOverride, Where: "--linkerd-version"}}
	switch {
	case !ov.IsZero():
		if len(cands) > 0 && cands[0].v.Compare(ov) != 0 {
			*ds = append(*ds, model.Diagnostic{Severity: model.Notice, Message: fmt.Sprintf(
				"using Linkerd %s as given; the input says %s (%s)", ov, cands[0].v, cands[0].src)})
		}
	case len(cands) == 0:
		return Version{}, VersionSource{}, fmt.Errorf("cannot tell the Linkerd version: looked at the %s "+
			"ConfigMap, the %s and %s annotations and Linkerd image tags; pass --linkerd-version",
			configMapName, annotationCreatedBy, annotationProxyVersion)
	default:
		chosen = cands[0]
		reported := map[string]bool{chosen.v.String(): true}
		for _, o := range cands[1:] {
			if o.v.Compare(chosen.v) == 0 || reported[o.v.String()] {
				continue
			}
			reported[o.v.String()] = true
			*ds = append(*ds, model.Diagnostic{Severity: model.Warning, Message: fmt.Sprintf(
				"Linkerd version sources disagree: using %s from %s, but %s says %s", chosen.v, chosen.src, o.src, o.v)})
		}
	}
	if newerThanData(chosen.v) {
		*ds = append(*ds, model.Diagnostic{Severity: model.Notice, Message: fmt.Sprintf(
			"Linkerd %s is newer than podreach's flow data (%s); assuming it needs the same flows", chosen.v, newestKnown())})
	}
	return chosen.v, chosen.src, nil
}

// components lists the linkerd.io/control-plane-component values in ns.
func components(c *model.Cluster, ns string) []string {
	var out []string
	for _, w := range c.Workloads {
		if comp := w.Template.Labels[labelComponent]; comp != "" && w.Namespace == ns {
			out = append(out, comp)
		}
	}
	return out
}

// detectExtensions finds extension namespaces: namespaces labelled
// linkerd.io/extension (2.10+, §1.4-1.6), else the namespace of the
// extension's pods (linkerd.io/extension on pods; multicluster gateways
// app=linkerd-gateway and service mirrors, which predate the label).
func detectExtensions(c *model.Cluster, ds *model.Diagnostics) []Extension {
	var found []Extension
	for _, ns := range c.Namespaces {
		if name := ns.Labels[labelExtension]; knownExtension(name) {
			found = append(found, Extension{name, ns.Name})
		}
	}
	for _, w := range c.Workloads {
		l := w.Template.Labels
		switch {
		case knownExtension(l[labelExtension]):
			found = append(found, Extension{l[labelExtension], w.Namespace})
		case l["app"] == "linkerd-gateway" || l["component"] == "linkerd-service-mirror":
			found = append(found, Extension{ExtensionMulticluster, w.Namespace})
		}
	}
	var out []Extension
	reported := map[Extension]bool{}
	for _, e := range found {
		i := slices.IndexFunc(out, func(o Extension) bool { return o.Name == e.Name })
		switch {
		case i < 0:
			out = append(out, e)
		case out[i].Namespace != e.Namespace && !reported[e]:
			reported[e] = true
			*ds = append(*ds, model.Diagnostic{Severity: model.Warning, Message: fmt.Sprintf(
				"Linkerd %s extension found in namespaces %q and %q; using %q",
				e.Name, out[i].Namespace, e.Namespace, out[i].Namespace)})
		}
	}
	return out
}

// Present reports whether c shows Linkerd at all: a control plane (as
// Detect finds it), a pod with the proxy, or a workload or namespace
// annotated linkerd.io/inject (which the injector acts on). It is what
// "the mesh is detected" means when no mesh is named.
func Present(c *model.Cluster) bool {
	var ds model.Diagnostics
	if _, found := findControlPlane(c, &ds); found {
		return true
	}
	for i := range c.Workloads {
		w := &c.Workloads[i]
		if hasProxy(&w.Template) || w.Template.Annotations[annotationInject] != "" {
			return true
		}
	}
	for _, ns := range c.Namespaces {
		if ns.Annotations[annotationInject] != "" {
			return true
		}
	}
	return false
}
