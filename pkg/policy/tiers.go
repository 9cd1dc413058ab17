package policy

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// tierState is the cluster policy tiers (package tier, which holds their
// meaning) compiled for the class engine; a state without cluster
// policies has none, and then nothing here costs anything.
//
// What the tiers read of an endpoint is in its class key: namespace
// selectors read the namespace (in the key), pod selectors the projected
// labels (their keys are projected), named ports the port signature, and
// nodes and networks peers the addresses: the address atoms an endpoint
// matches, per family, are appended to its key (endpointKey). So every
// member of a class meets every tier rule alike, and a direction's tiers
// reduce to one lookup per pair: the policies whose subject selects the
// pod (its tier profile) against what the other end matches (its tier
// key), an entry computed once per (profile, key).
type tierState struct {
	pols  []*tier.Policy // in tier.Sort order
	nodes []model.Node
	subj  []tsubject // per policy
	atoms []tatom    // distinct peers
	// addr are the atoms matched by address (nodes, networks).
	addr []int32
	// ruleAtoms are the atoms of each rule's peers: [policy][side][rule].
	ruleAtoms   [][2][][]int32
	undecidable bool // some rule matches by domainNames

	stale bool       // classes changed since the per-class data was computed
	prof  [2][]int32 // per side and class: tier profile; -1 when no policy selects it
	// key and keyS are per family slot and class: the tier key, without
	// and with the class's named ports (read by profiles whose egress
	// rules name ports: they resolve on the destination).
	key, keyS [3][]int32
	profs     []tprof
	keys      []tkey
	index     map[string]int32 // profiles and keys, by content
	// ents are per profile, by key: an index into decided (-1: not yet).
	// Keys that match the profile's rules alike share one.
	ents    [][]int32
	decided []tentry
	dedup   map[string]int32 // profile and rule matches -> index into decided
}

// tsubject is a policy's subject: namespace selector and pod selector
// (-1: every pod of the namespaces).
type tsubject struct{ ns, pod int32 }

// tatom is one distinct peer: by namespace (and pod) selector, or (addr)
// by address, or by domain name.
type tatom struct {
	peer    *tier.Peer
	ns, pod int32
	addr    bool
}

// tprof is the rules of the policies selecting a class in one direction,
// Admin tier then Baseline tier, in evaluation order; sig is the class's
// named ports for ingress (named ports resolve on the destination).
type tprof struct {
	side   int
	sig    int32
	dstSig bool // egress rules name ports: entries read the peer's (keyS)
	rules  [2][]tref
}

type tref struct {
	ref   tier.Ref
	atoms []int32
}

// tkey is what the tiers see of the other end of a connection: how it
// matches every atom (on one family), and its named ports.
type tkey struct {
	match []tier.Match
	sig   int32
}

// newTierState compiles the cluster's tier policies and interns their
// selectors in st (projecting their label keys). It runs before the
// endpoints are classified.
func (st *state) newTierState(c *model.Cluster) error {
	if len(c.ClusterPolicies) == 0 {
		return nil
	}
	pols, err := tier.CompileAll(c.ClusterPolicies)
	if err != nil {
		return err
	}
	tier.Sort(pols)
	t := &tierState{pols: pols, nodes: c.Nodes, stale: true, index: map[string]int32{}, dedup: map[string]int32{}}
	st.tiers = t
	atomIndex := map[string]int32{}
	for _, p := range pols {
		sub, err := st.tierSubject(&p.Subject)
		if err != nil {
			return fmt.Errorf("%s: spec.subject: %w", p.ID, err)
		}
		t.subj = append(t.subj, sub)
		var ra [2][][]int32
		for side := range p.Rules {
			for i := range p.Rules[side] {
				ids, err := st.tierRuleAtoms(&p.Rules[side][i], atomIndex)
				if err != nil {
					return fmt.Errorf("%s: rule %d: %w", p.ID, p.Rules[side][i].Index, err)
				}
				ra[side] = append(ra[side], ids)
			}
		}
		t.ruleAtoms = append(t.ruleAtoms, ra)
	}
	return nil
}

// tierSubject interns a subject's selectors: "Namespaces is used to select
// pods via namespace selectors"; "Pods is used to select pods via
// namespace AND pod selectors".
func (st *state) tierSubject(s *tier.Subject) (tsubject, error) {
	if s.Namespaces != nil {
		ns, err := st.nsSelector(&netpol.Selector{Selector: s.Namespaces, Key: s.Namespaces.String()})
		return tsubject{ns: ns, pod: -1}, err
	}
	return st.tierPods(s.Pods.Namespace, s.Pods.Pod)
}

func (st *state) tierPods(ns, pod labels.Selector) (tsubject, error) {
	n, err := st.nsSelector(&netpol.Selector{Selector: ns, Key: ns.String()})
	if err != nil {
		return tsubject{}, err
	}
	p, err := st.podSelector(&netpol.Selector{Selector: pod, Key: pod.String()})
	return tsubject{ns: n, pod: p}, err
}

// tierRuleAtoms interns the peers of a rule (none for an Invalid rule,
// which fails closed without reading them).
func (st *state) tierRuleAtoms(r *tier.Rule, index map[string]int32) ([]int32, error) {
	t := st.tiers
	if r.Invalid != "" {
		return nil, nil
	}
	out := make([]int32, 0, len(r.Peers))
	for i := range r.Peers {
		pe := &r.Peers[i]
		a := tatom{peer: pe, ns: -1, pod: -1}
		var k string
		switch pe.Kind {
		case tier.PeerNamespaces:
			s, err := st.tierSubject(&tier.Subject{Namespaces: pe.Namespaces})
			if err != nil {
				return nil, err
			}
			a.ns, k = s.ns, fmt.Sprint("n", s.ns)
		case tier.PeerPods:
			s, err := st.tierPods(pe.Pods.Namespace, pe.Pods.Pod)
			if err != nil {
				return nil, err
			}
			a.ns, a.pod, k = s.ns, s.pod, fmt.Sprint("p", s.ns, "/", s.pod)
		case tier.PeerDomainNames:
			t.undecidable, k = true, "d"
		default: // nodes, networks
			a.addr, k = true, fmt.Sprintf("a%d%v%v", pe.Kind, pe.Nodes, pe.Networks)
		}
		id, ok := index[k]
		if !ok {
			id = int32(len(t.atoms))
			index[k] = id
			t.atoms = append(t.atoms, a)
			if a.addr {
				t.addr = append(t.addr, id)
			}
		}
		out = append(out, id)
	}
	return out, nil
}

// addrKey appends to b which address atoms endpoint ep matches, on each
// family slot (0: all its addresses, 4, 6): part of its class key.
func (t *tierState) addrKey(b []byte, ep *Endpoint) []byte {
	if len(t.addr) == 0 {
		return b
	}
	for _, f := range [3]ipFamily{0, 4, 6} {
		v := ep.only(f)
		te := tierAddrEndpoint(&v)
		var bits byte
		for i, a := range t.addr {
			if t.atoms[a].peer.Matches(te, t.nodes) == tier.Yes {
				bits |= 1 << (i % 8)
			}
			if i%8 == 7 || i == len(t.addr)-1 {
				b, bits = append(b, bits), 0
			}
		}
	}
	return b
}

// addrBytes is the length of addrKey's part of a class key (its end).
func (t *tierState) addrBytes() int { return 3 * ((len(t.addr) + 7) / 8) }

// tierAddrEndpoint is what nodes and networks peers read of ep.
func tierAddrEndpoint(ep *Endpoint) *tier.Endpoint {
	return &tier.Endpoint{Pod: ep.selectable(), IPs: ep.IPs, Prefix: ep.Prefix}
}
