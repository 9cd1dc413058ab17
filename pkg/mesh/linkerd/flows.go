package linkerd

import (
	"cmp"
	"maps"
	"slices"
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/mesh"
)

// Flows returns the flows this release and its installed extensions need,
// in table order (grouped by category), with namespaces resolved. A flow
// whose peers live in extensions' namespaces is returned only when those
// extensions are installed (its Extension is the destination's, else the
// source's); a variant with if_component only when that
// control-plane component was seen, one with if_mode only in that
// outbound transport mode. Each call returns fresh values.
func (in *Install) Flows() []mesh.Flow {
	var out []mesh.Flow
	ns := in.namespaces()
	for _, fl := range in.table.flows {
		v, ok := in.variant(fl)
		if !ok {
			continue
		}
		if !in.installed(v.from.extension) || !in.installed(v.to.extension) {
			continue
		}
		out = append(out, in.resolve(fl, v, cmp.Or(v.to.extension, v.from.extension), ns))
	}
	return out
}

// installed reports whether an extension is installed ("" is the core).
func (in *Install) installed(ext string) bool {
	_, ok := in.ExtensionNamespace(ext)
	return ext == "" || ok
}

// variant picks the variant of fl for in's release (the table guarantees at
// most one).
func (in *Install) variant(fl flow) (variant, bool) {
	for _, v := range fl.variants {
		if in.Release.In(v.versions) && (v.ifComponent == "" || in.HasComponent(v.ifComponent)) &&
			(v.ifMode == TransportModeUnknown || v.ifMode == in.TransportMode) {
			return v, true
		}
	}
	return variant{}, false
}

func (in *Install) resolve(fl flow, v variant, ext string, ns *strings.Replacer) mesh.Flow {
	from, to := resolvePeer(v.from, ns), resolvePeer(v.to, ns)
	sep := ", "
	if fl.oneOf {
		sep = " or "
	}
	ports := make([]string, len(v.ports))
	for i, p := range v.ports {
		ports[i] = p.String()
	}
	inbound := ""
	if fl.transport == mesh.TransportMesh && in.allToInbound() {
		inbound = " (arriving as 4143/TCP, the proxy inbound port)"
	}
	text := strings.NewReplacer("{from}", from.Name, "{to}", to.Name,
		"{ports}", strings.Join(ports, sep), "{inbound}", inbound,
		"{opaque_ports}", cmp.Or(in.OpaquePorts, in.defaultOpaquePorts()))
	expand := func(s string) string { return ns.Replace(text.Replace(s)) }
	return mesh.Flow{
		ID:           fl.id,
		Category:     fl.category,
		Description:  expand(v.description),
		From:         from,
		To:           to,
		Ports:        slices.Clone(v.ports),
		OneOf:        fl.oneOf,
		DeclaredOnly: fl.declaredOnly,
		Transport:    fl.transport,
		Severity:     fl.severity,
		Extension:    ext,
		Purpose:      expand(fl.purpose),
		IfBlocked:    expand(fl.ifBlocked),
		Hint:         expand(v.hint),
		Anchor:       "docs/checks.md#" + fl.id,
		Ref:          fl.ref,
	}
}

// namespaces replaces the namespace placeholders. Extensions that are not
// installed keep their default namespace (their flows are not returned).
func (in *Install) namespaces() *strings.Replacer {
	pairs := []string{"{linkerd}", in.Namespace}
	for _, ext := range []string{ExtensionViz, ExtensionJaeger, ExtensionMulticluster} {
		ns, ok := in.ExtensionNamespace(ext)
		if !ok {
			ns = "linkerd-" + ext
		}
		pairs = append(pairs, "{"+ext+"}", ns)
	}
	return strings.NewReplacer(pairs...)
}

func resolvePeer(p peer, ns *strings.Replacer) mesh.Peer {
	out := mesh.Peer{Kind: p.kind, Name: ns.Replace(p.Name), Namespace: ns.Replace(p.Namespace)}
	if len(p.Labels)+len(p.Exists)+len(p.In) == 0 {
		return out
	}
	sel := &metav1.LabelSelector{}
	for k, v := range p.Labels {
		if sel.MatchLabels == nil {
			sel.MatchLabels = map[string]string{}
		}
		sel.MatchLabels[k] = ns.Replace(v)
	}
	for _, k := range p.Exists {
		sel.MatchExpressions = append(sel.MatchExpressions,
			metav1.LabelSelectorRequirement{Key: k, Operator: metav1.LabelSelectorOpExists})
	}
	for _, k := range slices.Sorted(maps.Keys(p.In)) {
		sel.MatchExpressions = append(sel.MatchExpressions, metav1.LabelSelectorRequirement{
			Key: k, Operator: metav1.LabelSelectorOpIn, Values: slices.Clone(p.In[k])})
	}
	out.PodSelector = sel
	return out
}
