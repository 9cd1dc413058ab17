package policy

import (
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// The traced path (Explain) asks package netpol about one endpoint at a
// time; these adapters read an Endpoint for it.

// selects reports whether policy c selects ep for isolation. Externals and
// host-network pods are never isolated.
func (e *Engine) selects(c *netpol.Policy, ep *Endpoint) bool {
	return ep.selectable() && c.Selects(ep.Namespace, labels.Set(ep.Labels))
}

// applies reports whether c selects ep and governs direction d.
func (e *Engine) applies(c *netpol.Policy, d Direction, ep *Endpoint) bool {
	return c.Isolates[d.side()] && e.selects(c, ep)
}

// peerMatches reports whether peer p of policy c matches ep. Externals
// and host-network pods are matched by ipBlocks only; pods by ipBlocks
// unless WithIPBlockPods(false).
func (e *Engine) peerMatches(c *netpol.Policy, p *netpol.Peer, ep *Endpoint) bool {
	switch {
	case p.Kind == netpol.PeerIPBlock && ep.IsExternal():
		return p.MatchesPrefix(ep.Prefix)
	case p.Kind == netpol.PeerIPBlock:
		return e.opts.ipBlockPods && p.MatchesAddrs(ep.IPs)
	}
	return ep.selectable() && p.MatchesPod(c.Namespace, ep.Namespace, labels.Set(ep.Labels), e.namespaceLabels)
}

// peerMatch is which peer of a rule matches an endpoint.
type peerMatch int

const (
	everyPeer peerMatch = -1 // the rule has no peers: it matches everyone
	noPeer    peerMatch = -2 // no peer matches
)

// ruleMatchesPeer returns the index of the first peer of r matching ep,
// everyPeer or noPeer.
func (e *Engine) ruleMatchesPeer(c *netpol.Policy, r *netpol.Rule, ep *Endpoint) peerMatch {
	if r.AllPeers {
		return everyPeer
	}
	for i := range r.Peers {
		if e.peerMatches(c, &r.Peers[i], ep) {
			return peerMatch(i)
		}
	}
	return noPeer
}

func (e *Engine) namespaceLabels(ns string) labels.Set {
	if l, ok := e.nsLabels[ns]; ok {
		return l
	}
	return labels.Set{"kubernetes.io/metadata.name": ns}
}
