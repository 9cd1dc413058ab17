package synth

import (
	"net/netip"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
)

var commonPorts = []int32{53, 80, 443, 3000, 5432, 6379, 8080, 8443, 9090, 9100}

func apiProto(p model.Protocol) *corev1.Protocol {
	v := corev1.Protocol(p.String())
	return &v
}

// portPool is the container ports some workloads declare, and the named
// ones among them.
type portPool struct {
	all, named []model.ContainerPort
}

// declared returns the container ports of the workloads.
func declared(ws []*model.Workload) portPool {
	var p portPool
	for _, w := range ws {
		for _, cp := range w.Template.Ports() {
			p.all = append(p.all, cp)
			if cp.Name != "" {
				p.named = append(p.named, cp)
			}
		}
	}
	return p
}

// numericPort is a port the targets declare (with its protocol) or a
// common TCP port, which need not be declared.
func (g *gen) numericPort(ps portPool) networkingv1.NetworkPolicyPort {
	if len(ps.all) == 0 || g.chance(0.3) {
		return networkingv1.NetworkPolicyPort{Port: intPort(pick(g, commonPorts))}
	}
	cp := pick(g, ps.all)
	return networkingv1.NetworkPolicyPort{Protocol: apiProto(cp.Protocol), Port: intPort(cp.Port)}
}

// namedPort names a port the targets declare, usually with its protocol,
// sometimes with the protocol left to default to TCP (a trap for UDP names).
func (g *gen) namedPort(ps portPool) networkingv1.NetworkPolicyPort {
	named := ps.named
	if len(named) == 0 {
		name := pick(g, []string{"http", "grpc", "metrics", "dns"})
		return networkingv1.NetworkPolicyPort{Port: namePort(name)}
	}
	cp := pick(g, named)
	pp := networkingv1.NetworkPolicyPort{Port: namePort(cp.Name)}
	if !g.chance(0.15) {
		pp.Protocol = apiProto(cp.Protocol)
	}
	return pp
}

// rangePort is [port, endPort] around a declared port, or a common range.
func (g *gen) rangePort(ps portPool) networkingv1.NetworkPolicyPort {
	lo, hi := int32(8000), int32(8999)
	proto := model.TCP
	if len(ps.all) > 0 && g.chance(0.6) {
		cp := pick(g, ps.all)
		proto = cp.Protocol
		lo, hi = max(1, cp.Port-int32(g.r.IntN(3))), min(65535, cp.Port+int32(g.r.IntN(20)))
	} else if g.chance(0.3) {
		lo, hi = 30000, 32767
	}
	return networkingv1.NetworkPolicyPort{Protocol: apiProto(proto), Port: intPort(lo), EndPort: &hi}
}

// protoOnlyPort has a protocol and no port: every port of that protocol.
func (g *gen) protoOnlyPort() networkingv1.NetworkPolicyPort {
	return networkingv1.NetworkPolicyPort{Protocol: apiProto(pick(g, []model.Protocol{model.UDP, model.SCTP, model.TCP}))}
}

// somePort picks a port entry among the enabled kinds.
func (g *gen) somePort(targets portPool) networkingv1.NetworkPolicyPort {
	switch n := g.r.IntN(100); {
	case g.has(FeatureNamedPorts) && n < 35:
		return g.namedPort(targets)
	case g.has(FeatureEndPort) && n < 50:
		return g.rangePort(targets)
	case g.has(FeatureProtocolOnly) && n < 60:
		return g.protoOnlyPort()
	}
	return g.numericPort(targets)
}

func intPort(n int32) *intstr.IntOrString {
	v := intstr.FromInt32(n)
	return &v
}

func namePort(s string) *intstr.IntOrString {
	v := intstr.FromString(s)
	return &v
}

// podBlock is an ipBlock around the address of a random pod, with excepts
// that carve out other pods (or the whole sub-range holding it). Without
// pod IPs it covers a namespace's range.
func (g *gen) podBlock(v6 bool) *networkingv1.IPBlock {
	ips := g.idx.ips[0]
	if v6 {
		ips = g.idx.ips[1]
	}
	if len(ips) == 0 {
		base := netip.AddrFrom4([4]byte{10, byte(pick(g, g.ns).idx + 1), 0, 0})
		return &networkingv1.IPBlock{CIDR: netip.PrefixFrom(base, 16).String()}
	}
	center := pick(g, ips)
	bits := pick(g, []int{16, 20, 24, 28})
	if v6 {
		bits = pick(g, []int{48, 64, 112, 120})
	}
	cidr := netip.PrefixFrom(center, bits).Masked()
	b := &networkingv1.IPBlock{CIDR: cidr.String()}
	for range g.r.IntN(3) {
		ip := pick(g, ips)
		if !cidr.Contains(ip) {
			ip = center
		}
		exBits := bits + 1 + g.r.IntN(ip.BitLen()-bits)
		ex := netip.PrefixFrom(ip, exBits).Masked().String()
		if !contains(b.Except, ex) {
			b.Except = append(b.Except, ex)
		}
	}
	return b
}

// externalBlocks are ipBlocks for peers outside the pod network; some
// overlap an external only partly.
var externalBlocks = []networkingv1.IPBlock{
	{CIDR: "0.0.0.0/0", Except: []string{"10.0.0.0/8", "192.168.0.0/16", "169.254.169.254/32"}},
	{CIDR: "203.0.113.0/24", Except: []string{"203.0.113.128/25"}},
	{CIDR: "8.8.8.8/32"},
	{CIDR: "198.51.100.0/25"},
	{CIDR: "192.168.0.0/16"},
	{CIDR: "169.254.169.254/32"},
	{CIDR: "2001:db8::/32", Except: []string{"2001:db8:0:1::/64"}},
	{CIDR: "::/0", Except: []string{"fd00::/8"}},
}

func (g *gen) externalBlock() *networkingv1.IPBlock {
	n := len(externalBlocks)
	if !g.has(FeatureIPv6) {
		n -= 2
	}
	return externalBlockAt(g.r.IntN(n))
}

// externalBlockAt returns a copy of externalBlocks[i].
func externalBlockAt(i int) *networkingv1.IPBlock {
	b := externalBlocks[i]
	b.Except = append([]string(nil), b.Except...)
	return &b
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}
