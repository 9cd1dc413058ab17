package reach

import (
	"fmt"
	"net/netip"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// Layer selects the policy layers a verdict combines.
type Layer uint8

// Layers. The zero value is both.
const (
	LayerBoth    Layer = iota
	LayerNetpol        // NetworkPolicy (and the tiers around it) only
	LayerLinkerd       // Linkerd authorization only
)

func (l Layer) String() string {
	switch l {
	case LayerNetpol:
		return "netpol"
	case LayerLinkerd:
		return "linkerd"
	}
	return "both"
}

// ParseLayer parses "netpol", "linkerd" or "both".
func ParseLayer(s string) (Layer, error) {
	for _, l := range []Layer{LayerBoth, LayerNetpol, LayerLinkerd} {
		if l.String() == s {
			return l, nil
		}
	}
	return LayerBoth, fmt.Errorf("unknown layer %q (want netpol, linkerd or both)", s)
}

// WithLayer chooses the policy layers the matrix (and so Diff) combines:
// LayerBoth (the default) lists the ports both NetworkPolicy and the
// destinations' Linkerd proxies admit; LayerNetpol what NetworkPolicy
// (and the tiers around it) admits; LayerLinkerd what Linkerd
// authorization admits, as if no NetworkPolicy existed. Without a Linkerd
// layer (no Linkerd mesh, or a release before 2.11) LayerBoth is
// LayerNetpol.
func WithLayer(l Layer) Option { return func(o *options) { o.layer = l } }

// layered is c as the chosen layer sees it: for LayerLinkerd, without the
// policies of the NetworkPolicy layer (NetworkPolicies, cluster-wide
// tiers, and the policies of kinds podreach does not evaluate, all of
// which work at L3/L4 before the proxy).
func layered(c *model.Cluster, l Layer) *model.Cluster {
	if l != LayerLinkerd {
		return c
	}
	out := *c
	out.Policies, out.ClusterPolicies, out.Unevaluated = nil, nil, nil
	return &out
}

// authzLayer is the Linkerd authorization layer of an analysis whose mesh
// is Linkerd: the policies, their configuration, and the namespaces'
// annotations (the injector copies them onto pods).
type authzLayer struct {
	cfg   linkerdauthz.Config
	pols  *linkerdauthz.Policies
	nsAnn map[string]map[string]string
	notes []string
}

// newAuthzLayer builds the layer for c under profile p; nil unless p is
// Linkerd 2.11 or later (authorization policy came with 2.11).
func newAuthzLayer(c *model.Cluster, p mesh.Profile) *authzLayer {
	in, ok := p.(*linkerd.Install)
	if !ok || !in.Release.AtLeast(11) {
		return nil
	}
	l := &authzLayer{nsAnn: make(map[string]map[string]string, len(c.Namespaces))}
	l.cfg = linkerdauthz.Config{Version: in.Release, ControlPlaneNamespace: in.Namespace, TrustDomain: in.Policy.TrustDomain,
		Unread: c.Gaps}
	if v := in.Policy.DefaultInbound; v != "" {
		if d, err := linkerdauthz.ParseDefaultPolicy(v); err == nil {
			l.cfg.ClusterDefault, l.cfg.ClusterDefaultFrom = d, in.Policy.DefaultFrom
		} else {
			l.notes = append(l.notes, in.Policy.DefaultFrom+": "+err.Error()+"; all-unauthenticated assumed")
		}
	}
	l.cfg.ClusterNetworks = l.prefixes("clusterNetworks", in.Policy.ClusterNetworks)
	l.cfg.ProbeNetworks = l.prefixes("policyController.probeNetworks", in.Policy.ProbeNetworks)
	for _, ns := range c.Namespaces {
		l.nsAnn[ns.Name] = ns.Annotations
	}
	l.pols = linkerdauthz.New(l.cfg, c.MeshPolicies)
	l.notes = append(l.notes, l.pols.Ignored()...)
	return l
}

// prefixes parses a comma-separated CIDR list; nil (the default) when
// empty or invalid, with a note.
func (l *authzLayer) prefixes(what, s string) []netip.Prefix {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		p, err := netip.ParsePrefix(strings.TrimSpace(f))
		if err != nil {
			l.notes = append(l.notes, fmt.Sprintf("linkerd-config %s: %q is not a CIDR; the default is used", what, f))
			return nil
		}
		out = append(out, p.Masked())
	}
	return out
}

// HasLinkerdLayer reports whether the analysis evaluates Linkerd
// authorization (its mesh is Linkerd).
func (a *Analysis) HasLinkerdLayer() bool { return a.authz != nil }

// LinkerdNotes are what the Linkerd layer could not read, or ignores.
func (a *Analysis) LinkerdNotes() []string {
	if a.authz == nil {
		return nil
	}
	return a.authz.notes
}

// LinkerdDecision answers whether the proxy of endpoint d admits a
// connection from endpoint s to application port port; false when the
// analysis has no Linkerd layer, or port is 0 (every port: Linkerd
// decides per port).
func (a *Analysis) LinkerdDecision(s, d, port int) (linkerdauthz.Decision, bool) {
	if a.authz == nil || port == 0 {
		return linkerdauthz.Decision{}, false
	}
	return a.LinkerdDecisionFor(a.linkerdClient(s), d, port)
}

// LinkerdDecisionFor is LinkerdDecision for client c, which need not be an
// endpoint of the analysis (the kubelet probing d from its node).
func (a *Analysis) LinkerdDecisionFor(c linkerdauthz.Client, d, port int) (linkerdauthz.Decision, bool) {
	if a.authz == nil || port == 0 {
		return linkerdauthz.Decision{}, false
	}
	to, ok := a.linkerdDestination(d)
	if !ok {
		return linkerdauthz.Decision{Verdict: linkerdauthz.NoDecision, Code: "not_meshed",
			Reasons: []string{a.engine.Endpoints()[d].ID + " is not a pod: no Linkerd proxy decides"}}, true
	}
	return a.authz.pols.Decide(to, int32(port), &c), true
}

// linkerdDecisionOn is LinkerdDecision for protocol proto: the proxy
// intercepts TCP only ("To transparently route TCP traffic through the
// proxy … Linkerd will configure a set of firewall rules in each injected
// pod", https://linkerd.io/2/features/nft/), so UDP and SCTP get no
// Linkerd decision.
func (a *Analysis) linkerdDecisionOn(s, d int, proto model.Protocol, port int) (linkerdauthz.Decision, bool) {
	if proto != model.TCP && a.authz != nil && port != 0 {
		return linkerdauthz.Decision{Verdict: linkerdauthz.NoDecision, Code: "not_tcp",
			Reasons: []string{proto.String() + " traffic bypasses the Linkerd proxy, which intercepts TCP only"}}, true
	}
	return a.LinkerdDecision(s, d, port)
}

// linkerdClient is endpoint s as a destination's proxy sees it: its
// identity (service account) when meshed, its address when known.
func (a *Analysis) linkerdClient(s int) linkerdauthz.Client {
	ep := &a.engine.Endpoints()[s]
	if ep.IsExternal() {
		return linkerdauthz.Client{ID: ep.ID, Addr: ep.Prefix}
	}
	c := linkerdauthz.Client{ID: ep.ID, Pod: true, Namespace: ep.Namespace}
	if spec := a.specs[s]; spec != nil {
		c.Meshed, c.ServiceAccount = linkerd.HasProxy(spec), spec.ServiceAccount
	}
	if len(ep.IPs) == 1 {
		c.Addr = netip.PrefixFrom(ep.IPs[0], ep.IPs[0].BitLen())
	}
	return c
}

// layersAllow reports whether every decision of the chosen layers admits
// the connection (an unknown Linkerd answer counts as admitting here; see
// Unknown).
func (x *Explanation) layersAllow() bool {
	if x.Layer != LayerLinkerd && !x.allowedByPolicies() {
		return false
	}
	if x.Layer == LayerNetpol {
		return true
	}
	for _, d := range x.Linkerd {
		if d.Verdict == linkerdauthz.Deny {
			return false
		}
	}
	return x.Layer != LayerLinkerd || len(x.Decisions) > 0
}

// linkerdUnknown reports whether a Linkerd answer is unknown.
func (x *Explanation) linkerdUnknown() bool {
	if x.Layer == LayerNetpol {
		return false
	}
	for _, d := range x.Linkerd {
		if d.Verdict == linkerdauthz.VerdictUnknown {
			return true
		}
	}
	return false
}

// LinkerdAt is the Linkerd answer of the i-th decision, when the layer is
// evaluated and chosen.
func (x *Explanation) LinkerdAt(i int) (linkerdauthz.Decision, bool) {
	if x.Layer == LayerNetpol || i >= len(x.Linkerd) {
		return linkerdauthz.Decision{}, false
	}
	return x.Linkerd[i], true
}

// NetpolAllows reports whether the NetworkPolicies allow the i-th
// decision's connection.
func (x *Explanation) NetpolAllows(i int) bool {
	return i < len(x.Decisions) && x.Decisions[i].Verdict == policy.Allow
}
