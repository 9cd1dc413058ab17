package policy

import (
	"fmt"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/parallel"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// compiled is one NetworkPolicy turned into matchers.
type compiled struct {
	id        string // "ns/name"
	namespace string
	np        *networkingv1.NetworkPolicy
	podSel    *selector
	ingress   bool      // Ingress in policyTypes
	egress    bool      // Egress in policyTypes
	rules     [2][]rule // indexed by Direction-1
}

// rule is one ingress or egress rule.
type rule struct {
	index    int
	allPeers bool // "If this field is empty or missing, this rule matches all sources/destinations"
	peers    []peer
	allPorts bool // "If this field is empty or missing, this rule matches all ports"
	ports    []portMatch
	static   ports.Set // the numeric and protocol-only entries
	named    bool      // some entry is a named port, resolved per destination
}

type peerKind uint8

const (
	peerPods peerKind = iota + 1 // podSelector and/or namespaceSelector
	peerIPBlock
)

type peer struct {
	kind   peerKind
	podSel *selector // nil when absent
	nsSel  *selector // nil when absent
	cidr   netip.Prefix
	except []netip.Prefix
}

type portMatch struct {
	proto  model.Protocol
	any    bool // no port given: every port of proto
	lo, hi int
	name   string
}

// compile turns a stored (defaulted, validated) NetworkPolicy into matchers.
// Selectors that do not parse are errors: an uninterpretable policy must not
// silently allow or deny.
// Selectors are parsed through m (nil: each on its own).
func compile(p *model.Policy, m *selectorMemo) (*compiled, error) {
	np := p.NetworkPolicy
	c := &compiled{id: p.ID(), namespace: np.Namespace, np: np}
	var err error
	if c.podSel, err = m.parse(&np.Spec.PodSelector); err != nil {
		return nil, fmt.Errorf("spec.podSelector: %w", err)
	}
	for _, t := range policyTypes(np) {
		switch t {
		case networkingv1.PolicyTypeIngress:
			c.ingress = true
		case networkingv1.PolicyTypeEgress:
			c.egress = true
		}
	}
	for i, r := range np.Spec.Ingress {
		cr, err := compileRule(i, r.From, r.Ports, m)
		if err != nil {
			return nil, fmt.Errorf("spec.ingress[%d]: %w", i, err)
		}
		c.rules[Ingress-1] = append(c.rules[Ingress-1], cr)
	}
	for i, r := range np.Spec.Egress {
		cr, err := compileRule(i, r.To, r.Ports, m)
		if err != nil {
			return nil, fmt.Errorf("spec.egress[%d]: %w", i, err)
		}
		c.rules[Egress-1] = append(c.rules[Egress-1], cr)
	}
	return c, nil
}

// compileAll compiles ps, on every core; the error is that of the first
// policy (in input order) that does not compile.
func compileAll(ps []model.Policy) ([]*compiled, error) {
	out := make([]*compiled, len(ps))
	errs := make([]error, len(ps))
	m := newSelectorMemo()
	parallel.Ranges(len(ps), 1024, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i], errs[i] = compile(&ps[i], m)
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: %w", ps[i].ID(), err)
		}
	}
	return out, nil
}

// policyTypes applies the API default: "If this field is not specified, it
// will default based on the existence of ingress or egress rules; policies
// that contain an egress section are assumed to affect egress, and all
// policies (whether or not they contain an ingress section) are assumed to
// affect ingress." An empty egress list is no egress section.
func policyTypes(np *networkingv1.NetworkPolicy) []networkingv1.PolicyType {
	if len(np.Spec.PolicyTypes) > 0 {
		return np.Spec.PolicyTypes
	}
	out := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if len(np.Spec.Egress) > 0 {
		out = append(out, networkingv1.PolicyTypeEgress)
	}
	return out
}

func compileRule(i int, peers []networkingv1.NetworkPolicyPeer, ps []networkingv1.NetworkPolicyPort, m *selectorMemo) (rule, error) {
	r := rule{index: i, allPeers: len(peers) == 0, allPorts: len(ps) == 0}
	for j, p := range peers {
		cp, err := compilePeer(p, m)
		if err != nil {
			return r, fmt.Errorf("peer %d: %w", j, err)
		}
		r.peers = append(r.peers, cp)
	}
	if r.allPorts {
		r.static = ports.All()
	}
	for j, p := range ps {
		pm, err := compilePort(p)
		if err != nil {
			return r, fmt.Errorf("ports[%d]: %w", j, err)
		}
		r.ports = append(r.ports, pm)
		switch {
		case pm.name != "":
			r.named = true
		case pm.any:
			r.static = r.static.Union(ports.AllOf(pm.proto))
		default:
			r.static = r.static.Union(ports.Of(pm.proto, pm.lo, pm.hi))
		}
	}
	return r, nil
}

func compilePeer(p networkingv1.NetworkPolicyPeer, m *selectorMemo) (peer, error) {
	if p.IPBlock != nil {
		return compileIPBlock(p.IPBlock)
	}
	out := peer{kind: peerPods}
	var err error
	if p.PodSelector != nil {
		if out.podSel, err = m.parse(p.PodSelector); err != nil {
			return out, fmt.Errorf("podSelector: %w", err)
		}
	}
	if p.NamespaceSelector != nil {
		if out.nsSel, err = m.parse(p.NamespaceSelector); err != nil {
			return out, fmt.Errorf("namespaceSelector: %w", err)
		}
	}
	if out.podSel == nil && out.nsSel == nil {
		return out, fmt.Errorf("peer selects nothing: set podSelector, namespaceSelector or ipBlock")
	}
	return out, nil
}

func compileIPBlock(b *networkingv1.IPBlock) (peer, error) {
	out := peer{kind: peerIPBlock}
	var err error
	if out.cidr, err = netip.ParsePrefix(b.CIDR); err != nil {
		return out, fmt.Errorf("ipBlock.cidr: invalid CIDR %q", b.CIDR)
	}
	out.cidr = out.cidr.Masked()
	for _, e := range b.Except {
		ex, err := netip.ParsePrefix(e)
		if err != nil {
			return out, fmt.Errorf("ipBlock.except: invalid CIDR %q", e)
		}
		out.except = append(out.except, ex.Masked())
	}
	return out, nil
}

func compilePort(p networkingv1.NetworkPolicyPort) (portMatch, error) {
	pm := portMatch{proto: model.TCP} // "If not specified, this field defaults to TCP."
	if p.Protocol != nil {
		proto, err := model.ParseProtocol(string(*p.Protocol))
		if err != nil {
			return pm, err
		}
		pm.proto = proto
	}
	switch {
	case p.Port == nil:
		// "If omitted, this matches all port names and numbers" — of this protocol only.
		pm.any = true
	case p.Port.Type == intstr.String:
		pm.name = p.Port.StrVal
		if p.EndPort != nil {
			return pm, fmt.Errorf("endPort cannot be used with the named port %q", pm.name)
		}
	default:
		pm.lo, pm.hi = p.Port.IntValue(), p.Port.IntValue()
		if p.EndPort != nil {
			pm.hi = int(*p.EndPort)
		}
		if pm.lo < ports.MinPort || pm.hi > ports.MaxPort || pm.hi < pm.lo {
			return pm, fmt.Errorf("invalid port range %d-%d", pm.lo, pm.hi)
		}
	}
	return pm, nil
}
