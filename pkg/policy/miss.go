package policy

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/ports"
)

// nearestMiss explains why policy c, which isolates the pod, does not admit
// the connection: the rule that comes closest (peer matches but ports do
// not, then ports match but the peer does not), in words.
func (e *Engine) nearestMiss(c *netpol.Policy, dir Direction, other, dst *Endpoint, asked ports.Set) Miss {
	rules := c.Rules[dir.side()]
	if len(rules) == 0 {
		return Miss{Policy: c.ID, Rule: -1, Reason: fmt.Sprintf("has no %s rules: it isolates the pod and admits nothing", dir)}
	}
	// Score every rule first; words are built for the chosen one only.
	best, bestScore, bestPeer := -1, -1, false
	var bestPorts ports.Set
	for r := range rules {
		rl := &rules[r]
		peerOK := e.ruleMatchesPeer(c, rl, other) != noPeer
		rp := rl.PortsToward(dst.Ports)
		score := 0
		switch {
		case peerOK:
			score = 2
		case !rp.Intersect(asked).IsEmpty():
			score = 1
		}
		if score > bestScore {
			best, bestScore, bestPeer, bestPorts = r, score, peerOK, rp
		}
	}
	rl := &rules[best]
	var reason string
	switch {
	case bestPeer:
		reason = fmt.Sprintf("rule %d admits %s only on %s", rl.Index, other.ID, describePorts(rl, bestPorts))
	case bestScore == 1:
		reason = e.peerMiss(c, rl, other)
	default:
		reason = e.peerMiss(c, rl, other) + "; and it admits only " + describePorts(rl, bestPorts)
	}
	return Miss{Policy: c.ID, Rule: rl.Index, Reason: reason}
}

func describePorts(rl *netpol.Rule, rp ports.Set) string {
	if rp.IsEmpty() && rl.Named {
		var names []string
		for _, pm := range rl.Ports {
			if pm.Name != "" {
				names = append(names, pm.Name+"/"+pm.Protocol.String())
			}
		}
		return "named ports " + strings.Join(names, ", ") + ", which the destination does not declare"
	}
	return rp.String()
}

// peerMiss says why no peer of rl matches ep (the peer with the fewest
// unmet requirements is described).
func (e *Engine) peerMiss(c *netpol.Policy, rl *netpol.Rule, ep *Endpoint) string {
	prefix := fmt.Sprintf("rule %d: ", rl.Index)
	if len(rl.Peers) == 1 {
		return prefix + "peer 0 " + e.peerReason(c, &rl.Peers[0], ep)
	}
	reasons := make([]string, len(rl.Peers))
	for i := range rl.Peers {
		reasons[i] = fmt.Sprintf("peer %d %s", i, e.peerReason(c, &rl.Peers[i], ep))
	}
	return prefix + strings.Join(reasons, "; ")
}

func (e *Engine) peerReason(c *netpol.Policy, p *netpol.Peer, ep *Endpoint) string {
	if p.Kind == netpol.PeerIPBlock {
		return e.blockReason(p, ep)
	}
	switch {
	case ep.IsExternal():
		return fmt.Sprintf("selects pods by label; %s is an external peer, matched only by ipBlock", ep.ID)
	case ep.HostNetwork:
		return fmt.Sprintf("selects pods by label; %s is a host-network pod, matched only by ipBlock (contested)", ep.ID)
	case p.NamespaceSelector == nil && ep.Namespace != c.Namespace:
		return fmt.Sprintf("selects only pods of namespace %s (podSelector without namespaceSelector); %s is in namespace %s", c.Namespace, ep.ID, ep.Namespace)
	case p.NamespaceSelector != nil && !p.NamespaceSelector.Matches(e.namespaceLabels(ep.Namespace)):
		return "requires namespace " + unmet(p.NamespaceSelector, e.namespaceLabels(ep.Namespace), "namespace "+ep.Namespace)
	case p.PodSelector != nil:
		return "requires pod " + unmet(p.PodSelector, labels.Set(ep.Labels), ep.ID)
	}
	return "does not match " + ep.ID
}

func (e *Engine) blockReason(p *netpol.Peer, ep *Endpoint) string {
	what := "is ipBlock " + p.CIDR.String()
	if len(p.Except) > 0 {
		ex := make([]string, len(p.Except))
		for i, x := range p.Except {
			ex[i] = x.String()
		}
		what += " except " + strings.Join(ex, ", ")
	}
	switch {
	case ep.IsExternal():
		for _, x := range p.Except {
			if x.Overlaps(ep.Prefix) && x.Bits() <= ep.Prefix.Bits() {
				return fmt.Sprintf("%s; %s (%s) is inside except %s", what, ep.ID, ep.Prefix, x)
			}
		}
		if p.CIDR.Overlaps(ep.Prefix) {
			return fmt.Sprintf("%s; %s (%s) is only partly inside it", what, ep.ID, ep.Prefix)
		}
		return fmt.Sprintf("%s; %s (%s) is outside it", what, ep.ID, ep.Prefix)
	case !e.opts.ipBlockPods:
		return what + "; ipBlocks do not match pod traffic in this mode (--ipblock-pods=ignore)"
	case len(ep.IPs) == 0:
		return fmt.Sprintf("%s; %s has no known IP, so no ipBlock matches it", what, ep.ID)
	}
	ips := make([]string, len(ep.IPs))
	for i, ip := range ep.IPs {
		ips[i] = ip.String()
	}
	return fmt.Sprintf("%s; %s has IP %s, not inside it", what, ep.ID, strings.Join(ips, ", "))
}

// unmet describes the first requirement of sel that set does not meet:
// "label k=v; namespace x has no such label".
func unmet(sel labels.Selector, set labels.Set, subject string) string {
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		if r.Matches(set) {
			continue
		}
		return describeRequirement(r, set, subject)
	}
	return "labels matching " + sel.String()
}

func describeRequirement(r labels.Requirement, set labels.Set, subject string) string {
	k := r.Key()
	vals := r.ValuesUnsorted()
	slices.Sort(vals)
	v, has := set[k]
	have := subject + " has no such label"
	if has {
		have = fmt.Sprintf("%s has %s=%s", subject, k, v)
	}
	switch r.Operator() {
	case selection.Equals, selection.DoubleEquals, selection.In:
		if len(vals) == 1 {
			return fmt.Sprintf("label %s=%s; %s", k, vals[0], have)
		}
		return fmt.Sprintf("label %s in (%s); %s", k, strings.Join(vals, ", "), have)
	case selection.NotEquals, selection.NotIn:
		return fmt.Sprintf("label %s not in (%s); %s", k, strings.Join(vals, ", "), have)
	case selection.Exists:
		return fmt.Sprintf("label %s (any value); %s", k, have)
	case selection.DoesNotExist:
		return fmt.Sprintf("no label %s; %s", k, have)
	}
	return fmt.Sprintf("%s; %s", r.String(), have)
}
