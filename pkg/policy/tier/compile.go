package tier

import (
	"errors"
	"fmt"
	"net/netip"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// Compile turns a cluster policy of either API version into a Policy.
// What makes the whole policy uninterpretable (no or two subjects, a
// subject selector that does not parse, a priority outside 0-1000, an
// unknown tier) is an error: such a policy must not silently allow or
// deny. What makes one rule uninterpretable marks the rule Invalid, and
// the rule fails closed as the API prescribes (FailClosed).
func Compile(p *model.ClusterPolicy) (*Policy, error) {
	var (
		out *Policy
		err error
	)
	switch {
	case p.CNP != nil:
		out, err = compileCNP(p)
	case p.ANP != nil:
		out, err = compileANP(p)
	case p.BANP != nil:
		out, err = compileBANP(p)
	default:
		return nil, errors.New("cluster policy of no known kind")
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", p.ID(), err)
	}
	return out, nil
}

// CompileAll compiles ps; the error is the first policy's (input order)
// that does not compile.
func CompileAll(ps []model.ClusterPolicy) ([]*Policy, error) {
	out := make([]*Policy, 0, len(ps))
	for i := range ps {
		c, err := Compile(&ps[i])
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

// checkPriority: "Priority is a value from 0 to 1000".
func checkPriority(p int32) error {
	if p < 0 || p > 1000 {
		return fmt.Errorf("spec.priority: %d is outside 0-1000", p)
	}
	return nil
}

// subject compiles a subject: "Exactly one field must be set."
func subject(ns *metav1.LabelSelector, pods *metav1.LabelSelector, podNS *metav1.LabelSelector) (Subject, error) {
	var s Subject
	var err error
	switch {
	case (ns == nil) == (pods == nil):
		return s, errors.New("spec.subject: exactly one of namespaces and pods must be set")
	case ns != nil:
		if s.Namespaces, err = metav1.LabelSelectorAsSelector(ns); err != nil {
			return s, fmt.Errorf("spec.subject.namespaces: %w", err)
		}
	default:
		np, err := namespacedPod(podNS, pods)
		if err != nil {
			return s, fmt.Errorf("spec.subject.pods: %w", err)
		}
		s.Pods = &np
	}
	return s, nil
}

// namespacedPod: "NamespaceSelector follows standard label selector
// semantics; if empty, it selects all Namespaces." "PodSelector ... if
// empty, it selects all Pods."
func namespacedPod(ns, pod *metav1.LabelSelector) (NamespacedPod, error) {
	var out NamespacedPod
	var err error
	if out.Namespace, err = metav1.LabelSelectorAsSelector(ns); err != nil {
		return out, fmt.Errorf("namespaceSelector: %w", err)
	}
	if out.Pod, err = metav1.LabelSelectorAsSelector(pod); err != nil {
		return out, fmt.Errorf("podSelector: %w", err)
	}
	return out, nil
}

// peerFields is the union of both versions' peer fields.
type peerFields struct {
	namespaces *metav1.LabelSelector
	podNS      *metav1.LabelSelector // set with pod
	pod        *metav1.LabelSelector
	nodes      *metav1.LabelSelector
	networks   []string
	domains    []string
}

// peer compiles one peer. "Exactly one of the fields must be set for a
// given peer ... If an implementation sees no fields are set then it can
// infer that the deployed CRD is of an incompatible version with an
// unknown field. In that case it should fail closed." An error makes the
// rule Invalid.
func peer(f peerFields) (Peer, error) {
	set := 0
	for _, b := range []bool{f.namespaces != nil, f.pod != nil, f.nodes != nil, len(f.networks) > 0, len(f.domains) > 0} {
		if b {
			set++
		}
	}
	if set != 1 {
		return Peer{}, fmt.Errorf("%d peer fields set, want exactly one", set)
	}
	var p Peer
	var err error
	switch {
	case f.namespaces != nil:
		p.Kind = PeerNamespaces
		p.Namespaces, err = metav1.LabelSelectorAsSelector(f.namespaces)
	case f.pod != nil:
		p.Kind = PeerPods
		p.Pods, err = namespacedPod(f.podNS, f.pod)
	case f.nodes != nil:
		// "This field follows standard label selector semantics; if
		// present but empty, it selects all Nodes."
		p.Kind = PeerNodes
		p.Nodes, err = metav1.LabelSelectorAsSelector(f.nodes)
	case len(f.networks) > 0:
		p.Kind = PeerNetworks
		p.Networks, err = networks(f.networks)
	default:
		p.Kind, p.Domains = PeerDomainNames, f.domains
	}
	return p, err
}

// networks: "Each item in Networks should be provided in the CIDR format
// and should be IPv4 or IPv6"; the CRD requires it masked.
func networks(cidrs []string) ([]netip.Prefix, error) {
	out := make([]netip.Prefix, 0, len(cidrs))
	for _, c := range cidrs {
		p, err := netip.ParsePrefix(c)
		if err != nil || p != p.Masked() {
			return nil, fmt.Errorf("networks: invalid CIDR %q", c)
		}
		out = append(out, p)
	}
	return out, nil
}

// finish completes a rule: the peers ("This field must be defined and
// contain at least one item") and DomainNames' restriction ("DomainNames
// is only supported for Accept rules").
func finish(r Rule, peers []peerFields) Rule {
	if len(peers) == 0 {
		r.Invalid = "no peers: the list must contain at least one item"
		return r
	}
	for i, f := range peers {
		p, err := peer(f)
		if err != nil {
			r.Invalid = fmt.Sprintf("peer %d: %v", i, err)
			return r
		}
		if p.Kind == PeerDomainNames && r.Action != Accept {
			r.Invalid = fmt.Sprintf("peer %d: domainNames is only supported for Accept rules", i)
			return r
		}
		r.Peers = append(r.Peers, p)
	}
	return r
}

// invalidPorts marks r Invalid when a port entry cannot be interpreted.
func invalidPorts(r Rule, i int, err error) Rule {
	if r.Invalid == "" {
		r.Invalid = fmt.Sprintf("ports[%d]: %v", i, err)
	}
	return r
}

// portRange checks a number or range: ports 1-65535; "the Start value must
// be less than End".
func portRange(proto model.Protocol, lo, hi int32, isRange bool) (Port, error) {
	if lo < 1 || hi > 65535 || (isRange && lo >= hi) {
		return Port{}, fmt.Errorf("invalid port range %d-%d", lo, hi)
	}
	return Port{Protocol: proto, Lo: int(lo), Hi: int(hi)}, nil
}
