package tier

import (
	"net/netip"

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
// tell (domainNames).
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
		return matchOf(nodeAddrs(ep, p.Nodes, nodes))
	case PeerNetworks:
		// "note that cluster-internal traffic will be checked against the
		// rule as well": pods match by their addresses.
		return matchOf(inNetworks(ep, p.Networks))
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

// nodeAddrs: ep's addresses (an external: its single address) are all
// addresses of nodes sel selects, and there is at least one.
func nodeAddrs(ep *Endpoint, sel labels.Selector, nodes []model.Node) bool {
	addrs := ep.IPs
	if len(addrs) == 0 && ep.Prefix.IsValid() && ep.Prefix.IsSingleIP() {
		addrs = []netip.Addr{ep.Prefix.Addr()}
	}
	for _, a := range addrs {
		found := false
		for i := range nodes {
			if sel.Matches(labels.Set(nodes[i].Labels)) && containsAddr(nodes[i].Addresses, a) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return len(addrs) > 0
}

func containsAddr(xs []netip.Addr, a netip.Addr) bool {
	for _, x := range xs {
		if x == a {
			return true
		}
	}
	return false
}

// inNetworks: an external's whole range is inside one network; an endpoint
// with addresses has at least one, and each is inside one network (the
// choice podreach makes for ipBlocks too).
func inNetworks(ep *Endpoint, nets []netip.Prefix) bool {
	if len(ep.IPs) == 0 {
		for _, n := range nets {
			if ep.Prefix.IsValid() && n.Addr().Is4() == ep.Prefix.Addr().Is4() && n.Bits() <= ep.Prefix.Bits() && n.Contains(ep.Prefix.Addr()) {
				return true
			}
		}
		return false
	}
	for _, a := range ep.IPs {
		in := false
		for _, n := range nets {
			in = in || n.Contains(a)
		}
		if !in {
			return false
		}
	}
	return true
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
