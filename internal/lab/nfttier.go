package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// The cluster policy tiers in nftables. Package tier parses both API
// versions into one form (tier.Compile: selectors, peers, ports, actions,
// invalid rules); which pods a subject and a peer select, which addresses
// and ports a rule matches, and the order of evaluation are written here
// again, as chains, so that the kernel checks the reference evaluator's
// walk (tier.Decide) rather than repeats it.
//
// Per direction of a pod (the input hook for ingress, the output hook for
// egress), as the API orders the tiers
// (https://network-policy-api.sigs.k8s.io/reference/spec/):
//
//	<hook> → <side>_admin:    the Admin tier's rules, policies by ascending
//	                          priority, rules in written order; Accept →
//	                          accept, Deny → reject, Pass → goto the next
//	                          stage ("passes evaluation to the next tier")
//	       → <side>:          the NetworkPolicy chain, when a NetworkPolicy
//	                          selects the pod ("v1.NetworkPolicy always
//	                          makes a final decision for selected pods")
//	       → <side>_baseline: otherwise the Baseline tier's rules; Pass →
//	                          accept (to the default)
//	       → accept:          "the default kubernetes policy ... all pods
//	                          can communicate with each other".

// Indexes of ruleset.tiers.
const (
	tierAdmin = iota
	tierBaseline
)

// tierRule is one nft rule of a tier chain before the chains are known: its
// match and the action of the cluster policy rule it comes from.
type tierRule struct {
	match   string
	action  tier.Action
	comment string
}

// tierRules adds the rules of every cluster policy whose subject selects
// the pod, in evaluation order (c.tiers is sorted by tier.Sort).
func (c *compiler) tierRules(rs *ruleset) {
	for _, p := range c.tiers {
		if !c.subjectSelects(p.Subject, rs.pod) {
			continue
		}
		for s := sideIn; s <= sideOut; s++ {
			for i := range p.Rules[s] {
				c.tierRule(rs, s, p, &p.Rules[s][i])
			}
		}
	}
}

// subjectSelects: "Namespaces is used to select pods via namespace
// selectors"; "Pods is used to select pods via namespace AND pod
// selectors". The lab has no host-network pods ("not included in subject
// selection").
func (c *compiler) subjectSelects(s tier.Subject, q *node) bool {
	if s.Namespaces != nil {
		return s.Namespaces.Matches(c.namespaceLabels(q.kns))
	}
	return s.Pods != nil && s.Pods.Namespace.Matches(c.namespaceLabels(q.kns)) && s.Pods.Pod.Matches(labels.Set(q.labels))
}

// tierRule writes one cluster policy rule: one nft rule per (peer, port)
// combination ("If any element matches ... then the specified action is
// applied"). An Invalid rule fails closed: an Accept rule matches nothing,
// a Deny or Pass rule becomes "Deny all".
func (c *compiler) tierRule(rs *ruleset, s side, p *tier.Policy, r *tier.Rule) {
	comment := fmt.Sprintf("%s %s[%d] %s", p.ID, sideField(s), r.Index, r.Action)
	t := tierAdmin
	if p.Tier == tier.Baseline {
		t = tierBaseline
	}
	add := func(match string, a tier.Action) {
		rs.tiers[t][s] = append(rs.tiers[t][s], tierRule{match, a, comment})
	}
	if r.Invalid != "" {
		if r.Action != tier.Accept {
			add("", tier.Deny)
		}
		return
	}
	var pes []expr
	for i := range r.Peers {
		pes = append(pes, c.tierPeer(rs, s, &r.Peers[i])...)
	}
	pos := []expr{{}}
	if !r.AllPorts {
		pos = nil
		for _, pp := range r.Ports {
			pos = append(pos, c.tierPort(rs, s, pp)...)
		}
	}
	for _, m := range combine(pes, pos) {
		add(m, r.Action)
	}
}

// tierPeer returns the matches of one peer on the other end's address.
func (c *compiler) tierPeer(rs *ruleset, s side, pe *tier.Peer) []expr {
	var addrs []netip.Addr
	switch pe.Kind {
	case tier.PeerNamespaces:
		// "select all pods within a set of Namespaces".
		for _, q := range c.pods {
			if pe.Namespaces.Matches(c.namespaceLabels(q.kns)) {
				addrs = append(addrs, q.addrs...)
			}
		}
	case tier.PeerPods:
		for _, q := range c.pods {
			if pe.Pods.Namespace.Matches(c.namespaceLabels(q.kns)) && pe.Pods.Pod.Matches(labels.Set(q.labels)) {
				addrs = append(addrs, q.addrs...)
			}
		}
	case tier.PeerNodes:
		// "the IPs present in the node.Status.Addresses field of the node".
		for _, n := range c.nodes {
			if pe.Nodes.Matches(labels.Set(n.Labels)) {
				addrs = append(addrs, n.Addresses...)
			}
		}
	case tier.PeerNetworks:
		// CIDRs, pods' addresses included ("cluster-internal traffic will
		// be checked against the rule as well").
		return c.networks(rs, s, pe.Networks)
	default:
		// domainNames: the kernel sees addresses, not names; the rule is
		// not replayed and the evaluator's verdict is unknown anyway.
		return nil
	}
	return rs.addrExprs(s, addrs)
}

// networks matches the other end's address in any of the prefixes.
func (c *compiler) networks(rs *ruleset, s side, nets []netip.Prefix) []expr {
	var v4, v6 []string
	for _, n := range nets {
		if n.Addr().Is4() {
			v4 = append(v4, n.Masked().String())
		} else {
			v6 = append(v6, n.Masked().String())
		}
	}
	var out []expr
	if len(v4) > 0 {
		out = append(out, expr{4, addrField(s, true) + " @" + rs.addrSet(true, true, v4)})
	}
	if len(v6) > 0 {
		out = append(out, expr{6, addrField(s, false) + " @" + rs.addrSet(false, true, v6)})
	}
	return out
}

// tierPort returns the matches of one ports (v1alpha1) or protocols
// (v1alpha2) entry: a number or an inclusive range of one protocol, or a
// named port, which is "a destination port on a pod based on the
// ContainerPort name" with the container port's own protocol.
func (c *compiler) tierPort(rs *ruleset, s side, p tier.Port) []expr {
	if p.Name == "" {
		r := strconv.Itoa(p.Lo)
		if p.Hi > p.Lo {
			r += "-" + strconv.Itoa(p.Hi)
		}
		return []expr{{0, "meta l4proto " + strings.ToLower(p.Protocol.String()) + " th dport " + r}}
	}
	var out []expr
	for _, proto := range []model.Protocol{model.TCP, model.UDP, model.SCTP} {
		l4 := "meta l4proto " + strings.ToLower(proto.String())
		if s == sideOut {
			out = append(out, c.namedEgress(rs, l4, p.Name, proto)...)
			continue
		}
		var nums []string
		for _, cp := range rs.pod.ports {
			if cp.Name == p.Name && cp.Protocol == proto {
				nums = append(nums, strconv.Itoa(int(cp.Port)))
			}
		}
		if len(nums) > 0 {
			slices.Sort(nums)
			out = append(out, expr{0, l4 + " th dport { " + strings.Join(slices.Compact(nums), ", ") + " }"})
		}
	}
	return out
}

// renderTiers writes the tier chains of side s, given the base chain's
// name for that side (h: input/output, ingress/egress), and returns the
// verdict the base chain ends with.
func (rs *ruleset) renderTiers(b *strings.Builder, s side, name string) string {
	admin, base := rs.tiers[tierAdmin][s], rs.tiers[tierBaseline][s]
	// After the Admin tier: the NetworkPolicy chain when the pod is
	// isolated, else the Baseline tier, else the default.
	next := "accept"
	switch {
	case rs.isolated[s]:
		next = "goto " + name
	case len(base) > 0:
		next = "goto " + name + "_baseline"
	}
	first := next
	if len(admin) > 0 {
		first = "goto " + name + "_admin"
		writeTierChain(b, name+"_admin", admin, next, next+" comment "+quote("Admin tier: no rule decided"))
	}
	if !rs.isolated[s] && len(base) > 0 {
		writeTierChain(b, name+"_baseline", base, "accept", "accept comment "+quote("Baseline tier: no rule decided: default allow"))
	}
	return first
}

// writeTierChain writes one tier's chain; pass is the verdict of its Pass
// rules, last the chain's final rule.
func writeTierChain(b *strings.Builder, chain string, rules []tierRule, pass, last string) {
	fmt.Fprintf(b, "\tchain %s {\n", chain)
	for _, r := range rules {
		verdict := "counter reject with icmpx type admin-prohibited"
		switch r.action {
		case tier.Accept:
			verdict = "accept"
		case tier.Pass:
			verdict = pass
		}
		parts := slices.DeleteFunc([]string{r.match, verdict, "comment " + quote(r.comment)}, func(s string) bool { return s == "" })
		b.WriteString("\t\t" + strings.Join(parts, " ") + "\n")
	}
	b.WriteString("\t\t" + last + "\n\t}\n")
}
