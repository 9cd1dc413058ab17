package reach

import (
	"strconv"
	"sync"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// arrivals interns the port sets of a matrix under a mesh that rewrites
// ports (Analysis.Arrived): the engine's set of a pair is mapped to the
// application ports that really work, and the result gets an ID of its
// own (equal sets, equal IDs; 0 is the empty set). The engine's IDs are
// not reused: a rewritten set need not be one of its sets. Blocks scan on
// several goroutines, so the table is locked; each worker keeps a cache
// of its own in front of it (arrivalCache).
//
// What the mesh rewrites for a pair depends on the two pod specs only
// through their transport classes (transportKeyer): the rewrite of a
// pair of classes is computed once.
type arrivals struct {
	setTable
	memo map[arrivalKey]int32
	// cli and srv are, per endpoint, its transport class as a client and
	// as a server (-1: never rewritten); cliRep and srvRep an endpoint of
	// each class.
	cli, srv       []int32
	cliRep, srvRep []int
	pairs          map[[2]int32]transport // by (client, server) class, under mu
	rewrites       map[string]int32       // the rewritten sets, by Set.String: 1 + index
	// layers are the pairs' answers per layer (LayerAnswer) when the
	// matrix shows both layers, interned: ID 0 is none; nil otherwise.
	layers     []LayerAnswer
	layerIndex map[string]int32
}

// LayerAnswer is what each layer answers for a pair of a matrix that
// combines NetworkPolicy and the Linkerd layer (WithLayer(LayerBoth)),
// when the Linkerd layer takes a port away or flags one: the combined
// answer (Connection.Allowed) is NetPol less Refused.
type LayerAnswer struct {
	// NetPol is what NetworkPolicy (and the tiers around it) admits, as
	// the application ports that really work: the pair's answer under
	// WithLayer(LayerNetpol).
	NetPol ports.Set
	// Refused are the ports of NetPol the destination's Linkerd proxy
	// refuses the source; Audited those it lets through but flags in its
	// logs (audit); Unknown those whose Linkerd answer podreach cannot
	// know (listed as allowed: see Analysis.LinkerdUnknown).
	Refused, Audited, Unknown ports.Set
}

// transport is what the mesh rewrites between two transport classes: the
// TCP ports sent elsewhere (id 0: none) and the port they arrive on.
type transport struct {
	id   int32
	set  ports.Set
	wire int
}

// transportKeyer is implemented by profiles that say what of a pod spec
// their TransportPorts reads (linkerd.Install.TransportKeys): "" for a
// spec never rewritten.
type transportKeyer interface {
	TransportKeys(spec *model.PodSpec) (client, server string)
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
// the mesh rewrites for the pair (by transport.id) and whether the port
// they go to is admitted.
type arrivalKey struct {
	engine  int32
	rewrite int32
	wire    bool
	refused int32 // what the Linkerd layer refuses (authzSets), by ID
}

// newArrivals returns the table for a, nil when a's mesh rewrites nothing
// (no mesh, or a profile that cannot say which ports it rewrites): the
// matrix then gives the engine's IDs as they are. A profile that does not
// key its specs (transportKeyer) gets a class per endpoint.
func newArrivals(a *Analysis) *arrivals {
	if _, ok := a.opts.mesh.(transportSetter); !ok {
		return nil
	}
	t := &arrivals{memo: map[arrivalKey]int32{}, pairs: map[[2]int32]transport{}, rewrites: map[string]int32{}}
	t.init()
	if a.lkd != nil && a.opts.layer == LayerBoth {
		t.layers, t.layerIndex = []LayerAnswer{{}}, map[string]int32{}
	}
	keyer, _ := a.opts.mesh.(transportKeyer)
	n := len(a.specs)
	t.cli, t.srv = make([]int32, n), make([]int32, n)
	clis, srvs := map[string]int32{}, map[string]int32{}
	class := func(m map[string]int32, reps *[]int, key string, e int) int32 {
		id, ok := m[key]
		if !ok {
			id = int32(len(*reps))
			m[key], *reps = id, append(*reps, e)
		}
		return id
	}
	for e, spec := range a.specs {
		t.cli[e], t.srv[e] = -1, -1
		if spec == nil {
			continue
		}
		c, s := strconv.Itoa(e), strconv.Itoa(e) // no keys: a class per endpoint
		if keyer != nil {
			c, s = keyer.TransportKeys(spec)
		}
		if c != "" && s != "" {
			t.cli[e], t.srv[e] = class(clis, &t.cliRep, c, e), class(srvs, &t.srvRep, s, e)
		}
	}
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

// transport returns what the mesh rewrites from endpoint s to endpoint d;
// t.mu is held.
func (t *arrivals) transport(a *Analysis, s, d int) transport {
	k := [2]int32{t.cli[s], t.srv[d]}
	if k[0] < 0 || k[1] < 0 {
		return transport{}
	}
	tr, ok := t.pairs[k]
	if !ok {
		src, dst := a.specs[t.cliRep[k[0]]], a.specs[t.srvRep[k[1]]]
		tr.set = a.opts.mesh.(transportSetter).TransportPorts(src, dst)
		if rs := tr.set.Ranges(model.TCP); len(rs) > 0 {
			wire, _ := a.opts.mesh.TransportPort(src, dst, int32(rs[0].Lo), model.TCP)
			key := tr.set.String()
			if tr.id = t.rewrites[key]; tr.id == 0 {
				tr.id = int32(len(t.rewrites) + 1)
				t.rewrites[key] = tr.id
			}
			tr.wire = int(wire)
		}
		t.pairs[k] = tr
	}
	return tr
}

// resolve maps set (engine ID id), the ports NetworkPolicy admits from
// endpoint s to endpoint d, to the ID of the application ports that
// really work; note says that a port of them has an unknown Linkerd
// answer (see authzSets.noteUnknown); layer is the ID of the pair's
// LayerAnswer (0: none).
func (t *arrivals) resolve(a *Analysis, s, d int, set ports.Set, id int32) (out int32, note bool, layer int32) {
	k := arrivalKey{engine: id}
	var lk authzAnswer
	if a.lkd != nil {
		lk = a.lkd.refusedTo(a, s, d)
		k.refused = lk.id
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := t.transport(a, s, d)
	k.rewrite = tr.id
	k.wire = tr.id != 0 && set.Contains(model.TCP, tr.wire)
	out, ok := t.memo[k]
	if !ok {
		mapped := set
		if tr.id != 0 {
			mapped = arrive(set, tr.set, tr.wire)
		}
		if k.refused != 0 {
			mapped = mapped.Subtract(lk.refused)
		}
		out = t.intern(mapped)
		t.memo[k] = out
	}
	usable := t.sets[out]
	if t.layers != nil && (!lk.refused.IsEmpty() || !lk.audited.IsEmpty() || !lk.unknown.IsEmpty()) {
		netpol := set
		if tr.id != 0 {
			netpol = arrive(set, tr.set, tr.wire)
		}
		layer = t.internLayer(LayerAnswer{NetPol: netpol, Refused: netpol.Intersect(lk.refused),
			Audited: usable.Intersect(lk.audited), Unknown: usable.Intersect(lk.unknown)})
	}
	return out, !lk.unknown.IsEmpty() && !usable.Intersect(lk.unknown).IsEmpty(), layer
}

// internLayer returns the ID of la, 0 when the Linkerd layer neither
// refuses nor flags a port of it; t.mu is held.
func (t *arrivals) internLayer(la LayerAnswer) int32 {
	if la.Refused.IsEmpty() && la.Audited.IsEmpty() && la.Unknown.IsEmpty() {
		return 0
	}
	k := la.NetPol.String() + "|" + la.Refused.String() + "|" + la.Audited.String() + "|" + la.Unknown.String()
	id, ok := t.layerIndex[k]
	if !ok {
		id = int32(len(t.layers))
		t.layers = append(t.layers, la)
		t.layerIndex[k] = id
	}
	return id
}

// narrowLayer returns the ID of layer answer id on the ports of only;
// t.mu is not held.
func (t *arrivals) narrowLayer(id int32, only ports.Set) int32 {
	if id == 0 {
		return 0
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	la := t.layers[id]
	return t.internLayer(LayerAnswer{NetPol: la.NetPol.Intersect(only), Refused: la.Refused.Intersect(only),
		Audited: la.Audited.Intersect(only), Unknown: la.Unknown.Intersect(only)})
}

// LayerAnswer returns the answer per layer of an ID Run.Layers gave.
func (a *Analysis) LayerAnswer(id int32) LayerAnswer {
	if a.arr == nil || id == 0 {
		return LayerAnswer{}
	}
	a.arr.mu.Lock()
	defer a.arr.mu.Unlock()
	return a.arr.layers[id]
}

// at maps set (engine ID id), the ports NetworkPolicy admits from endpoint
// s to endpoint d, to the application ports that really work and their ID.
// layer is the ID of the pair's LayerAnswer (0: none).
func (t *arrivals) at(a *Analysis, s, d int, set ports.Set, id int32) (usable ports.Set, usableID, layer int32) {
	out, note, layer := t.resolve(a, s, d, set, id)
	if note {
		a.lkd.countUnknown(a, s, d)
	}
	return t.set(out), out, layer
}

// arrivalBits sizes a worker's cache of mapped IDs.
const arrivalBits = 12

// arrivalCache is a worker's cache in front of arrivals.resolve for the
// rows of one source class at a time: the answer for a destination
// depends on the engine's ID, the destination's transport class and its
// Linkerd shape class, given the source's transport and Linkerd client
// classes (src; gen counts its changes, so that entries of another
// source class never match).
type arrivalCache struct {
	src  [2]int32
	gen  uint32
	ents [1 << arrivalBits]arrivalEntry
}

type arrivalEntry struct {
	gen               uint32
	engine, srv, ldst int32
	out, layer        int32
	note              bool
}

// row maps ids, the engine's IDs of the row of endpoint s toward dsts
// (0: nothing), to the IDs of the application ports that really work, in
// place; sc is the scanner that gave them. layers (nil when the matrix
// has no LayerAnswers) gets each pair's LayerAnswer ID.
func (t *arrivals) row(a *Analysis, c *arrivalCache, s int, dsts []int, ids, layers []int32, sc *policy.Scanner) {
	src := [2]int32{t.cli[s], -1}
	if a.lkd != nil {
		src[1] = a.lkd.src[s]
	}
	if c.gen == 0 || src != c.src {
		c.src, c.gen = src, c.gen+1
	}
	for j, id := range ids {
		if layers != nil {
			layers[j] = 0
		}
		if id == 0 {
			continue
		}
		d := dsts[j]
		srv, ldst := t.srv[d], int32(-1)
		if a.lkd != nil {
			ldst = a.lkd.dst[d]
		}
		h := (uint64(uint32(id))*0x9e3779b97f4a7c15 ^ uint64(uint32(srv))*0xc2b2ae3d27d4eb4f ^ uint64(uint32(ldst))*0x165667b19e3779f9) >> (64 - arrivalBits)
		e := &c.ents[h]
		if e.gen != c.gen || e.engine != id || e.srv != srv || e.ldst != ldst {
			out, note, layer := t.resolve(a, s, d, sc.Set(id), id)
			*e = arrivalEntry{gen: c.gen, engine: id, srv: srv, ldst: ldst, out: out, layer: layer, note: note}
		}
		if e.note {
			a.lkd.countUnknown(a, s, d)
		}
		ids[j] = e.out
		if layers != nil {
			layers[j] = e.layer
		}
	}
}
