package policy

import (
	"fmt"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/ports"
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
// reduce to lookups per pair: the policies whose subject selects the pod
// (its tier profile) against what the other end matches (its tier key)
// give the rules that match, in order (computed once per (profile, key),
// and shared by every pair meeting the same rules); those rules and the
// destination's named ports (only when a matched rule names a port) give
// the entry. Named ports are kept out of profiles and keys: with them,
// every signature would multiply both.
type tierState struct {
	pols  []*tier.Policy // in tier.Sort order
	nodes []model.Node
	subj  []tsubject // per policy
	atoms []tatom    // distinct peers
	// addr are the atoms matched by address (nodes, networks).
	addr []int32
	// rules are every rule, numbered in policy order then written
	// order; ruleIDs[policy][side] is the id of the policy's first rule
	// of the side.
	rules   []trule
	ruleIDs [][2]int32
	// undecidable: some rule matches by domainNames, or some endpoint
	// matches an address atom partly (Engine.Undecided may be non-empty).
	undecidable bool

	stale bool       // classes changed since the per-class data was computed
	prof  [2][]int32 // per side and class: tier profile; -1 when no policy selects it
	key   [3][]int32 // per family slot and class: the tier key
	profs []tprof
	keys  []tkey
	index map[string]int32 // profiles and keys, by content
	// ents are per profile, by key: the matched rules (an index into
	// matched; -1: not yet). Profiles and keys meeting the same rules
	// alike share one, whatever else they select or match.
	ents    [][]int32
	matched []tmatched
	dedup   map[string]int32 // matched rules -> index into matched
	decided []tentry
	sets    []*tier.Sets // by decided, once Undecided reads them (tierSets)
	// names are the port names tier rules name; tsigOf is by signature
	// its tier signature (tierSig), tsigPorts by tier signature its
	// named ports.
	names     map[string]bool
	tsigOf    []int32
	tsigPorts [][]model.ContainerPort
	buf       []byte            // scratch of tierKey, tierMatched, tierSig
	ap        [2][]tier.Applied // scratch of tierDecided
}

// trule is one rule of a cluster policy with what the engine needs of it
// ready: its peers' atoms, whether it names ports (then its ports depend
// on the destination), its ports otherwise, and the match an Invalid
// rule has whatever the peer (it fails closed).
type trule struct {
	ref     tier.Ref
	tier    int // 0 Admin, 1 Baseline
	atoms   []int32
	named   bool
	static  ports.Set
	invalid tier.Match
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
// Admin tier then Baseline tier, in evaluation order (ids into rules).
// Named ports resolve on the destination: entries read its signature,
// not the profile (a profile is shared by classes of every signature).
type tprof struct {
	side  int
	rules []int32
}

// tkey is what the tiers see of the other end of a connection: how it
// matches every atom (on one family).
type tkey struct {
	match []tier.Match
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
	t := &tierState{pols: pols, nodes: c.Nodes, stale: true, index: map[string]int32{}, dedup: map[string]int32{},
		names: map[string]bool{}}
	st.tiers = t
	atomIndex := map[string]int32{}
	for _, p := range pols {
		sub, err := st.tierSubject(&p.Subject)
		if err != nil {
			return fmt.Errorf("%s: spec.subject: %w", p.ID, err)
		}
		t.subj = append(t.subj, sub)
		var first [2]int32
		for side := range p.Rules {
			first[side] = int32(len(t.rules))
			for i := range p.Rules[side] {
				r := &p.Rules[side][i]
				ids, err := st.tierRuleAtoms(r, atomIndex)
				if err != nil {
					return fmt.Errorf("%s: rule %d: %w", p.ID, r.Index, err)
				}
				t.rules = append(t.rules, newTrule(p, r, ids))
				for _, pt := range r.Ports {
					if pt.Name != "" {
						t.names[pt.Name] = true
					}
				}
			}
		}
		t.ruleIDs = append(t.ruleIDs, first)
	}
	return nil
}

// newTrule prepares rule r of policy p, whose peers are atoms.
func newTrule(p *tier.Policy, r *tier.Rule, atoms []int32) trule {
	tr := trule{ref: tier.Ref{P: p, R: r}, atoms: atoms, named: namesPorts(r)}
	if p.Tier == tier.Baseline {
		tr.tier = 1
	}
	if r.Invalid != "" {
		tr.named, tr.invalid = false, tier.ApplyMatch(tr.ref, tier.No, nil).Match
	}
	if !tr.named {
		tr.static = r.PortSet(nil)
	}
	return tr
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

// addrKey appends to b how endpoint ep matches every address atom, on
// each family slot (0: all its addresses, 4, 6): part of its class key.
// Two bits per atom: matched, and partly (some of ep's addresses only:
// tier.Maybe). A partial match makes the tiers' answer for some ports
// "cannot know" (undecidable).
func (t *tierState) addrKey(b []byte, ep *Endpoint) []byte {
	if len(t.addr) == 0 {
		return b
	}
	for _, f := range [3]ipFamily{0, 4, 6} {
		v := ep.only(f)
		te := tierAddrEndpoint(&v)
		var bits byte
		for i, a := range t.addr {
			switch t.atoms[a].peer.Matches(te, t.nodes) {
			case tier.Yes:
				bits |= 1 << (2 * i % 8)
			case tier.Maybe:
				bits |= 2 << (2 * i % 8)
				t.undecidable = true
			}
			if i%4 == 3 || i == len(t.addr)-1 {
				b, bits = append(b, bits), 0
			}
		}
	}
	return b
}

// addrMatch reads atom i's match from one family slot of addrKey's bytes.
func addrMatch(slot string, i int) tier.Match {
	switch (slot[i/4] >> (2 * i % 8)) & 3 {
	case 1:
		return tier.Yes
	case 2:
		return tier.Maybe
	}
	return tier.No
}

// addrBytes is the length of addrKey's part of a class key (its end).
func (t *tierState) addrBytes() int { return 3 * ((len(t.addr) + 3) / 4) }

// tierAddrEndpoint is what nodes and networks peers read of ep.
func tierAddrEndpoint(ep *Endpoint) *tier.Endpoint {
	return &tier.Endpoint{Pod: ep.selectable(), IPs: ep.IPs, Prefix: ep.Prefix}
}
