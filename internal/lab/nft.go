package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// compiler turns the NetworkPolicies into the nftables ruleset of each pod:
// an ingress chain on the input hook and an egress chain on the output hook
// of the pod's own namespace. It reads the policy objects and the lab's
// pods directly: it shares no code with package policy.
type compiler struct {
	policies    []*networkingv1.NetworkPolicy
	tiers       []*tier.Policy // in evaluation order (tier.Sort)
	nodes       []model.Node   // the cluster's Nodes, for nodes peers
	nsLabels    map[string]labels.Set
	pods        []*node
	ipBlockPods bool
}

// newCompiler reads c's policies; a cluster policy that cannot be
// interpreted as a whole is an error (its rules' faults fail closed).
func newCompiler(c *model.Cluster, nodes []*node, ipBlockPods bool) (*compiler, error) {
	tiers, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		return nil, err
	}
	tier.Sort(tiers)
	cp := &compiler{tiers: tiers, nodes: c.Nodes, nsLabels: map[string]labels.Set{}, ipBlockPods: ipBlockPods}
	for _, p := range c.Policies {
		cp.policies = append(cp.policies, p.NetworkPolicy)
	}
	for _, ns := range c.Namespaces {
		l := labels.Set{}
		for k, v := range ns.Labels {
			l[k] = v
		}
		// Every namespace carries kubernetes.io/metadata.name=<name>.
		l[model.NamespaceNameLabel] = ns.Name
		cp.nsLabels[ns.Name] = l
	}
	for _, n := range nodes {
		if !n.external {
			cp.pods = append(cp.pods, n)
		}
	}
	return cp, nil
}

func (c *compiler) namespaceLabels(ns string) labels.Set {
	if l, ok := c.nsLabels[ns]; ok {
		return l
	}
	return labels.Set{model.NamespaceNameLabel: ns}
}

// side is ingress (0) or egress (1).
type side int

const (
	sideIn side = iota
	sideOut
)

// ruleset is the nft program being written for one pod.
type ruleset struct {
	pod      *node
	sets     []string
	rules    [2][]string
	isolated [2]bool
	tiers    [2][2][]tierRule // [tierAdmin|tierBaseline][side]
}

// compile returns the nft program for pod p.
func (c *compiler) compile(p *node) (string, error) {
	rs := &ruleset{pod: p}
	for _, np := range c.policies {
		if np.Namespace != p.kns {
			continue
		}
		// spec.podSelector "selects the pods to which this NetworkPolicy
		// object applies", in the policy's namespace.
		sel, err := metav1.LabelSelectorAsSelector(&np.Spec.PodSelector)
		if err != nil {
			return "", fmt.Errorf("NetworkPolicy %s/%s: spec.podSelector: %w", np.Namespace, np.Name, err)
		}
		if !sel.Matches(labels.Set(p.labels)) {
			continue
		}
		in, out := policyTypes(np)
		if in {
			rs.isolated[sideIn] = true
			for i, r := range np.Spec.Ingress {
				if err := c.rule(rs, sideIn, np, i, r.From, r.Ports); err != nil {
					return "", err
				}
			}
		}
		if out {
			rs.isolated[sideOut] = true
			for i, r := range np.Spec.Egress {
				if err := c.rule(rs, sideOut, np, i, r.To, r.Ports); err != nil {
					return "", err
				}
			}
		}
	}
	c.tierRules(rs)
	return rs.String(), nil
}

// policyTypes: "If this field is not specified, it will default based on
// the existence of ingress or egress rules; policies that contain an egress
// section are assumed to affect egress, and all policies (whether or not
// they contain an ingress section) are assumed to affect ingress."
func policyTypes(np *networkingv1.NetworkPolicy) (in, out bool) {
	if len(np.Spec.PolicyTypes) == 0 {
		return true, len(np.Spec.Egress) > 0
	}
	for _, t := range np.Spec.PolicyTypes {
		in = in || t == networkingv1.PolicyTypeIngress
		out = out || t == networkingv1.PolicyTypeEgress
	}
	return in, out
}

// expr is a piece of an nft rule; fam is 4 or 6 when it only matches that
// address family, 0 when it matches both.
type expr struct {
	fam  int
	text string
}

// rule writes one nft rule per (peer, port) combination of rule i: a
// connection is admitted when some peer and some port match ("If this
// field is empty or missing, this rule matches all sources" / "all ports").
func (c *compiler) rule(rs *ruleset, s side, np *networkingv1.NetworkPolicy, i int, peers []networkingv1.NetworkPolicyPeer, ports []networkingv1.NetworkPolicyPort) error {
	pes := []expr{{}}
	if len(peers) > 0 {
		pes = nil
		for j, pr := range peers {
			e, err := c.peer(rs, s, np, pr)
			if err != nil {
				return fmt.Errorf("NetworkPolicy %s/%s: %s[%d] peer %d: %w", np.Namespace, np.Name, sideField(s), i, j, err)
			}
			pes = append(pes, e...)
		}
	}
	pos := []expr{{}}
	if len(ports) > 0 {
		pos = nil
		for _, pp := range ports {
			pos = append(pos, c.port(rs, s, pp)...)
		}
	}
	comment := fmt.Sprintf("%s/%s %s[%d]", np.Namespace, np.Name, sideField(s), i)
	for _, m := range combine(pes, pos) {
		parts := slices.DeleteFunc([]string{m, "accept", "comment " + quote(comment)}, func(s string) bool { return s == "" })
		rs.rules[s] = append(rs.rules[s], strings.Join(parts, " "))
	}
	return nil
}

// combine returns the match of every (peer, port) pair of the same address
// family (or of either family).
func combine(pes, pos []expr) []string {
	var out []string
	for _, pe := range pes {
		for _, po := range pos {
			if pe.fam != 0 && po.fam != 0 && pe.fam != po.fam {
				continue
			}
			parts := slices.DeleteFunc([]string{pe.text, po.text}, func(s string) bool { return s == "" })
			out = append(out, strings.Join(parts, " "))
		}
	}
	return out
}

func sideField(s side) string {
	if s == sideIn {
		return "ingress"
	}
	return "egress"
}

// addrField is the address the peer is matched on: the source of incoming
// connections, the destination of outgoing ones.
func addrField(s side, v4 bool) string {
	f := "saddr"
	if s == sideOut {
		f = "daddr"
	}
	if v4 {
		return "ip " + f
	}
	return "ip6 " + f
}

// quote makes s an nft comment string. nft's scanner reads a quoted
// string up to the next double quote, with no escapes, so a name holding
// a quote could end the comment and add rules: every byte outside letters,
// digits and " ._:/-[]" becomes "?" (the comment is for people reading the
// ruleset with --keep), and the comment stays under nft's 128-byte limit.
func quote(s string) string {
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" ._:/-[]", c) >= 0) {
			b[i] = '?'
		}
	}
	if len(b) > 120 {
		b = b[:120]
	}
	return `"` + string(b) + `"`
}

func protoOf(p *corev1.Protocol) model.Protocol {
	if p == nil {
		return model.TCP // "If not specified, this field defaults to TCP."
	}
	pr, err := model.ParseProtocol(string(*p))
	if err != nil {
		return model.ProtocolUnknown
	}
	return pr
}

func intOrString(v *intstr.IntOrString) (int, string) {
	if v.Type == intstr.String {
		return 0, v.StrVal
	}
	return v.IntValue(), ""
}

// addrSet adds a named set of addresses (or prefixes, with interval) and
// returns its name.
func (rs *ruleset) addrSet(v4 bool, interval bool, elems []string) string {
	name := "s" + strconv.Itoa(len(rs.sets))
	typ := "ipv6_addr"
	if v4 {
		typ = "ipv4_addr"
	}
	def := "\tset " + name + " {\n\t\ttype " + typ + "\n"
	if interval {
		def += "\t\tflags interval\n\t\tauto-merge\n"
	}
	if len(elems) > 0 {
		def += "\t\telements = { " + strings.Join(elems, ", ") + " }\n"
	}
	rs.sets = append(rs.sets, def+"\t}\n")
	return name
}

// String renders the program. Re-applying it replaces the previous one.
func (rs *ruleset) String() string {
	var b strings.Builder
	b.WriteString("table inet prlab\ndelete table inet prlab\ntable inet prlab {\n")
	for _, s := range rs.sets {
		b.WriteString(s)
	}
	hooks := [2][3]string{{"input", "iif", "ingress"}, {"output", "oif", "egress"}}
	for s, h := range hooks {
		fmt.Fprintf(&b, "\tchain %s {\n\t\ttype filter hook %s priority filter; policy accept;\n", h[0], h[0])
		fmt.Fprintf(&b, "\t\t%s \"lo\" accept\n\t\tct state established,related accept\n", h[1])
		b.WriteString("\t\tmeta l4proto { icmp, ipv6-icmp } accept\n")
		if len(rs.tiers[tierAdmin][s])+len(rs.tiers[tierBaseline][s]) > 0 {
			var tiers strings.Builder
			fmt.Fprintf(&b, "\t\t%s\n\t}\n", rs.renderTiers(&tiers, side(s), h[2]))
			b.WriteString(tiers.String())
			if !rs.isolated[s] {
				continue
			}
			fmt.Fprintf(&b, "\tchain %s {\n", h[2])
		} else if !rs.isolated[s] {
			fmt.Fprintf(&b, "\t\tcounter comment %s\n\t}\n", quote(rs.pod.id+" is not isolated for "+h[2]))
			continue
		} else {
			fmt.Fprintf(&b, "\t\tjump %s\n\t}\n\tchain %s {\n", h[2], h[2])
		}
		for _, r := range rs.rules[s] {
			b.WriteString("\t\t" + r + "\n")
		}
		fmt.Fprintf(&b, "\t\tcounter reject with icmpx type admin-prohibited comment %s\n\t}\n", quote(rs.pod.id+" is isolated for "+h[2]+": no rule admits"))
	}
	b.WriteString("}\n")
	return b.String()
}

// families splits addresses into IPv4 and IPv6 element lists, sorted.
func families(addrs []netip.Addr) (v4, v6 []string) {
	addrs = slices.Clone(addrs)
	slices.SortFunc(addrs, netip.Addr.Compare)
	for _, a := range addrs {
		if a.Is4() {
			v4 = append(v4, a.String())
		} else {
			v6 = append(v6, a.String())
		}
	}
	return v4, v6
}

// allPeers lists every peer of every rule of np.
func allPeers(np *networkingv1.NetworkPolicy) []networkingv1.NetworkPolicyPeer {
	var out []networkingv1.NetworkPolicyPeer
	for _, r := range np.Spec.Ingress {
		out = append(out, r.From...)
	}
	for _, r := range np.Spec.Egress {
		out = append(out, r.To...)
	}
	return out
}
