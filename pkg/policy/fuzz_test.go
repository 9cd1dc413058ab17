package policy_test

import (
	"fmt"
	"net/netip"
	"testing"

	corev1 "k8s.io/api/core/v1"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/reference"
)

// FuzzEngine builds a small cluster from the fuzz input (labels, named
// ports, addresses, selectors with every operator, peers of every kind, port
// entries of every kind, policyTypes set or not, empty and absent lists) and
// checks that New and Explain never panic and that Allowed and Explain
// agree with the reference evaluator on every pair and sampled port.
// testdata/fuzz/FuzzEngine/namespace-name-label is the finding that made New
// give every declared namespace its kubernetes.io/metadata.name label.
func FuzzEngine(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("\x03\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f"))
	f.Add([]byte("podreach fuzzes NetworkPolicy semantics: selectors, ports, ipBlocks"))
	f.Add([]byte{5, 255, 7, 3, 0, 1, 9, 200, 100, 33, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30})
	f.Fuzz(func(t *testing.T, data []byte) {
		in := &fuzzInput{data: data}
		c, eps := in.cluster()
		ipBlockPods := in.bit()
		eng, err := policy.New(c, eps, policy.WithIPBlockPods(ipBlockPods))
		if err != nil {
			t.Fatalf("New rejected a valid cluster: %v", err)
		}
		ref, err := reference.New(c, ipBlockPods)
		if err != nil {
			t.Fatal(err)
		}
		b := built{eng: eng, ref: ref, eps: eps}
		sample := samplePorts(c, eps, 0)
		all := indexes(len(eps))
		sc := eng.NewScanner(all)
		for s := range eps {
			sc.Row(s)
			for d := range eps {
				set := eng.Allowed(s, d)
				if full := eng.Explain(s, d, model.ProtocolUnknown, 0); !full.Allowed.Equal(set) {
					t.Fatalf("%s -> %s: Explain(all) %s, Allowed %s", eps[s].ID, eps[d].ID, full.Allowed, set)
				}
				if row := sc.Allowed(d); !row.Equal(set) {
					t.Fatalf("%s -> %s: Scanner %s, Allowed %s", eps[s].ID, eps[d].ID, row, set)
				}
				for _, proto := range model.Protocols {
					for _, port := range sample {
						if !b.agree(t, set, s, d, proto, port, b.ref.Allowed(eps, s, d, proto, port), true) {
							t.Fatalf("disagreement; cluster:\n%s", describeCluster(c, eps))
						}
					}
				}
			}
		}
	})
}

// fuzzInput hands out choices from the fuzz bytes; past the end every
// choice is 0.
type fuzzInput struct {
	data []byte
	i    int
}

func (in *fuzzInput) byte() byte {
	if in.i >= len(in.data) {
		return 0
	}
	in.i++
	return in.data[in.i-1]
}

func (in *fuzzInput) n(k int) int { return int(in.byte()) % k }
func (in *fuzzInput) bit() bool   { return in.byte()&1 == 1 }

func pickOf[T any](in *fuzzInput, xs ...T) T { return xs[in.n(len(xs))] }

var (
	fuzzKeys   = []string{"app", "tier"}
	fuzzValues = []string{"a", "b"}
	fuzzNames  = []string{"http", "dns", "nope"}
	fuzzPorts  = []int32{53, 80, 81, 8080}
	fuzzProtos = []model.Protocol{model.TCP, model.UDP, model.SCTP}
)

// cluster builds namespaces n0..n2 (n3 is used but undeclared), up to six
// pods or workloads, up to two externals and up to four policies.
func (in *fuzzInput) cluster() (*model.Cluster, []policy.Endpoint) {
	c := &model.Cluster{}
	for i := range 3 {
		ns := model.Namespace{Name: fmt.Sprintf("n%d", i), Labels: in.labels([]string{"team", "env"})}
		if in.bit() {
			ns.Labels[model.NamespaceNameLabel] = ns.Name
		}
		c.Namespaces = append(c.Namespaces, ns)
	}
	var eps []policy.Endpoint
	for i := range 2 + in.n(5) {
		eps = append(eps, in.pod(i))
	}
	for i := range in.n(3) {
		eps = append(eps, in.external(i))
	}
	for i := range 1 + in.n(4) {
		c.Policies = append(c.Policies, in.policy(i))
	}
	return c, eps
}

func (in *fuzzInput) labels(keys []string) map[string]string {
	l := map[string]string{}
	for _, k := range keys {
		if in.bit() {
			l[k] = pickOf(in, fuzzValues...)
		}
	}
	return l
}

func (in *fuzzInput) pod(i int) policy.Endpoint {
	ns := fmt.Sprintf("n%d", in.n(4))
	ep := pod(ns, fmt.Sprintf("p%d", i), in.labels(fuzzKeys))
	for range in.n(3) {
		ep.Ports = append(ep.Ports, cport(pickOf(in, append(fuzzNames, "")...), pickOf(in, fuzzPorts...), pickOf(in, fuzzProtos...)))
	}
	switch in.n(4) {
	case 1:
		ep.IPs = []netip.Addr{in.v4()}
	case 2:
		ep.IPs = []netip.Addr{in.v4(), in.v6()}
	case 3:
		ep.IPs = []netip.Addr{in.v6()}
	}
	ep.HostNetwork = in.n(8) == 0
	if in.n(4) == 0 {
		ep = workload(ep)
	}
	return ep
}

func (in *fuzzInput) v4() netip.Addr { return netip.AddrFrom4([4]byte{10, 0, 0, byte(in.n(16))}) }

func (in *fuzzInput) v6() netip.Addr {
	return netip.AddrFrom16([16]byte{0: 0xfd, 15: byte(in.n(16))})
}

// prefix is a masked prefix around a fuzzed address with at least min bits.
func (in *fuzzInput) prefix(v6 bool, minBits int) netip.Prefix {
	addr, size := in.v4(), 32
	if v6 {
		addr, size = in.v6(), 128
	}
	lastBits := []int{size - 4, size - 3, size - 2, size}
	bits := max(minBits, pickOf(in, append(lastBits, 0, 8)...))
	return netip.PrefixFrom(addr, min(bits, size)).Masked()
}

func (in *fuzzInput) external(i int) policy.Endpoint {
	p := in.prefix(in.n(4) == 0, 0)
	return ext(fmt.Sprintf("x%d", i), p.String())
}

func (in *fuzzInput) policy(i int) model.Policy {
	p := np(fmt.Sprintf("n%d", in.n(3)), fmt.Sprintf("np%d", i), withPodSelector(in.selector(fuzzKeys)))
	s := &p.NetworkPolicy.Spec
	s.PolicyTypes = pickOf(in, nil, []networkingv1.PolicyType{tIn}, []networkingv1.PolicyType{tOut}, []networkingv1.PolicyType{tIn, tOut})
	if k := in.n(5); k > 0 {
		s.Ingress = []networkingv1.NetworkPolicyIngressRule{}
		for range k - 1 {
			s.Ingress = append(s.Ingress, networkingv1.NetworkPolicyIngressRule{From: in.peers(), Ports: in.ports()})
		}
	}
	if k := in.n(5); k > 0 {
		s.Egress = []networkingv1.NetworkPolicyEgressRule{}
		for range k - 1 {
			s.Egress = append(s.Egress, networkingv1.NetworkPolicyEgressRule{To: in.peers(), Ports: in.ports()})
		}
	}
	return p
}

// selector is matchLabels and matchExpressions over keys, valid as the API
// requires (values only, and always, for In and NotIn).
func (in *fuzzInput) selector(keys []string) *metav1.LabelSelector {
	s := &metav1.LabelSelector{}
	if in.bit() {
		s.MatchLabels = in.labels(keys)
	}
	for range in.n(3) {
		r := metav1.LabelSelectorRequirement{Key: pickOf(in, keys...)}
		r.Operator = pickOf(in, metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn, metav1.LabelSelectorOpExists, metav1.LabelSelectorOpDoesNotExist)
		if r.Operator == metav1.LabelSelectorOpIn || r.Operator == metav1.LabelSelectorOpNotIn {
			r.Values = []string{pickOf(in, fuzzValues...)}
			if in.bit() {
				r.Values = append(r.Values, pickOf(in, fuzzValues...))
			}
		}
		s.MatchExpressions = append(s.MatchExpressions, r)
	}
	return s
}

// peers returns nil, [] or up to three peers of every kind.
func (in *fuzzInput) peers() []networkingv1.NetworkPolicyPeer {
	k := in.n(5)
	if k == 0 {
		return nil
	}
	out := []networkingv1.NetworkPolicyPeer{}
	for range k - 1 {
		var p networkingv1.NetworkPolicyPeer
		switch in.n(4) {
		case 0:
			p.PodSelector = in.selector(fuzzKeys)
		case 1:
			p.NamespaceSelector = in.selector([]string{"team", "env", model.NamespaceNameLabel})
		case 2:
			p.PodSelector, p.NamespaceSelector = in.selector(fuzzKeys), in.selector([]string{"team", model.NamespaceNameLabel})
		default:
			p.IPBlock = in.ipBlock()
		}
		out = append(out, p)
	}
	return out
}

// ipBlock has excepts strictly inside cidr, as API validation requires.
func (in *fuzzInput) ipBlock() *networkingv1.IPBlock {
	v6 := in.n(4) == 0
	cidr := in.prefix(v6, 0)
	b := &networkingv1.IPBlock{CIDR: cidr.String()}
	for range in.n(3) {
		ex := in.prefix(v6, cidr.Bits()+1)
		if ex.Bits() > cidr.Bits() && cidr.Contains(ex.Addr()) {
			b.Except = append(b.Except, ex.String())
		}
	}
	return b
}

// ports returns nil, [] or up to three entries: numeric, ranges, named,
// protocol-only; protocol set or left to default.
func (in *fuzzInput) ports() []networkingv1.NetworkPolicyPort {
	k := in.n(5)
	if k == 0 {
		return nil
	}
	out := []networkingv1.NetworkPolicyPort{}
	for range k - 1 {
		var p networkingv1.NetworkPolicyPort
		if in.bit() {
			p.Protocol = protoPtr(corev1.Protocol(pickOf(in, fuzzProtos...).String()))
		}
		switch in.n(4) {
		case 0:
			v := intstr.FromInt32(pickOf(in, fuzzPorts...))
			p.Port = &v
		case 1:
			v, end := intstr.FromInt32(pickOf(in, fuzzPorts...)), pickOf(in, fuzzPorts...)
			p.Port = &v
			if end >= v.IntVal {
				p.EndPort = &end
			}
		case 2:
			v := intstr.FromString(pickOf(in, fuzzNames...))
			p.Port = &v
		}
		out = append(out, p)
	}
	return out
}
