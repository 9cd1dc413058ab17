package reach

import (
	"sync"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
)

// arrivals interns the port sets of a matrix under a mesh that rewrites
// ports (Analysis.Arrived): the engine's set of a pair is mapped to the
// application ports that really work, and the result gets an ID of its
// own (equal sets, equal IDs; 0 is the empty set). The engine's IDs are
// not reused: a rewritten set need not be one of its sets. Blocks scan on
// several goroutines, so the table is locked.
type arrivals struct {
	setTable
	memo map[arrivalKey]int32
}

// setTable interns port sets: equal sets, equal IDs; 0 is the empty set.
// Its users lock mu around intern (they look up their memo under it too).
type setTable struct {
	mu    sync.Mutex
	sets  []ports.Set
	index map[string]int32 // by Set.String
}

// init makes t empty but for the empty set, ID 0.
func (t *setTable) init() {
	t.sets, t.index = nil, map[string]int32{}
	t.intern(ports.Set{})
}

// arrivalKey is what a mapped set depends on: the engine's set, the ports
// the mesh rewrites for the pair and whether the port they go to is
// admitted.
type arrivalKey struct {
	engine  int32
	rewrite string
	wire    bool
	refused int32 // what the Linkerd layer refuses (authzSets), by ID
}

// newArrivals returns the table for a, nil when a's mesh rewrites nothing
// (no mesh, or a profile that cannot say which ports it rewrites): the
// matrix then gives the engine's IDs as they are.
func newArrivals(a *Analysis) *arrivals {
	if _, ok := a.opts.mesh.(transportSetter); !ok {
		return nil
	}
	t := &arrivals{memo: map[arrivalKey]int32{}}
	t.init()
	return t
}

func (t *setTable) intern(s ports.Set) int32 {
	k := s.String()
	if s.IsEmpty() {
		k = ""
	}
	if id, ok := t.index[k]; ok {
		return id
	}
	id := int32(len(t.sets))
	t.sets = append(t.sets, s)
	t.index[k] = id
	return id
}

// set returns the ports of an ID the table gave.
func (t *setTable) set(id int32) ports.Set {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.sets[id]
}

// at maps set (engine ID id), the ports NetworkPolicy admits from endpoint
// s to endpoint d, to the application ports that really work and their ID.
func (t *arrivals) at(a *Analysis, s, d int, set ports.Set, id int32) (usable ports.Set, usableID int32) {
	k := arrivalKey{engine: id}
	var lk authzAnswer
	if a.lkd != nil {
		if lk = a.lkd.refusedTo(a, s, d); !lk.unknown.IsEmpty() {
			defer func() { a.lkd.noteUnknown(a, s, d, usable, lk.unknown) }()
		}
		k.refused = lk.id
	}
	if a.specs[s] != nil && a.specs[d] != nil {
		r := a.opts.mesh.(transportSetter).TransportPorts(a.specs[s], a.specs[d])
		if rs := r.Ranges(model.TCP); len(rs) > 0 {
			wire, _ := a.opts.mesh.TransportPort(a.specs[s], a.specs[d], int32(rs[0].Lo), model.TCP)
			k.rewrite, k.wire = r.String(), set.Contains(model.TCP, int(wire))
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if out, ok := t.memo[k]; ok {
		return t.sets[out], out
	}
	mapped := set
	if k.rewrite != "" {
		mapped = a.Arrived(s, d, set)
	}
	if k.refused != 0 {
		mapped = mapped.Subtract(lk.refused)
	}
	out := t.intern(mapped)
	t.memo[k] = out
	return mapped, out
}
