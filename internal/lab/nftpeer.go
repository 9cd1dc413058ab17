package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
)

// peer returns the matches of one peer (none when it matches no address).
func (c *compiler) peer(rs *ruleset, s side, np *networkingv1.NetworkPolicy, pr networkingv1.NetworkPolicyPeer) ([]expr, error) {
	if pr.IPBlock != nil {
		e, err := c.ipBlock(rs, s, pr.IPBlock)
		return []expr{e}, err
	}
	var addrs []netip.Addr
	for _, q := range c.pods {
		ok, err := c.selects(np, pr, q)
		if err != nil {
			return nil, err
		}
		if ok {
			addrs = append(addrs, q.addrs...)
		}
	}
	return rs.addrExprs(s, addrs), nil
}

// addrExprs matches the other end's address in addrs (nothing when empty).
func (rs *ruleset) addrExprs(s side, addrs []netip.Addr) []expr {
	v4, v6 := families(addrs)
	var out []expr
	if len(v4) > 0 {
		out = append(out, expr{4, addrField(s, true) + " @" + rs.addrSet(true, false, slices.Compact(v4))})
	}
	if len(v6) > 0 {
		out = append(out, expr{6, addrField(s, false) + " @" + rs.addrSet(false, false, slices.Compact(v6))})
	}
	return out
}

// selects reports whether a selector peer of np matches pod q:
//   - podSelector alone "selects particular Pods in the same namespace as
//     the NetworkPolicy";
//   - namespaceSelector alone "selects particular namespaces for which all
//     Pods should be allowed";
//   - both: "selects particular Pods within particular namespaces".
func (c *compiler) selects(np *networkingv1.NetworkPolicy, pr networkingv1.NetworkPolicyPeer, q *node) (bool, error) {
	if pr.PodSelector == nil && pr.NamespaceSelector == nil {
		return false, fmt.Errorf("the peer has no podSelector, namespaceSelector or ipBlock")
	}
	if pr.NamespaceSelector == nil {
		if q.kns != np.Namespace {
			return false, nil
		}
	} else {
		sel, err := metav1.LabelSelectorAsSelector(pr.NamespaceSelector)
		if err != nil {
			return false, fmt.Errorf("namespaceSelector: %w", err)
		}
		if !sel.Matches(c.namespaceLabels(q.kns)) {
			return false, nil
		}
	}
	if pr.PodSelector == nil {
		return true, nil
	}
	sel, err := metav1.LabelSelectorAsSelector(pr.PodSelector)
	if err != nil {
		return false, fmt.Errorf("podSelector: %w", err)
	}
	return sel.Matches(labels.Set(q.labels)), nil
}

// ipBlock matches addresses in cidr and in none of the excepts; with
// ipBlockPods false (CNIs that apply CIDR rules only to traffic leaving the
// cluster) it also excludes every pod address.
func (c *compiler) ipBlock(rs *ruleset, s side, b *networkingv1.IPBlock) (expr, error) {
	cidr, err := netip.ParsePrefix(b.CIDR)
	if err != nil {
		return expr{}, fmt.Errorf("ipBlock.cidr %q: %w", b.CIDR, err)
	}
	v4 := cidr.Addr().Is4()
	fam := 6
	if v4 {
		fam = 4
	}
	f := addrField(s, v4)
	text := f + " " + cidr.Masked().String()
	var except []string
	for _, e := range b.Except {
		ex, err := netip.ParsePrefix(e)
		if err != nil {
			return expr{}, fmt.Errorf("ipBlock.except %q: %w", e, err)
		}
		if ex.Addr().Is4() == v4 {
			except = append(except, ex.Masked().String())
		}
	}
	if len(except) > 0 {
		text += " " + f + " != @" + rs.addrSet(v4, true, except)
	}
	if !c.ipBlockPods {
		var all []netip.Addr
		for _, q := range c.pods {
			all = append(all, q.addrs...)
		}
		p4, p6 := families(all)
		if pods := map[bool][]string{true: p4, false: p6}[v4]; len(pods) > 0 {
			text += " " + f + " != @" + rs.addrSet(v4, false, pods)
		}
	}
	return expr{fam, text}, nil
}

// port returns the matches of one port entry (none when a named port
// resolves nowhere).
func (c *compiler) port(rs *ruleset, s side, pp networkingv1.NetworkPolicyPort) []expr {
	proto := protoOf(pp.Protocol)
	if proto == model.ProtocolUnknown {
		return nil
	}
	l4 := "meta l4proto " + strings.ToLower(proto.String())
	if pp.Port == nil {
		// "If omitted, this matches all port names and numbers" — of this
		// protocol only.
		return []expr{{0, l4}}
	}
	num, name := intOrString(pp.Port)
	if name == "" {
		r := strconv.Itoa(num)
		if pp.EndPort != nil {
			r += "-" + strconv.Itoa(int(*pp.EndPort)) // "inclusive"
		}
		return []expr{{0, l4 + " th dport " + r}}
	}
	if s == sideIn {
		// A named port resolves on the destination: for ingress, this pod.
		var nums []string
		for _, cp := range rs.pod.ports {
			if cp.Name == name && cp.Protocol == proto {
				nums = append(nums, strconv.Itoa(int(cp.Port)))
			}
		}
		if len(nums) == 0 {
			return nil
		}
		slices.Sort(nums)
		nums = slices.Compact(nums)
		return []expr{{0, l4 + " th dport { " + strings.Join(nums, ", ") + " }"}}
	}
	return c.namedEgress(rs, l4, name, proto)
}

// namedEgress resolves a named port on every possible destination pod: a
// set of (pod address . port number) pairs. Addresses that are no pod's
// never match a named port.
func (c *compiler) namedEgress(rs *ruleset, l4, name string, proto model.Protocol) []expr {
	var v4, v6 []string
	for _, q := range c.pods {
		for _, cp := range q.ports {
			if cp.Name != name || cp.Protocol != proto {
				continue
			}
			for _, a := range q.addrs {
				el := a.String() + " . " + strconv.Itoa(int(cp.Port))
				if a.Is4() {
					v4 = append(v4, el)
				} else {
					v6 = append(v6, el)
				}
			}
		}
	}
	var out []expr
	for _, fam := range []struct {
		v4    bool
		elems []string
	}{{true, v4}, {false, v6}} {
		if len(fam.elems) == 0 {
			continue
		}
		slices.Sort(fam.elems)
		fam.elems = slices.Compact(fam.elems)
		name := rs.concatSet(fam.v4, fam.elems)
		f := expr{6, l4 + " ip6 daddr . th dport @" + name}
		if fam.v4 {
			f = expr{4, l4 + " ip daddr . th dport @" + name}
		}
		out = append(out, f)
	}
	return out
}

// concatSet adds a set of address . port elements.
func (rs *ruleset) concatSet(v4 bool, elems []string) string {
	name := "s" + strconv.Itoa(len(rs.sets))
	typ := "ipv6_addr . inet_service"
	if v4 {
		typ = "ipv4_addr . inet_service"
	}
	rs.sets = append(rs.sets, "\tset "+name+" {\n\t\ttype "+typ+"\n\t\telements = { "+strings.Join(elems, ", ")+" }\n\t}\n")
	return name
}
