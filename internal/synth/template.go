package synth

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// template is a policy shape real clusters use; need lists the features it
// exercises.
type template struct {
	name  string
	need  Feature
	build func(g *gen, ns *nsInfo) spec
}

var templates = []template{
	{"default-deny-ingress", FeatureDefaultDeny, func(g *gen, ns *nsInfo) spec {
		return spec{} // policyTypes defaulted to [Ingress]
	}},
	{"default-deny-egress", FeatureDefaultDeny | FeatureEgress, func(g *gen, ns *nsInfo) spec {
		return spec{PolicyTypes: types(false, true)}
	}},
	{"default-deny-all", FeatureDefaultDeny | FeatureEgress, func(g *gen, ns *nsInfo) spec {
		return spec{PolicyTypes: types(true, true)}
	}},
	{"allow-same-namespace", 0, func(g *gen, ns *nsInfo) spec {
		return spec{Ingress: []inRule{{From: []peer{{PodSelector: &metav1.LabelSelector{}}}}}}
	}},
	{"allow-from-app", 0, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		from := peer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"app": g.value(ns.pool(), "app")}}}
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{from}, Ports: []npPort{g.numericPort(ws)}}}}
	}},
	{"allow-from-team", FeatureNamespaceSelector, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		from := peer{NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"team": ns.labels["team"]}}}
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{from}, Ports: []npPort{g.numericPort(ws)}}}}
	}},
	{"allow-from-monitoring", FeaturePeerAnd, func(g *gen, ns *nsInfo) spec {
		from := peer{
			NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"env": pick(g, envs)}},
			PodSelector:       g.podSelector(g.idx.pool, false),
		}
		return spec{Ingress: []inRule{{From: []peer{from}}}}
	}},
	{"allow-several", FeatureMultiPeer, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{g.peer(ns), g.peer(ns), g.peer(ns)}, Ports: g.ports(ws)}}}
	}},
	{"allow-all-namespaces", FeatureEmptySelector, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		from := peer{NamespaceSelector: &metav1.LabelSelector{}}
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{from}, Ports: []npPort{g.numericPort(ws)}}}}
	}},
	{"allow-expressions", FeatureMatchExpressions, expressionsTemplate},
	{"egress-to-data", FeatureEgress | FeatureNamedPorts, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		to := peer{PodSelector: &metav1.LabelSelector{MatchLabels: map[string]string{"tier": "data"}}}
		return spec{PodSelector: s, PolicyTypes: types(false, true),
			Egress: []outRule{{To: []peer{to}, Ports: []npPort{g.namedPort(ns.ports())}}}}
	}},
	{"allow-named-ports", FeatureNamedPorts, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{Ports: []npPort{g.namedPort(ws), g.namedPort(ws)}}}}
	}},
	{"allow-from-any-port", 0, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{g.peer(ns)}}}}
	}},
	{"allow-all-ingress", 0, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{}}}
	}},
	{"allow-pod-cidr", FeatureIPBlock, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{{IPBlock: g.podBlock(false)}}}}}
	}},
	{"egress-internet", FeatureIPBlock | FeatureEgress, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, PolicyTypes: types(false, true),
			Egress: []outRule{{To: []peer{{IPBlock: externalBlockAt(0)}}, Ports: []npPort{{Port: intPort(443)}}}}}
	}},
	{"allow-dns", FeatureDNSEgress | FeatureEgress, dnsTemplate},
	{"allow-from-nodes", FeatureIPBlock | FeatureHostNetwork, func(g *gen, ns *nsInfo) spec {
		from := peer{IPBlock: externalBlockAt(4)}
		return spec{Ingress: []inRule{{From: []peer{from}, Ports: []npPort{{Port: namePort("metrics")}, {Port: intPort(8080)}}}}}
	}},
	{"allow-udp", FeatureProtocolOnly, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		ps := []npPort{{Protocol: apiProto(model.UDP)}, {Protocol: apiProto(model.SCTP), Port: intPort(2905)}}
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{{PodSelector: &metav1.LabelSelector{}}}, Ports: ps}}}
	}},
	{"allow-port-range", FeatureEndPort, func(g *gen, ns *nsInfo) spec {
		s, ws := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{Ports: []npPort{g.rangePort(ws)}}}}
	}},
	{"allow-ipv6", FeatureIPBlock | FeatureIPv6, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, Ingress: []inRule{{From: []peer{{IPBlock: g.podBlock(true)}, {IPBlock: externalBlockAt(6)}}}}}
	}},
	{"isolate-both-egress-rules", FeatureEgress, func(g *gen, ns *nsInfo) spec {
		s, _ := g.target(ns)
		return spec{PodSelector: s, PolicyTypes: types(true, true),
			Egress: []outRule{{To: []peer{{PodSelector: &metav1.LabelSelector{}}}}}}
	}},
}

// expressionsTemplate uses every selector operator once.
func expressionsTemplate(g *gen, ns *nsInfo) spec {
	pool := ns.pool()
	s := metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "tier", Operator: metav1.LabelSelectorOpIn, Values: []string{g.value(pool, "tier"), "frontend"}},
		{Key: "version", Operator: metav1.LabelSelectorOpNotIn, Values: []string{"v2"}},
	}}
	from := peer{PodSelector: &metav1.LabelSelector{MatchExpressions: []metav1.LabelSelectorRequirement{
		{Key: "app", Operator: metav1.LabelSelectorOpExists},
		{Key: "job-name", Operator: metav1.LabelSelectorOpDoesNotExist},
	}}}
	return spec{PodSelector: s, Ingress: []inRule{{From: []peer{from}}}}
}

// dnsTemplate lets the selected pods resolve names through kube-dns. Half
// the time policyTypes is left to defaulting, which (egress rules present)
// also isolates the pods for ingress: a common surprise.
func dnsTemplate(g *gen, ns *nsInfo) spec {
	s, _ := g.target(ns)
	to := peer{
		NamespaceSelector: &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: "kube-system"}},
		PodSelector:       &metav1.LabelSelector{MatchLabels: map[string]string{"k8s-app": "kube-dns"}},
	}
	ps := []npPort{{Protocol: apiProto(model.UDP), Port: intPort(53)}, {Port: intPort(53)}}
	if g.chance(0.5) {
		ps[0] = npPort{Protocol: apiProto(model.UDP), Port: namePort("dns")}
	}
	out := spec{PodSelector: s, Egress: []outRule{{To: []peer{to}, Ports: ps}}}
	if g.chance(0.5) {
		out.PolicyTypes = types(false, true)
	}
	return out
}
