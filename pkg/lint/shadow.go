package lint

import (
	"fmt"
	"net/netip"
	"slices"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// ruleRef is one rule of one policy.
type ruleRef struct {
	pol, side int
	r         *netpol.Rule
}

// checkShadowed: rule-shadowed. Allowed traffic is the union of what the
// rules of every policy selecting a pod admit ("If any policy selects a
// pod, the pod is restricted to what is allowed by the union of those
// policies' ingress/egress rules"): a rule whose peers and ports lie
// within another rule's, for pods that rule's policy also selects, adds
// nothing. Containment is read from the rules themselves (selector
// requirements, CIDRs, port sets), not from the pods present today.
func checkShadowed(s *scope) []Finding {
	byNS := map[string][]int{}
	for i, p := range s.policies {
		if len(s.selected[i]) > 0 {
			byNS[p.Namespace] = append(byNS[p.Namespace], i)
		}
	}
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		if !s.policies[pol].Isolates[side] || len(s.selected[pol]) == 0 {
			return
		}
		if w, ok := s.shadowOf(ruleRef{pol, side, r}, byNS[s.policies[pol].Namespace]); ok {
			where := ruleField(side, w.r.Index) + " of the same policy"
			if w.pol != pol {
				where = fmt.Sprintf("%s of NetworkPolicy %s, which applies to these pods too,", ruleField(side, w.r.Index), s.policies[w.pol].ID)
			}
			out = append(out, s.onPolicy(pol, ruleField(side, r.Index),
				fmt.Sprintf("this %s rule adds nothing: %s already admits its peers on its ports", direction(side), where),
				"remove the redundant rule, or narrow the broader one if this rule states the intent"))
		}
	})
	return out
}

// shadowOf returns a rule among the policies cands that covers n; of two
// equal rules, only the later one is shadowed.
func (s *scope) shadowOf(n ruleRef, cands []int) (ruleRef, bool) {
	for _, pol := range cands {
		p := s.policies[pol]
		if !p.Isolates[n.side] || !subset(s.selected[n.pol], s.selected[pol]) {
			continue
		}
		for k := range p.Rules[n.side] {
			w := ruleRef{pol, n.side, &p.Rules[n.side][k]}
			if w.pol == n.pol && w.r.Index == n.r.Index || !s.ruleCovers(w, n) {
				continue
			}
			if s.ruleCovers(n, w) && (w.pol > n.pol || w.pol == n.pol && w.r.Index > n.r.Index) {
				continue // equal rules: the earlier one stays
			}
			return w, true
		}
	}
	return ruleRef{}, false
}

// subset reports whether sorted a is a subset of sorted b.
func subset(a, b []int) bool {
	for _, x := range a {
		if _, ok := slices.BinarySearch(b, x); !ok {
			return false
		}
	}
	return true
}

// ruleCovers reports whether rule w admits everything rule n admits.
func (s *scope) ruleCovers(w, n ruleRef) bool {
	if !portsCover(w.r, n.r) {
		return false
	}
	if w.r.AllPeers {
		return true
	}
	if n.r.AllPeers {
		return false
	}
	ns := s.policies[n.pol].Namespace
	for j := range n.r.Peers {
		if !slices.ContainsFunc(w.r.Peers, func(wp netpol.Peer) bool { return s.peerCovers(&wp, &n.r.Peers[j], ns) }) {
			return false
		}
	}
	return true
}

// portsCover reports whether w's ports include all of n's.
func portsCover(w, n *netpol.Rule) bool {
	if w.AllPorts {
		return true
	}
	if n.AllPorts || !n.Static.Subtract(w.Static).IsEmpty() {
		return false
	}
	for _, np := range n.Ports {
		if np.Name != "" && !slices.ContainsFunc(w.Ports, func(wp netpol.Port) bool { return wp.Name == np.Name && wp.Protocol == np.Protocol }) {
			return false
		}
	}
	return true
}

// peerCovers reports whether peer w matches everything peer n does, both
// of policies in namespace ns.
func (s *scope) peerCovers(w, n *netpol.Peer, ns string) bool {
	if w.Kind != n.Kind {
		return false
	}
	if w.Kind == netpol.PeerIPBlock {
		return blockCovers(w, n)
	}
	switch {
	case w.NamespaceSelector == nil && n.NamespaceSelector != nil:
		return false
	case w.NamespaceSelector != nil && n.NamespaceSelector == nil:
		if !w.NamespaceSelector.Matches(s.nsLabels[ns]) {
			return false
		}
	case w.NamespaceSelector != nil && !requirementsWithin(w.NamespaceSelector, n.NamespaceSelector):
		return false
	}
	if w.PodSelector == nil || w.PodSelector.Empty() {
		return true
	}
	return n.PodSelector != nil && requirementsWithin(w.PodSelector, n.PodSelector)
}

// requirementsWithin reports whether every requirement of w is one of n's:
// w asks less, so it selects at least what n selects.
func requirementsWithin(w, n *netpol.Selector) bool {
	wr, _ := w.Requirements()
	nr, _ := n.Requirements()
	for _, r := range wr {
		if !slices.ContainsFunc(nr, func(x labels.Requirement) bool { return x.String() == r.String() }) {
			return false
		}
	}
	return true
}

// blockCovers reports whether ipBlock w contains ipBlock n: n's cidr
// inside w's, and every except of w that reaches into n's cidr inside one
// of n's excepts.
func blockCovers(w, n *netpol.Peer) bool {
	if w.CIDR.Addr().Is4() != n.CIDR.Addr().Is4() || w.CIDR.Bits() > n.CIDR.Bits() || !w.CIDR.Contains(n.CIDR.Addr()) {
		return false
	}
	for _, we := range w.Except {
		if !we.Overlaps(n.CIDR) {
			continue
		}
		if !slices.ContainsFunc(n.Except, func(ne netip.Prefix) bool { return ne.Bits() <= we.Bits() && ne.Contains(we.Addr()) }) {
			return false
		}
	}
	return true
}
