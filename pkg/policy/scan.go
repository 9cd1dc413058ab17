package policy

import (
	"github.com/podreach/podreach/pkg/ports"
)

// Scanner computes the allowed matrix one row at a time: Allowed(src, dst)
// for one source and every destination of a fixed set. A row costs about
// one step per destination class, plus the rules whose peers match the
// source (found through an index, not by testing every rule), so a whole
// matrix costs about classes² cheap steps however many endpoints there
// are; a row is reused while consecutive sources share a class. A Scanner
// is for one goroutine; several may scan one Engine.
type Scanner struct {
	e    *Engine
	x    *scanIndex
	dcls []int32 // destination classes, each once
	src  int
	cls  int32
	row  []portID // by destination class: one of rows
	sets []ports.Set
	// rows caches the last rows computed (sources of one class are
	// usually near each other in a matrix's order).
	rows    [rowCache][]portID
	rowCls  [rowCache]int32
	rowNext int

	// Ingress side of the current row, by ingress profile (and, last, one
	// slot for "not isolated"), per family index (0, 4, 6).
	in      [3][]portID
	gen     uint32
	hit     []uint8  // per rule: families it matched the source on
	hitGen  []uint32 // per rule: gen when hit is valid
	hits    []int32  // rules hit in this row
	inSplit bool     // the row's ingress side differs by family (else index 0 holds it)
	// Egress side, by destination class, per family, for profile eprof.
	out      [3][]portID
	eprof    int32
	erel     uint8 // the families relevant to the source eprof was computed for
	outSplit bool  // the egress side differs by family (else index 0 holds it)

	// This scanner's memo in front of the engine's pool, so that rows
	// are computed without holding the engine's lock (which a miss
	// takes): several scanners fill rows in parallel.
	fast  [2][fastSize]fastEntry
	named [][]portID // per rule id: ports by destination signature (-1: not yet)
	tc    scanTiers  // the tier tables read (tiers_scan.go)
}

// NewScanner returns a scanner of the rows toward dsts (endpoint indexes).
func (e *Engine) NewScanner(dsts []int) *Scanner {
	e.mu.Lock()
	x := e.scanIndex()
	e.st.tierRefresh()
	e.mu.Unlock()
	nc, np, nr := len(e.st.classes), len(e.st.profiles.profs), int(e.st.rules)
	s := &Scanner{e: e, x: x, src: -1, cls: -1, eprof: -2,
		hit: make([]uint8, nr), hitGen: make([]uint32, nr), named: make([][]portID, nr)}
	for i := range s.rows {
		s.rowCls[i] = -1
	}
	for f := range 3 {
		s.in[f], s.out[f] = make([]portID, np+1), make([]portID, nc)
	}
	seen := newBitset(nc)
	for _, d := range dsts {
		if c := e.st.classOf[d]; !seen.has(c) {
			seen.set(c)
			s.dcls = append(s.dcls, c)
		}
	}
	return s
}

// Row makes src the current source.
func (s *Scanner) Row(src int) {
	s.src = src
	cls := s.e.st.classOf[src]
	if cls == s.cls {
		return
	}
	s.cls = cls
	for i, c := range s.rowCls {
		if c == cls {
			s.row = s.rows[i]
			return
		}
	}
	i := s.rowNext
	s.rowNext = (s.rowNext + 1) % rowCache
	if s.rows[i] == nil {
		s.rows[i] = make([]portID, len(s.e.st.classes))
	}
	s.row, s.rowCls[i] = s.rows[i], cls
	s.fill()
	s.e.mu.Lock()
	s.sets = s.e.st.pool.sets // entries below len are never written again
	s.e.mu.Unlock()
}

// union is the pool's unionOf through the scanner's memo.
func (s *Scanner) union(a, b portID) portID {
	if id, ok := trivialUnion(a, b); ok {
		return id
	}
	return s.memo(0, a, b)
}

// inter is the pool's interOf through the scanner's memo.
func (s *Scanner) inter(a, b portID) portID {
	if id, ok := trivialInter(a, b); ok {
		return id
	}
	return s.memo(1, a, b)
}

// memo answers union (op 0) or intersection (op 1) of two ids that are
// none of the trivial cases, asking the pool, locked, on a miss.
func (s *Scanner) memo(op int, a, b portID) portID {
	k := pairKey(a, b)
	f := &s.fast[op][fastSlot(k)]
	if f.k == k {
		return f.v
	}
	s.e.mu.Lock()
	var id portID
	if op == 0 {
		id = s.e.st.pool.unionOf(a, b)
	} else {
		id = s.e.st.pool.interOf(a, b)
	}
	s.e.mu.Unlock()
	*f = fastEntry{k, id}
	return id
}

// rowCache is the number of rows a Scanner keeps.
const rowCache = 8

// Allowed returns Allowed(src, dst) for the current source; dst must be
// one of the destinations the scanner was made for.
func (s *Scanner) Allowed(dst int) ports.Set {
	if dst == s.src && s.e.eps[dst].Single {
		return ports.All()
	}
	return s.sets[s.row[s.e.st.classOf[dst]]]
}

// At returns Allowed(dst) and the set's id among the engine's answers:
// equal ids are equal sets (the engine interns them), 0 is the empty set.
func (s *Scanner) At(dst int) (ports.Set, int) {
	id := s.row[s.e.st.classOf[dst]]
	if dst == s.src && s.e.eps[dst].Single {
		id = allID
	}
	return s.sets[id], int(id)
}

// IDs sets out[j] to the set id (see At) of the current source's class
// toward dsts[j], for every j; out must be as long as dsts. An entry for
// the source itself is its class's answer, not the "all" of At.
func (s *Scanner) IDs(dsts []int, out []int32) {
	row, classOf := s.row, s.e.st.classOf
	for j, d := range dsts {
		out[j] = row[classOf[d]]
	}
}

// PortSet returns the set of an id a Scanner of e gave (At, IDs).
func (e *Engine) PortSet(id int32) ports.Set {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.st.pool.sets[id]
}

// Set returns the set of an id At or IDs gave.
func (s *Scanner) Set(id int32) ports.Set { return s.sets[id] }

// Empty reports whether Allowed(dst) is empty, without building the set.
func (s *Scanner) Empty(dst int) bool {
	return s.row[s.e.st.classOf[dst]] == emptyID && (dst != s.src || !s.e.eps[dst].Single)
}

// fill computes the row of class s.cls; only pool misses lock the engine.
func (s *Scanner) fill() {
	x := s.x
	s.gen++
	s.ingressRow()
	s.egressRow()
	if s.e.st.tiers != nil {
		s.fillTiers()
		return
	}
	if s.inSplit || (s.eprof >= 0 && s.outSplit) {
		s.fillFamilies()
		return
	}
	in, out, prof := s.in[0], s.out[0], x.inProf
	egress := s.eprof >= 0
	for _, d := range s.dcls {
		v := in[prof[d]]
		if e := out[d]; egress && v != e && v != emptyID && e != allID {
			v = s.inter(v, e)
		}
		s.row[d] = v
	}
}

// fillFamilies is fill when some ipBlock makes families differ: a pair is
// evaluated on every family both ends have addresses of.
func (s *Scanner) fillFamilies() {
	x := s.x
	sf := x.fams[s.cls]
	for _, d := range s.dcls {
		shared := sf & x.fams[d]
		var out portID
		switch shared {
		case 0:
			out = s.pair(d, 0)
		case 1:
			out = s.pair(d, 1)
		case 2:
			out = s.pair(d, 2)
		default:
			if out = s.pair(d, 1); out != emptyID {
				out = s.inter(out, s.pair(d, 2))
			}
		}
		s.row[d] = out
	}
}

// pair is the current source's allowed ports toward class d on the family
// of index fi (0, 4, 6 -> 0, 1, 2).
func (s *Scanner) pair(d int32, fi int) portID {
	in := s.in[s.famIndex(s.inSplit, fi)][s.x.inProf[d]]
	if in == emptyID || s.eprof < 0 {
		return in
	}
	return s.inter(in, s.out[s.famIndex(s.outSplit, fi)][d])
}

// famIndex is fi, or 0 when the side does not differ by family.
func (s *Scanner) famIndex(split bool, fi int) int {
	if split {
		return fi
	}
	return 0
}
