package netpol

import (
	"fmt"
	"net/netip"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/parallel"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// Indexes of per-direction data (Policy.Rules).
const (
	IngressSide = 0
	EgressSide  = 1
)

// Policy is one NetworkPolicy turned into matchers.
type Policy struct {
	ID          string // "ns/name"
	Namespace   string
	Object      *networkingv1.NetworkPolicy
	PodSelector *Selector
	// Isolates says, per side (IngressSide, EgressSide), whether the
	// policy's policyTypes name that direction.
	Isolates [2]bool
	Rules    [2][]Rule // per side: spec.ingress, spec.egress
}

// Rule is one ingress or egress rule.
type Rule struct {
	Index int
	// AllPeers: "If this field is empty or missing, this rule matches all
	// sources (traffic not restricted by source)" (or destinations).
	AllPeers bool
	Peers    []Peer
	// AllPorts: "If this field is empty or missing, this rule matches all
	// ports (traffic not restricted by port)."
	AllPorts bool
	Ports    []Port
	Static   ports.Set // the numeric and protocol-only entries
	Named    bool      // some entry is a named port, resolved per destination
}

// PeerKind tells a pod peer from an ipBlock peer.
type PeerKind uint8

// Peer kinds.
const (
	PeerUnknown PeerKind = iota
	PeerPods             // podSelector and/or namespaceSelector
	PeerIPBlock
)

func (k PeerKind) String() string {
	switch k {
	case PeerPods:
		return "pods"
	case PeerIPBlock:
		return "ipBlock"
	}
	return "unknown"
}

// Peer is one entry of a rule's from or to list.
type Peer struct {
	Kind              PeerKind
	PodSelector       *Selector // nil when absent
	NamespaceSelector *Selector // nil when absent
	CIDR              netip.Prefix
	Except            []netip.Prefix
}

// Port is one entry of a rule's ports list.
type Port struct {
	Protocol model.Protocol
	Any      bool // no port given: every port of Protocol
	Lo, Hi   int
	Name     string // a named port
}

// Compile turns a stored (defaulted, validated) NetworkPolicy into matchers.
// Selectors that do not parse are errors: an uninterpretable policy must not
// silently allow or deny. Selectors are parsed through m (nil: each on its
// own).
func Compile(p *model.Policy, m *SelectorMemo) (*Policy, error) {
	np := p.NetworkPolicy
	c := &Policy{ID: p.ID(), Namespace: np.Namespace, Object: np}
	var err error
	if c.PodSelector, err = m.Parse(&np.Spec.PodSelector); err != nil {
		return nil, fmt.Errorf("spec.podSelector: %w", err)
	}
	for _, t := range PolicyTypes(np) {
		switch t {
		case networkingv1.PolicyTypeIngress:
			c.Isolates[IngressSide] = true
		case networkingv1.PolicyTypeEgress:
			c.Isolates[EgressSide] = true
		}
	}
	for i, r := range np.Spec.Ingress {
		cr, err := compileRule(i, r.From, r.Ports, m)
		if err != nil {
			return nil, fmt.Errorf("spec.ingress[%d]: %w", i, err)
		}
		c.Rules[IngressSide] = append(c.Rules[IngressSide], cr)
	}
	for i, r := range np.Spec.Egress {
		cr, err := compileRule(i, r.To, r.Ports, m)
		if err != nil {
			return nil, fmt.Errorf("spec.egress[%d]: %w", i, err)
		}
		c.Rules[EgressSide] = append(c.Rules[EgressSide], cr)
	}
	return c, nil
}

// CompileAll compiles ps, on every core; the error is that of the first
// policy (in input order) that does not compile.
func CompileAll(ps []model.Policy) ([]*Policy, error) {
	out := make([]*Policy, len(ps))
	errs := make([]error, len(ps))
	m := NewSelectorMemo()
	parallel.Ranges(len(ps), 1024, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			out[i], errs[i] = Compile(&ps[i], m)
		}
	})
	for i, err := range errs {
		if err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: %w", ps[i].ID(), err)
		}
	}
	return out, nil
}

// PolicyTypes applies the API default: "If this field is not specified, it
// will default based on the existence of ingress or egress rules; policies
// that contain an egress section are assumed to affect egress, and all
// policies (whether or not they contain an ingress section) are assumed to
// affect ingress." An empty egress list is no egress section.
func PolicyTypes(np *networkingv1.NetworkPolicy) []networkingv1.PolicyType {
	if len(np.Spec.PolicyTypes) > 0 {
		return np.Spec.PolicyTypes
	}
	out := []networkingv1.PolicyType{networkingv1.PolicyTypeIngress}
	if len(np.Spec.Egress) > 0 {
		out = append(out, networkingv1.PolicyTypeEgress)
	}
	return out
}

func compileRule(i int, peers []networkingv1.NetworkPolicyPeer, ps []networkingv1.NetworkPolicyPort, m *SelectorMemo) (Rule, error) {
	r := Rule{Index: i, AllPeers: len(peers) == 0, AllPorts: len(ps) == 0}
	for j, p := range peers {
		cp, err := compilePeer(p, m)
		if err != nil {
			return r, fmt.Errorf("peer %d: %w", j, err)
		}
		r.Peers = append(r.Peers, cp)
	}
	if r.AllPorts {
		r.Static = ports.All()
	}
	for j, p := range ps {
		pm, err := compilePort(p)
		if err != nil {
			return r, fmt.Errorf("ports[%d]: %w", j, err)
		}
		r.Ports = append(r.Ports, pm)
		switch {
		case pm.Name != "":
			r.Named = true
		case pm.Any:
			r.Static = r.Static.Union(ports.AllOf(pm.Protocol))
		default:
			r.Static = r.Static.Union(ports.Of(pm.Protocol, pm.Lo, pm.Hi))
		}
	}
	return r, nil
}

func compilePeer(p networkingv1.NetworkPolicyPeer, m *SelectorMemo) (Peer, error) {
	if p.IPBlock != nil {
		return compileIPBlock(p.IPBlock)
	}
	out := Peer{Kind: PeerPods}
	var err error
	if p.PodSelector != nil {
		if out.PodSelector, err = m.Parse(p.PodSelector); err != nil {
			return out, fmt.Errorf("podSelector: %w", err)
		}
	}
	if p.NamespaceSelector != nil {
		if out.NamespaceSelector, err = m.Parse(p.NamespaceSelector); err != nil {
			return out, fmt.Errorf("namespaceSelector: %w", err)
		}
	}
	if out.PodSelector == nil && out.NamespaceSelector == nil {
		return out, fmt.Errorf("peer selects nothing: set podSelector, namespaceSelector or ipBlock")
	}
	return out, nil
}

func compileIPBlock(b *networkingv1.IPBlock) (Peer, error) {
	out := Peer{Kind: PeerIPBlock}
	var err error
	if out.CIDR, err = netip.ParsePrefix(b.CIDR); err != nil {
		return out, fmt.Errorf("ipBlock.cidr: invalid CIDR %q", b.CIDR)
	}
	out.CIDR = out.CIDR.Masked()
	for _, e := range b.Except {
		ex, err := netip.ParsePrefix(e)
		if err != nil {
			return out, fmt.Errorf("ipBlock.except: invalid CIDR %q", e)
		}
		out.Except = append(out.Except, ex.Masked())
	}
	return out, nil
}

func compilePort(p networkingv1.NetworkPolicyPort) (Port, error) {
	pm := Port{Protocol: model.TCP} // "If not specified, this field defaults to TCP."
	if p.Protocol != nil {
		proto, err := model.ParseProtocol(string(*p.Protocol))
		if err != nil {
			return pm, err
		}
		pm.Protocol = proto
	}
	switch {
	case p.Port == nil:
		// "If omitted, this matches all port names and numbers" — of this protocol only.
		pm.Any = true
	case p.Port.Type == intstr.String:
		pm.Name = p.Port.StrVal
		if p.EndPort != nil {
			return pm, fmt.Errorf("endPort cannot be used with the named port %q", pm.Name)
		}
	default:
		// "endPort indicates that the range of ports from port to endPort
		// if set, inclusive, should be allowed by the policy."
		pm.Lo, pm.Hi = p.Port.IntValue(), p.Port.IntValue()
		if p.EndPort != nil {
			pm.Hi = int(*p.EndPort)
		}
		if pm.Lo < ports.MinPort || pm.Hi > ports.MaxPort || pm.Hi < pm.Lo {
			return pm, fmt.Errorf("invalid port range %d-%d", pm.Lo, pm.Hi)
		}
	}
	return pm, nil
}
