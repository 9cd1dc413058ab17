package policy

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/policy/netpol"
)

// addPolicy stages and activates cp (see stagePolicy, activate).
func (st *state) addPolicy(cp *netpol.Policy) (*cpol, error) {
	p, err := st.stagePolicy(cp)
	if err != nil {
		return nil, err
	}
	st.activate(p)
	return p, nil
}

// stagePolicy interns cp's selectors and blocks (re-keying classes when
// they read labels or addresses no class key held) and gives it an id. A
// staged policy changes no answer until activate.
func (st *state) stagePolicy(cp *netpol.Policy) (*cpol, error) {
	p := &cpol{c: cp, ns: st.namespace(cp.Namespace)}
	var err error
	if p.podSel, err = st.podSelector(cp.PodSelector); err != nil {
		return nil, fmt.Errorf("spec.podSelector: %w", err)
	}
	for d := range cp.Rules {
		for r := range cp.Rules[d] {
			rl := &cp.Rules[d][r]
			cr := crule{id: st.rules, r: rl, static: st.pool.intern(rl.Static), named: -1}
			if rl.Named {
				cr.named = st.portList(rl)
			}
			st.rules++
			for i := range rl.Peers {
				pe, err := st.peer(&rl.Peers[i])
				if err != nil {
					return nil, fmt.Errorf("%s rule %d peer %d: %w", Direction(d+1), rl.Index, i, err)
				}
				cr.peers = append(cr.peers, pe)
			}
			p.rules[d] = append(p.rules[d], cr)
			p.named[d] = p.named[d] || rl.Named
		}
	}
	p.id = int32(len(st.pols))
	st.pols = append(st.pols, p)
	st.registerRules(p)
	return p, nil
}

// registerRules indexes the rules of p by id and by the pod selectors of
// their peers.
func (st *state) registerRules(p *cpol) {
	for d := range p.rules {
		for i := range p.rules[d] {
			r := &p.rules[d][i]
			for len(st.ruleRefs) < int(r.id) { // ids of a failed staging
				st.ruleRefs = append(st.ruleRefs, ruleRef{})
			}
			st.ruleRefs = append(st.ruleRefs, ruleRef{pol: p, r: r, dir: Direction(d + 1)})
			for _, pe := range r.peers {
				if pe.podSel >= 0 {
					for int(pe.podSel) >= len(st.podSelUsers) {
						st.podSelUsers = append(st.podSelUsers, nil)
					}
					st.podSelUsers[pe.podSel] = append(st.podSelUsers[pe.podSel], r.id)
				}
			}
		}
	}
}

// activate makes a staged policy count: its namespace lists it (classes
// evaluated from now on see it; see selectClass for existing ones).
func (st *state) activate(p *cpol) {
	st.polIndex[p.c.ID] = p.id
	ns := &st.nss[p.ns]
	ns.pols = append(ns.pols, p.id) // ids grow: stays ascending
}

// deactivate removes a policy for good.
func (st *state) deactivate(p *cpol) {
	if st.polIndex[p.c.ID] == p.id {
		delete(st.polIndex, p.c.ID)
	}
	ns := &st.nss[p.ns]
	ns.pols = slices.DeleteFunc(ns.pols, func(id int32) bool { return id == p.id })
	st.pols[p.id] = nil
}

func (st *state) peer(p *netpol.Peer) (cpeer, error) {
	out := cpeer{block: -1, nsSel: -1, podSel: -1}
	if p.Kind == netpol.PeerIPBlock {
		var fresh bool
		if out.block, fresh = st.blocks.intern(p); fresh && len(st.eps) > 0 {
			st.newBlock(out.block)
		}
		return out, nil
	}
	var err error
	if p.PodSelector != nil {
		if out.podSel, err = st.podSelector(p.PodSelector); err != nil {
			return out, err
		}
	}
	if p.NamespaceSelector != nil {
		out.nsSel, err = st.nsSelector(p.NamespaceSelector)
	}
	return out, err
}

// nsSelector interns a namespace selector, evaluated on every namespace.
func (st *state) nsSelector(ls *netpol.Selector) (int32, error) {
	if id, ok := st.nsSels.index[ls.Key]; ok {
		return id, nil
	}
	cs, err := st.sym.compileSelector(ls)
	if err != nil {
		return 0, err
	}
	return st.nsSels.intern(ls.Key, cs, len(st.nss), func(s *csel, i int32) bool {
		return s.matches(st.nss[i].labels)
	}), nil
}

// podSelector interns a pod selector; its keys become projected (classes
// are re-keyed when a key is new to them). A new selector is evaluated on
// every class (classes built later are evaluated when they are).
func (st *state) podSelector(ls *netpol.Selector) (int32, error) {
	if id, ok := st.podSels.index[ls.Key]; ok {
		return id, nil
	}
	cs, err := st.sym.compileSelector(ls)
	if err != nil {
		return 0, err
	}
	fresh := false
	reqs, _ := ls.Requirements()
	for _, r := range reqs {
		fresh = st.project(r.Key()) || fresh
	}
	if fresh && len(st.classes) > 0 {
		st.rekey(nil)
	}
	return st.podSels.intern(ls.Key, cs, len(st.classes), func(s *csel, c int32) bool {
		return st.classes[c].selectable && s.matches(st.classes[c].labels)
	}), nil
}

// projKey is a projected label key: its id and name.
type projKey struct {
	id   int32
	name string
}

// project makes label key name projected, reporting whether it was not.
func (st *state) project(name string) bool {
	k := st.sym.id(name)
	if st.projected.has(k) {
		return false
	}
	st.projected.set(k)
	i, _ := slices.BinarySearchFunc(st.projKeys, k, func(p projKey, k int32) int { return int(p.id - k) })
	st.projKeys = slices.Insert(st.projKeys, i, projKey{k, name})
	return true
}

// projectedLset appends to dst the projected labels of m, interned, sorted
// by key.
func (st *state) projectedLset(dst lset, m map[string]string) lset {
	for _, pk := range st.projKeys {
		if v, ok := m[pk.name]; ok {
			dst = append(dst, kv{pk.id, st.sym.id(v)})
		}
	}
	return dst
}
