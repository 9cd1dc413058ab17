package guard

import (
	"cmp"
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
)

// The policy kinds besides NetworkPolicy that the model evaluates: the
// cluster-wide tiers (policy.networking.k8s.io, docs/tiers.md) and
// Linkerd's authorization objects (policy.linkerd.io, and the Gateway API
// routes that attach to a Server; docs/linkerd-authz.md). A change of one
// is applied to the model copy as the loader reads it (the same decoding
// and validation as manifests), and judged by a full analysis of the
// after state: the incremental engine edits NetworkPolicies, namespaces
// and endpoints only.
const (
	groupTier    = "policy.networking.k8s.io"
	groupLinkerd = "policy.linkerd.io"
	groupGateway = "gateway.networking.k8s.io"
)

// TierKinds and LinkerdKinds are the kinds Review judges in each group
// (the webhook registers them; the routes of the Gateway API group too).
var (
	TierKinds    = []string{"ClusterNetworkPolicy", "AdminNetworkPolicy", "BaselineAdminNetworkPolicy"}
	LinkerdKinds = []string{"Server", "ServerAuthorization", "AuthorizationPolicy", "MeshTLSAuthentication", "NetworkAuthentication", "HTTPRoute"}
	GatewayKinds = []string{"HTTPRoute", "GRPCRoute"}
)

// policyKind reports whether r is a change of a tier or Linkerd kind.
// A request without a group (a caller that does not say) is taken by its
// kind alone, HTTPRoute as Linkerd's.
func policyKind(r Request) bool {
	switch r.Group {
	case groupTier:
		return slices.Contains(TierKinds, r.Kind)
	case groupLinkerd:
		return slices.Contains(LinkerdKinds, r.Kind)
	case groupGateway:
		return slices.Contains(GatewayKinds, r.Kind)
	case "":
		return slices.Contains(TierKinds, r.Kind) || slices.Contains(LinkerdKinds, r.Kind) || r.Kind == "GRPCRoute"
	}
	return false
}

// sameTier, sameMesh and sameObject report whether a record of the model
// is r's object.
func (r Request) sameTier(p *model.ClusterPolicy) bool {
	return strings.EqualFold(p.Kind(), r.Kind) && p.Name() == r.Name
}

func (r Request) sameMesh(p *model.MeshPolicy) bool {
	return p.Kind == r.Kind && p.Namespace == r.Namespace && p.Name == r.Name && (r.Group == "" || groupOf(p.APIVersion) == r.Group)
}

func (r Request) sameObject(o *model.Object) bool {
	return o.Kind == r.Kind && o.Namespace == r.Namespace && o.Name == r.Name && (r.Group == "" || groupOf(o.APIVersion) == r.Group)
}

func groupOf(apiVersion string) string {
	g, _, ok := strings.Cut(apiVersion, "/")
	if !ok {
		return ""
	}
	return g
}

// applyPolicyKind returns a copy of c with r's tier or Linkerd object
// removed (its old record, and its entry among the policies not
// evaluated, e.g. a version the release does not serve) and, unless r
// deletes it, the object as the loader reads it added. A delete of an
// object the model does not hold changes nothing.
func applyPolicyKind(c *model.Cluster, r Request) (*model.Cluster, error) {
	out := *c
	out.ClusterPolicies = slices.DeleteFunc(slices.Clone(c.ClusterPolicies), func(p model.ClusterPolicy) bool { return r.sameTier(&p) })
	var order int // a replaced Linkerd object keeps its place (the oldest Server wins)
	if i := slices.IndexFunc(c.MeshPolicies, func(p model.MeshPolicy) bool { return r.sameMesh(&p) }); i >= 0 {
		order = c.MeshPolicies[i].Order
	} else {
		for _, p := range c.MeshPolicies {
			order = max(order, p.Order+1)
		}
	}
	out.MeshPolicies = slices.DeleteFunc(slices.Clone(c.MeshPolicies), func(p model.MeshPolicy) bool { return r.sameMesh(&p) })
	out.Unevaluated = slices.DeleteFunc(slices.Clone(c.Unevaluated), func(o model.Object) bool { return r.sameObject(&o) })
	removed := len(out.ClusterPolicies) < len(c.ClusterPolicies) || len(out.MeshPolicies) < len(c.MeshPolicies) || len(out.Unevaluated) < len(c.Unevaluated)
	if r.Operation == OpDelete {
		if !removed {
			return nil, nil
		}
		return &out, nil
	}
	one, err := decode(r, r.Object)
	if err != nil {
		return nil, err
	}
	if n := len(one.ClusterPolicies) + len(one.MeshPolicies) + len(one.Unevaluated); n == 0 {
		return nil, fmt.Errorf("reading %s: the object was not read as a policy", r.ref())
	}
	out.ClusterPolicies = append(out.ClusterPolicies, one.ClusterPolicies...)
	slices.SortFunc(out.ClusterPolicies, func(a, b model.ClusterPolicy) int { return cmp.Compare(a.ID(), b.ID()) })
	for _, p := range one.MeshPolicies {
		p.Order = order
		out.MeshPolicies = append(out.MeshPolicies, p)
	}
	slices.SortFunc(out.MeshPolicies, func(a, b model.MeshPolicy) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.APIVersion, b.APIVersion))
	})
	out.Unevaluated = append(out.Unevaluated, one.Unevaluated...)
	slices.SortFunc(out.Unevaluated, func(a, b model.Object) int {
		return cmp.Or(cmp.Compare(a.Namespace, b.Namespace), cmp.Compare(a.Name, b.Name),
			cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.APIVersion, b.APIVersion))
	})
	return &out, nil
}
