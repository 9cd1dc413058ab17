package reference

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// Evaluator answers one connection at a time for a fixed cluster. It
// memoizes parsed selectors, so it is not safe for concurrent use.
type Evaluator struct {
	nsLabels    map[string]map[string]string
	policies    []*networkingv1.NetworkPolicy
	tiers       []*tier.Policy // sorted by tier.Sort
	nodes       []model.Node
	ipBlockPods bool
	parsed      map[*metav1.LabelSelector]labels.Selector // nil: does not parse
}

// New returns an evaluator of c's policies: its NetworkPolicies and its
// cluster policy tiers. ipBlockPods says whether NetworkPolicy ipBlock
// rules match pod IPs, as policy.WithIPBlockPods does for the engine. A
// cluster policy that cannot be interpreted is an error.
func New(c *model.Cluster, ipBlockPods bool) (*Evaluator, error) {
	r := &Evaluator{nsLabels: map[string]map[string]string{}, ipBlockPods: ipBlockPods,
		parsed: map[*metav1.LabelSelector]labels.Selector{}, nodes: c.Nodes}
	for _, ns := range c.Namespaces {
		r.nsLabels[ns.Name] = ns.Labels
	}
	for _, p := range c.Policies {
		r.policies = append(r.policies, p.NetworkPolicy)
	}
	var err error
	if r.tiers, err = tier.CompileAll(c.ClusterPolicies); err != nil {
		return nil, err
	}
	tier.Sort(r.tiers)
	return r, nil
}

// Allowed reports whether eps[src] may open proto/port to eps[dst]; an
// Unknown verdict is not allowed.
func (r *Evaluator) Allowed(eps []policy.Endpoint, src, dst int, proto model.Protocol, port int) bool {
	return r.Evaluate(eps, src, dst, proto, port).Outcome == tier.Allowed
}

// Verdict is the decision for one connection: egress at the source and
// ingress at the destination, each through every tier.
type Verdict struct {
	Outcome         tier.Outcome
	Egress, Ingress tier.Result
}

// Evaluate decides whether eps[src] may open proto/port to eps[dst].
func (r *Evaluator) Evaluate(eps []policy.Endpoint, src, dst int, proto model.Protocol, port int) Verdict {
	s, d := &eps[src], &eps[dst]
	// A pod can always reach itself.
	if src == dst && s.Single {
		self := tier.Result{Outcome: tier.Allowed, Chain: []tier.Step{{Layer: "self", Rule: -1, Action: "allowed"}}}
		return Verdict{Outcome: tier.Allowed, Egress: self, Ingress: self}
	}
	// A connection has one address family, and an ipBlock "describes a
	// particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64")": a block admits
	// only connections of its family. The pair is allowed when it is
	// allowed whichever family the two share the connection uses; the
	// verdict shown is the first family's that is not allowed.
	var out Verdict
	for i, fam := range sharedFamilies(s, d) {
		sf, df := onlyFamily(*s, fam), onlyFamily(*d, fam)
		v := r.family(&sf, &df, proto, port)
		if i == 0 || out.Outcome == tier.Allowed || v.Outcome == tier.Denied {
			out = v
		}
	}
	return out
}

// family decides both directions for one address family: "for a
// connection from a source pod to a destination pod to be allowed, both
// the egress policy on the source pod and the ingress policy on the
// destination pod need to allow the connection."
func (r *Evaluator) family(s, d *policy.Endpoint, proto model.Protocol, port int) Verdict {
	v := Verdict{
		Egress:  r.side(networkingv1.PolicyTypeEgress, s, d, d, proto, port),
		Ingress: r.side(networkingv1.PolicyTypeIngress, d, s, d, proto, port),
	}
	switch {
	case v.Egress.Outcome == tier.Denied || v.Ingress.Outcome == tier.Denied:
		v.Outcome = tier.Denied
	case v.Egress.Outcome == tier.Unknown || v.Ingress.Outcome == tier.Unknown:
		v.Outcome = tier.Unknown
	default:
		v.Outcome = tier.Allowed
	}
	return v
}

// side walks the tiers of one direction around the NetworkPolicy tier.
func (r *Evaluator) side(dir networkingv1.PolicyType, self, peer, dst *policy.Endpoint, proto model.Protocol, port int) tier.Result {
	c := tier.Connection{Side: tier.IngressSide, Self: r.tierEndpoint(self), Other: r.tierEndpoint(peer),
		DstPorts: dst.Ports, Proto: proto, Port: port, Nodes: r.nodes}
	if dir == networkingv1.PolicyTypeEgress {
		c.Side = tier.EgressSide
	}
	return tier.Decide(r.tiers, c, func() (bool, tier.Step, bool) {
		return r.direction(dir, self, peer, dst, proto, port)
	})
}

// tierEndpoint is ep as the tiers read it.
func (r *Evaluator) tierEndpoint(ep *policy.Endpoint) *tier.Endpoint {
	return &tier.Endpoint{
		Pod:       ep.Kind != model.KindExternal && !ep.HostNetwork,
		Namespace: ep.Namespace, Labels: labels.Set(ep.Labels),
		NamespaceLabels: labels.Set(r.namespaceLabels(ep.Namespace)),
		IPs:             ep.IPs, Prefix: ep.Prefix, Ports: ep.Ports,
	}
}

// sharedFamilies lists the address families (4, 6) both endpoints have (an
// external: its prefix's); 0 alone when either has no address or they
// share none: then addresses are not filtered.
func sharedFamilies(a, b *policy.Endpoint) []int {
	has := func(ep *policy.Endpoint, v4 bool) bool {
		if ep.Kind == model.KindExternal {
			return ep.Prefix.IsValid() && ep.Prefix.Addr().Is4() == v4
		}
		for _, ip := range ep.IPs {
			if ip.Is4() == v4 {
				return true
			}
		}
		return false
	}
	var out []int
	if has(a, true) && has(b, true) {
		out = append(out, 4)
	}
	if has(a, false) && has(b, false) {
		out = append(out, 6)
	}
	if len(out) == 0 {
		return []int{0}
	}
	return out
}

// onlyFamily is ep as a connection of family fam sees it: a pod with only
// its addresses of that family.
func onlyFamily(ep policy.Endpoint, fam int) policy.Endpoint {
	if fam == 0 || ep.Kind == model.KindExternal {
		return ep
	}
	var ips []netip.Addr
	for _, ip := range ep.IPs {
		if ip.Is4() == (fam == 4) {
			ips = append(ips, ip)
		}
	}
	ep.IPs = ips
	return ep
}
