package reach

import (
	"runtime"
	"slices"
	"sync"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// Block is a run of consecutive matrix sources, scanned on one goroutine.
type Block struct {
	a      *Analysis
	v      *view             // a's shown view
	scs    []*policy.Scanner // per destination list of v
	lo, hi int               // sources: v.rows[lo:hi]
	buf    *rowBuf           // the worker's, for Runs
}

// rowBuf is what Runs reuses from block to block.
type rowBuf struct {
	ids  []int32
	runs []Run
	// The other choice about ipBlocks and pods (dataplaneRow), when the
	// analysis has answers that depend on it: per destination list, its
	// scanners by altMask; the row's other ids; whether a pair of set ids
	// (engine, other) are equal sets; and the row's marks.
	alts   []([heldAll + 1]altList)
	altIDs []int32
	same   *[1 << sameBits]sameEntry
	dp     []bool
	arr    *arrivalCache // the worker's mapped IDs under a mesh (arrivals.row)
	layers []int32       // the row's LayerAnswer IDs
}

// Each calls fn, in order of (From, To), for the connections of the
// block's sources, as Matrix does.
func (b *Block) Each(fn func(Connection) error) error {
	eps := b.a.engine.Endpoints()
	if b.buf == nil {
		b.buf = &rowBuf{}
	}
	for i := b.lo; i < b.hi; i++ {
		from, k := int(b.v.rows[i]), int(b.v.colsOf[i])
		s := b.a.nodes[from]
		sc := b.scs[k]
		sc.Row(s)
		marks := b.rowMarks(s, k)
		host, ext := eps[s].HostNetwork, eps[s].IsExternal()
		for j, to := range b.v.cols[k] {
			d := b.a.nodes[to]
			if s == d || sc.Empty(d) || ext && eps[d].IsExternal() {
				continue
			}
			set, id := sc.At(d)
			set, aid, layer := b.at(from, int(to), set, int32(id))
			if aid == 0 {
				continue
			}
			dp := marks != nil && marks[j]
			c := Connection{From: eps[s].ID, To: eps[d].ID, Allowed: set, Contested: host || eps[d].HostNetwork || dp,
				Dataplane: dp, FromNode: from, ToNode: int(to), SetID: int(aid), Layers: layer}
			if err := fn(c); err != nil {
				return err
			}
		}
	}
	return nil
}

// Workers returns how many goroutines are worth scanning a's matrix on:
// every core, but one for a small matrix (under about a million pairs,
// handing blocks between goroutines costs more than it saves).
func (a *Analysis) Workers() int {
	if a.view != nil && a.Pairs() < 1<<20 {
		return 1
	}
	if n := len(a.nodes); n*n < 1<<20 {
		return 1
	}
	return runtime.GOMAXPROCS(0)
}

// blockPairs is about how many node pairs a block covers: enough to make
// the hand-over cheap, few enough that the blocks in flight (their output
// included) stay small.
const blockPairs = 1 << 13

// Blocks is Matrix on several goroutines. The sources are cut into blocks
// of consecutive nodes; produce runs once per block on up to workers
// goroutines (each with its own scanner), and consume receives the
// results on the calling goroutine in block order, so the output is that
// of Matrix. At most 2·workers blocks are in flight. The first error of
// produce or consume ends the scan and is returned. Set IDs
// (Connection.SetID) mean the same in every block.
func Blocks[T any](a *Analysis, workers int, produce func(*Block) (T, error), consume func(T) error) error {
	v := a.shownView()
	n, width := len(v.rows), 0
	for _, c := range v.cols {
		width = max(width, len(c))
	}
	rows := max(1, blockPairs/max(width, 1))
	nb := (n + rows - 1) / rows
	block := func(k int, scs []*policy.Scanner, buf *rowBuf) *Block {
		return &Block{a: a, v: v, scs: scs, lo: k * rows, hi: min(n, (k+1)*rows), buf: buf}
	}
	if workers <= 1 || nb <= 1 {
		scs, buf := a.scanners(v), &rowBuf{}
		for k := range nb {
			v, err := produce(block(k, scs, buf))
			if err != nil {
				return err
			}
			if err := consume(v); err != nil {
				return err
			}
		}
		return nil
	}
	type result struct {
		v   T
		err error
	}
	results := make([]chan result, nb)
	for k := range results {
		results[k] = make(chan result, 1)
	}
	inFlight := make(chan struct{}, 2*workers)
	stop := make(chan struct{})
	jobs := make(chan int)
	var wg sync.WaitGroup
	go func() { // hands out blocks while fewer than 2·workers wait to be consumed
		defer close(jobs)
		for k := range nb {
			select {
			case inFlight <- struct{}{}:
			case <-stop:
				return
			}
			select {
			case jobs <- k:
			case <-stop:
				return
			}
		}
	}()
	for range min(workers, nb) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			scs, buf := a.scanners(v), &rowBuf{}
			for k := range jobs {
				v, err := produce(block(k, scs, buf))
				results[k] <- result{v, err}
			}
		}()
	}
	var err error
	for k := range nb {
		r := <-results[k]
		<-inFlight
		if err = r.err; err == nil {
			err = consume(r.v)
		}
		if err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	return err
}

// Run is a range of consecutive matrix destinations (positions in
// Nodes()) that one source reaches on the same ports.
type Run struct {
	Lo, Hi int32 // inclusive
	SetID  int32 // as Connection.SetID; Block.Set gives the ports
	// Dataplane is set when the run's answers depend on whether ipBlocks
	// match pod IPs (as Connection.Dataplane).
	Dataplane bool
	// Layers is, when the matrix combines NetworkPolicy and the Linkerd
	// layer and the latter refuses or flags a port of the run's pairs,
	// the ID of their LayerAnswer (Analysis.LayerAnswer); 0 otherwise.
	Layers int32
}

// Set returns the ports of a SetID.
func (b *Block) Set(id int32) ports.Set { return b.a.PortSet(id) }

// PortSet returns the ports of a SetID any block of a gave.
func (a *Analysis) PortSet(id int32) ports.Set {
	switch {
	case a.view != nil && a.view.port != nil:
		return a.view.port.set(id)
	case a.arr != nil:
		return a.arr.set(id)
	}
	return a.engine.PortSet(id)
}

// Runs calls fn for each source of the block, by its position in Nodes(),
// with its row as the maximal runs of consecutive destinations (by
// position in Nodes()) that allow the same non-empty set, in order; a
// source is never in its own runs (a pair of a node with itself is not a
// connection). fn may not keep runs: it is reused.
func (b *Block) Runs(fn func(from int, runs []Run) error) error {
	if b.buf == nil {
		b.buf = &rowBuf{}
	}
	runs := b.buf.runs
	defer func() { b.buf.runs = runs[:0] }()
	for i := b.lo; i < b.hi; i++ {
		from, cols := b.v.rows[i], b.v.cols[b.v.colsOf[i]]
		ids, dp, layers := b.rowIDs(i)
		runs = runs[:0]
		for j := 0; j < len(ids); {
			id, k := ids[j], j+1
			f := dp != nil && dp[j]
			var l int32
			if layers != nil {
				l = layers[j]
			}
			for k < len(ids) && ids[k] == id && cols[k] == cols[k-1]+1 && (dp == nil || dp[k] == f) && (layers == nil || layers[k] == l) {
				k++
			}
			if id != 0 {
				runs = append(runs, Run{Lo: cols[j], Hi: cols[k-1], SetID: id, Dataplane: f, Layers: l})
			}
			j = k
		}
		if err := fn(int(from), runs); err != nil {
			return err
		}
	}
	return nil
}

// rowIDs returns the set IDs of row i of the block (an entry per
// destination of its list, 0 for the source itself and, from an external,
// for the externals), as Block.at maps them, the row's dataplane marks
// (nil for none) and its LayerAnswer IDs (nil when the matrix has none).
// The slices are reused.
func (b *Block) rowIDs(i int) ([]int32, []bool, []int32) {
	from, k := b.v.rows[i], b.v.colsOf[i]
	cols, sc := b.v.cols[k], b.scs[k]
	if cap(b.buf.ids) < len(cols) {
		b.buf.ids = make([]int32, len(cols))
	}
	ids := b.buf.ids[:len(cols)]
	sc.Row(b.a.nodes[from])
	sc.IDs(b.v.eps[k], ids)
	if self, ok := slices.BinarySearch(cols, from); ok {
		ids[self] = 0
	}
	dp := b.dataplaneRow(b.a.nodes[from], int(k), ids)
	b.dropExternals(b.a.nodes[from], int(k), ids)
	var layers []int32
	if b.a.arr != nil && b.a.arr.layers != nil {
		if cap(b.buf.layers) < len(cols) {
			b.buf.layers = make([]int32, len(cols))
		}
		layers = b.buf.layers[:len(cols)]
	}
	port := b.a.view != nil && b.a.view.port != nil
	switch {
	case port:
		for j, id := range ids {
			var l int32
			if id != 0 {
				_, ids[j], l = b.at(int(from), int(cols[j]), sc.Set(id), id)
			}
			if layers != nil {
				layers[j] = l
			}
		}
	case b.a.arr != nil: // the whole matrix's hot path under a mesh: no detour
		if b.buf.arr == nil {
			b.buf.arr = new(arrivalCache)
		}
		b.a.arr.row(b.a, b.buf.arr, b.a.nodes[from], b.v.eps[k], ids, layers, sc)
	}
	return ids, dp, layers
}

// dropExternals clears, in the row ids of source endpoint s over
// destination list k, the external destinations when s is external
// (their pairs are not connections).
func (b *Block) dropExternals(s, k int, ids []int32) {
	eps := b.a.engine.Endpoints()
	switch {
	case !eps[s].IsExternal():
	case b.a.view == nil: // the whole matrix: the external nodes are known
		b.a.ext.dropExternal(s, eps, ids)
	default:
		for j, e := range b.v.eps[k] {
			if eps[e].IsExternal() {
				ids[j] = 0
			}
		}
	}
}
