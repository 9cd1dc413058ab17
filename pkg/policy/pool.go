package policy

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// portID names an interned port set: equal sets share one id and one
// storage, so the matrix holds ids and answers share their ranges.
type portID = int32

const (
	emptyID portID = 0
	allID   portID = 1
)

// pool interns port sets and memoizes unions and intersections of ids.
type pool struct {
	sets  []ports.Set
	index map[string]portID
	union map[uint64]portID
	inter map[uint64]portID
	key   []byte
	// fast are direct-mapped caches in front of union and inter: a
	// matrix asks the same few pairs again and again.
	fast [2][fastSize]fastEntry
}

const fastSize = 1 << 12

type fastEntry struct {
	k uint64
	v portID
}

func fastSlot(k uint64) uint64 { return (k * 0x9e3779b97f4a7c15) >> 52 }

func newPool() *pool {
	p := &pool{index: map[string]portID{}, union: map[uint64]portID{}, inter: map[uint64]portID{}}
	p.intern(ports.Set{})
	p.intern(ports.All())
	return p
}

func (p *pool) set(id portID) ports.Set { return p.sets[id] }

// intern returns the id of s, storing s on first sight.
func (p *pool) intern(s ports.Set) portID {
	k := p.key[:0]
	for _, proto := range model.Protocols {
		rs := s.Ranges(proto)
		k = append(k, byte(len(rs)>>8), byte(len(rs)))
		for _, r := range rs {
			k = append(k, byte(r.Lo>>8), byte(r.Lo), byte(r.Hi>>8), byte(r.Hi))
		}
	}
	p.key = k
	if id, ok := p.index[string(k)]; ok {
		return id
	}
	id := portID(len(p.sets))
	p.sets = append(p.sets, s)
	p.index[string(k)] = id
	return id
}

func pairKey(a, b portID) uint64 {
	if a > b {
		a, b = b, a
	}
	return uint64(a)<<32 | uint64(uint32(b))
}

// trivialUnion returns a ∪ b when no set has to be read: equal ids, or
// one of them empty or all.
func trivialUnion(a, b portID) (portID, bool) {
	switch {
	case a == b || b == emptyID || a == allID:
		return a, true
	case a == emptyID || b == allID:
		return b, true
	}
	return 0, false
}

// trivialInter is trivialUnion for a ∩ b.
func trivialInter(a, b portID) (portID, bool) {
	switch {
	case a == b || b == allID || a == emptyID:
		return a, true
	case b == emptyID || a == allID:
		return b, true
	}
	return 0, false
}

// unionOf returns the id of a ∪ b.
func (p *pool) unionOf(a, b portID) portID {
	if id, ok := trivialUnion(a, b); ok {
		return id
	}
	k := pairKey(a, b)
	f := &p.fast[0][fastSlot(k)]
	if f.k == k {
		return f.v
	}
	id, ok := p.union[k]
	if !ok {
		id = p.intern(p.sets[a].Union(p.sets[b]))
		p.union[k] = id
	}
	*f = fastEntry{k, id}
	return id
}

// interOf returns the id of a ∩ b.
func (p *pool) interOf(a, b portID) portID {
	if id, ok := trivialInter(a, b); ok {
		return id
	}
	k := pairKey(a, b)
	f := &p.fast[1][fastSlot(k)]
	if f.k == k {
		return f.v
	}
	id, ok := p.inter[k]
	if !ok {
		id = p.intern(p.sets[a].Intersect(p.sets[b]))
		p.inter[k] = id
	}
	*f = fastEntry{k, id}
	return id
}
