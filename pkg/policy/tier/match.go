package tier

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
)

// Endpoint is what tier matching reads of one end of a connection, as a
// connection of one address family sees it.
type Endpoint struct {
	// Pod is true for a pod on the pod network: subjects and namespaces
	// or pods peers select only those ("host-networked pods are not
	// included").
	Pod             bool
	Namespace       string
	Labels          labels.Set
	NamespaceLabels labels.Set
	IPs             []netip.Addr // pod or host addresses of the connection's family
	Prefix          netip.Prefix // an external peer's range (IPs empty)
	Ports           []model.ContainerPort
}

// Match is whether a rule or peer matches: Maybe when the manifests cannot
// tell (domainNames), or when a nodes or networks peer holds only some of
// the endpoint's addresses (an external range it covers in part, a pod
// with an address inside and one outside): the rule then acts on some of
// the connections the endpoint stands for and not on the others.
type Match uint8

// Matches.
const (
	No Match = iota
	Yes
	Maybe
)

func (m Match) String() string { return [...]string{"no", "yes", "maybe"}[m] }

// Selects reports whether the subject selects ep: "Namespaces is used to
// select pods via namespace selectors"; "Pods is used to select pods via
// namespace AND pod selectors"; "Note that host-networked pods are not
// included in subject selection."
func (s *Subject) Selects(ep *Endpoint) bool {
	if !ep.Pod {
		return false
	}
	if s.Namespaces != nil {
		return s.Namespaces.Matches(ep.NamespaceLabels)
	}
	return s.Pods.Namespace.Matches(ep.NamespaceLabels) && s.Pods.Pod.Matches(ep.Labels)
}

// Matches reports whether peer p matches ep; nodes are the cluster's Node
// objects.
func (p *Peer) Matches(ep *Endpoint, nodes []model.Node) Match {
	switch p.Kind {
	case PeerNamespaces:
		// "Namespaces defines a way to select all pods within a set of
		// Namespaces. Note that host-networked pods are not included."
		return matchOf(ep.Pod && p.Namespaces.Matches(ep.NamespaceLabels))
	case PeerPods:
		// "Pods defines a way to select a set of pods in a set of
		// namespaces."
		return matchOf(ep.Pod && p.Pods.Namespace.Matches(ep.NamespaceLabels) && p.Pods.Pod.Matches(ep.Labels))
	case PeerNodes:
		// "It selects the nodeIPs as the peer type by matching on the IPs
		// present in the node.Status.Addresses field of the node."
		return nodeAddrs(ep, p.Nodes, nodes)
	case PeerNetworks:
		// "note that cluster-internal traffic will be checked against the
		// rule as well": pods match by their addresses.
		return inNetworks(ep, p.Networks)
	case PeerDomainNames:
		// Which addresses a name resolves to is not in the manifests (and
		// "Selecting Pods using their generated DNS record" is supported):
		// any endpoint with an address may be one.
		return Maybe
	}
	return No
}

func matchOf(b bool) Match {
	if b {
		return Yes
	}
	return No
}

// nodeAddrs: Yes when ep's addresses (an external: every address of its
// range) are all addresses of nodes sel selects, and there is at least
// one; Maybe when only some are (some connections of ep come from or go
// to a selected node, others do not); No when none is.
func nodeAddrs(ep *Endpoint, sel labels.Selector, nodes []model.Node) Match {
	if len(ep.IPs) == 0 {
		if !ep.Prefix.IsValid() {
			return No
		}
		p := ep.Prefix.Masked()
		var in []netip.Addr
		for i := range nodes {
			if !sel.Matches(labels.Set(nodes[i].Labels)) {
				continue
			}
			for _, a := range nodes[i].Addresses {
				if p.Contains(a) && !slices.Contains(in, a) {
					in = append(in, a)
				}
			}
		}
		return cover(len(in) > 0, rangeSize(p) == uint64(len(in)))
	}
	some, all := false, true
	for _, a := range ep.IPs {
		found := false
		for i := range nodes {
			if sel.Matches(labels.Set(nodes[i].Labels)) && slices.Contains(nodes[i].Addresses, a) {
				found = true
				break
			}
		}
		some, all = some || found, all && found
	}
	return cover(some, all)
}

// cover is the match of a peer holding some (or all) of an endpoint's
// addresses.
func cover(some, all bool) Match {
	switch {
	case some && all:
		return Yes
	case some:
		return Maybe
	}
	return No
}

// rangeSize is the number of addresses of p, saturated at 2^64-1 (no node
// list is that long).
func rangeSize(p netip.Prefix) uint64 {
	host := p.Addr().BitLen() - p.Bits()
	if host >= 64 {
		return ^uint64(0)
	}
	return 1 << host
}

// inNetworks: Yes when every address of ep is inside the networks (an
// external: its whole range, which several networks may cover together;
// an endpoint with addresses: at least one, each inside one network);
// Maybe when only some are; No when none is.
func inNetworks(ep *Endpoint, nets []netip.Prefix) Match {
	if len(ep.IPs) == 0 {
		if !ep.Prefix.IsValid() {
			return No
		}
		return prefixCover(ep.Prefix.Masked(), nets)
	}
	some, all := false, true
	for _, a := range ep.IPs {
		in := false
		for _, n := range nets {
			in = in || n.Contains(a)
		}
		some, all = some || in, all && in
	}
	return cover(some, all)
}

// prefixCover is how the networks nets cover the range of p: wholly
// (one holds it, or those inside it leave no gap), in part, or not.
func prefixCover(p netip.Prefix, nets []netip.Prefix) Match {
	var inside []netip.Prefix
	for _, n := range nets {
		if n.Addr().Is4() != p.Addr().Is4() || !n.Overlaps(p) {
			continue
		}
		if n.Bits() <= p.Bits() {
			return Yes // n holds p
		}
		inside = append(inside, n.Masked())
	}
	if len(inside) == 0 {
		return No
	}
	slices.SortFunc(inside, func(a, b netip.Prefix) int { return a.Addr().Compare(b.Addr()) })
	next := p.Addr() // the first address not yet covered
	for _, n := range inside {
		if n.Addr().Compare(next) > 0 {
			return Maybe // a gap before n
		}
		last := model.LastAddr(n)
		if last == model.LastAddr(p) {
			return Yes
		}
		if last.Next().Compare(next) > 0 {
			next = last.Next()
		}
	}
	return Maybe
}

// PortMatches reports whether r's ports admit proto/port toward a
// destination declaring the container ports dst. A named port is "a
// destination port on a pod based on the ContainerPort name": the
// destination's container port of that name, with its declared protocol.
func (r *Rule) PortMatches(proto model.Protocol, port int, dst []model.ContainerPort) bool {
	if r.AllPorts {
		return true
	}
	for _, p := range r.Ports {
		if p.Name == "" {
			if p.Protocol == proto && p.Lo <= port && port <= p.Hi {
				return true
			}
			continue
		}
		for _, cp := range dst {
			if cp.Name == p.Name && cp.Protocol == proto && int(cp.Port) == port {
				return true
			}
		}
	}
	return false
}

// Matches reports whether rule r (whose peers are "other") matches a
// connection to dst on proto/port: one peer matches ("If any element
// matches ... then the specified action is applied") and the ports do.
// An Invalid rule is handled by FailClosed, not here.
func (r *Rule) Matches(other *Endpoint, dstPorts []model.ContainerPort, proto model.Protocol, port int, nodes []model.Node) Match {
	if !r.PortMatches(proto, port, dstPorts) {
		return No
	}
	out := No
	for i := range r.Peers {
		switch r.Peers[i].Matches(other, nodes) {
		case Yes:
			return Yes
		case Maybe:
			out = Maybe
		}
	}
	return out
}

// maybeWhy says why rule r of policy id may or may not match other: its
// first peer that may match names the reason. cond is when the rule
// applies (for the chain's step); undecided, given the outcomes when it
// matches and when not, is Result.Undecided.
func (r *Rule) maybeWhy(id string, other *Endpoint, nodes []model.Node) (cond string, undecided func(yes, no Outcome) string) {
	for i := range r.Peers {
		p := &r.Peers[i]
		if p.Matches(other, nodes) != Maybe {
			continue
		}
		var what string
		switch p.Kind {
		case PeerNetworks:
			cond, what = "for the addresses its networks hold", "networks "+prefixList(p.Networks)
		case PeerNodes:
			sel := p.Nodes.String()
			if sel == "" {
				sel = "every node"
			}
			cond, what = "for the addresses of selected nodes", "nodes, "+sel+","
		default:
			return "if a domain name matches", func(yes, no Outcome) string {
				return fmt.Sprintf("%s rule %d matches by domainNames, which the manifests cannot resolve: %s if it matches, %s if not", id, r.Index, yes, no)
			}
		}
		return cond, func(yes, no Outcome) string {
			return fmt.Sprintf("%s rule %d peer %d covers only part of %s (its %s hold some of them): %s for those, %s for the others", id, r.Index, i, other.addrs(), what, yes, no)
		}
	}
	return "if it matches", func(yes, no Outcome) string {
		return fmt.Sprintf("%s rule %d may match: %s if it matches, %s if not", id, r.Index, yes, no)
	}
}

func prefixList(ps []netip.Prefix) string {
	s := make([]string, len(ps))
	for i, p := range ps {
		s[i] = p.String()
	}
	return strings.Join(s, ",")
}

// addrs names ep's addresses: its range, or its IPs.
func (ep *Endpoint) addrs() string {
	if len(ep.IPs) == 0 {
		return ep.Prefix.String()
	}
	s := make([]string, len(ep.IPs))
	for i, a := range ep.IPs {
		s[i] = a.String()
	}
	return strings.Join(s, ",")
}

// FailClosed is how an Invalid rule behaves: "For "Accept" rules, "fail
// closed" means: "treat the rule as matching no traffic". For "Deny" and
// "Pass" rules, "fail closed" means: "treat the rule as a 'Deny all'
// rule"." A rule of unknown action is treated as a Deny rule. It returns
// whether the rule matches every connection of its subject and with which
// action.
func (r *Rule) FailClosed() (matchesAll bool, a Action) {
	if r.Action == Accept {
		return false, Accept
	}
	return true, Deny
}
