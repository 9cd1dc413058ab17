package reference

import (
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Evaluator answers one connection at a time for a fixed cluster. It
// memoizes parsed selectors, so it is not safe for concurrent use.
type Evaluator struct {
	nsLabels    map[string]map[string]string
	policies    []*networkingv1.NetworkPolicy
	ipBlockPods bool
	parsed      map[*metav1.LabelSelector]labels.Selector // nil: does not parse
}

// New returns an evaluator of c's policies. ipBlockPods says whether
// ipBlock rules match pod IPs, as policy.WithIPBlockPods does for the
// engine.
func New(c *model.Cluster, ipBlockPods bool) *Evaluator {
	r := &Evaluator{nsLabels: map[string]map[string]string{}, ipBlockPods: ipBlockPods,
		parsed: map[*metav1.LabelSelector]labels.Selector{}}
	for _, ns := range c.Namespaces {
		r.nsLabels[ns.Name] = ns.Labels
	}
	for _, p := range c.Policies {
		r.policies = append(r.policies, p.NetworkPolicy)
	}
	return r
}

// Allowed reports whether eps[src] may open proto/port to eps[dst].
func (r *Evaluator) Allowed(eps []policy.Endpoint, src, dst int, proto model.Protocol, port int) bool {
	s, d := &eps[src], &eps[dst]
	// A pod can always reach itself.
	if src == dst && s.Single {
		return true
	}
	// A connection has one address family, and an ipBlock "describes a
	// particular CIDR (Ex. "192.168.1.0/24","2001:db8::/64")": a block admits
	// only connections of its family. The pair is allowed when it is
	// allowed whichever family the two share the connection uses.
	for _, fam := range sharedFamilies(s, d) {
		sf, df := onlyFamily(*s, fam), onlyFamily(*d, fam)
		// "for a connection from a source pod to a destination pod to be
		// allowed, both the egress policy on the source pod and the ingress
		// policy on the destination pod need to allow the connection."
		if !r.direction(networkingv1.PolicyTypeEgress, &sf, &df, &df, proto, port) ||
			!r.direction(networkingv1.PolicyTypeIngress, &df, &sf, &df, proto, port) {
			return false
		}
	}
	return true
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
