package reach

import (
	"runtime"
	"sync"

	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// Block is a run of consecutive matrix sources, scanned on one goroutine.
type Block struct {
	a      *Analysis
	sc     *policy.Scanner
	lo, hi int     // sources: a.nodes[lo:hi]
	buf    *rowBuf // the worker's, for Runs
}

// rowBuf is what Runs reuses from block to block.
type rowBuf struct {
	ids  []int32
	runs []Run
	// The other choice about ipBlocks and pods (dataplaneRow), when the
	// analysis has answers that depend on it: its scanner and row, whether
	// a pair of set ids (engine, other) are equal sets, and the row's marks.
	alt    *policy.Scanner
	altIDs []int32
	same   *[1 << sameBits]sameEntry
	dp     []bool
}

// Each calls fn, in order of (From, To), for the connections of the
// block's sources, as Matrix does.
func (b *Block) Each(fn func(Connection) error) error {
	eps := b.a.engine.Endpoints()
	if b.buf == nil {
		b.buf = &rowBuf{}
	}
	for i := b.lo; i < b.hi; i++ {
		s := b.a.nodes[i]
		b.sc.Row(s)
		dp := b.rowMarks(i)
		host, ext := eps[s].HostNetwork, eps[s].IsExternal()
		for j, d := range b.a.nodes {
			if s == d || b.sc.Empty(d) || ext && eps[d].IsExternal() {
				continue
			}
			set, id := b.sc.At(d)
			if b.a.arr != nil {
				var aid int32
				if set, aid = b.a.arr.at(b.a, s, d, set, int32(id)); aid == 0 {
					continue
				}
				id = int(aid)
			}
			dp := dp != nil && dp[j]
			c := Connection{From: eps[s].ID, To: eps[d].ID, Allowed: set, Contested: host || eps[d].HostNetwork || dp,
				Dataplane: dp, FromNode: i, ToNode: j, SetID: id}
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
	n := len(a.nodes)
	rows := max(1, blockPairs/max(n, 1))
	nb := (n + rows - 1) / rows
	block := func(k int, sc *policy.Scanner, buf *rowBuf) *Block {
		return &Block{a: a, sc: sc, lo: k * rows, hi: min(n, (k+1)*rows), buf: buf}
	}
	if workers <= 1 || nb <= 1 {
		sc, buf := a.engine.NewScanner(a.nodes), &rowBuf{}
		for k := range nb {
			v, err := produce(block(k, sc, buf))
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
			sc, buf := a.engine.NewScanner(a.nodes), &rowBuf{}
			for k := range jobs {
				v, err := produce(block(k, sc, buf))
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
}

// Set returns the ports of a SetID.
func (b *Block) Set(id int32) ports.Set {
	if b.a.arr != nil {
		return b.a.arr.set(id)
	}
	return b.sc.Set(id)
}

// PortSet returns the ports of a SetID any block of a gave.
func (a *Analysis) PortSet(id int32) ports.Set {
	if a.arr != nil {
		return a.arr.set(id)
	}
	return a.engine.PortSet(id)
}

// Runs calls fn for each source of the block, by its position in Nodes(),
// with its row as the maximal runs of destinations that allow the same
// non-empty set, in order; a source is never in its own runs (a pair of a
// node with itself is not a connection). fn may not keep runs: it is
// reused.
func (b *Block) Runs(fn func(from int, runs []Run) error) error {
	if b.buf == nil {
		b.buf = &rowBuf{}
	}
	if len(b.buf.ids) != len(b.a.nodes) {
		b.buf.ids = make([]int32, len(b.a.nodes))
	}
	ids, runs := b.buf.ids, b.buf.runs
	defer func() { b.buf.runs = runs[:0] }()
	for i := b.lo; i < b.hi; i++ {
		b.sc.Row(b.a.nodes[i])
		b.sc.IDs(b.a.nodes, ids)
		ids[i] = 0
		dp := b.dataplaneRow(i, ids)
		if b.a.arr != nil {
			b.arrivedIDs(b.a.nodes[i], ids)
		}
		b.a.ext.dropExternal(b.a.nodes[i], b.a.engine.Endpoints(), ids)
		runs = runs[:0]
		for j := 0; j < len(ids); {
			id, k := ids[j], j+1
			f := dp != nil && dp[j]
			for k < len(ids) && ids[k] == id && (dp == nil || dp[k] == f) {
				k++
			}
			if id != 0 {
				runs = append(runs, Run{Lo: int32(j), Hi: int32(k - 1), SetID: id, Dataplane: f})
			}
			j = k
		}
		if err := fn(i, runs); err != nil {
			return err
		}
	}
	return nil
}

// arrivedIDs maps the engine IDs of source s's row to those of the
// application ports that really work (see arrivals).
func (b *Block) arrivedIDs(s int, ids []int32) {
	for j, id := range ids {
		if id != 0 {
			_, ids[j] = b.a.arr.at(b.a, s, b.a.nodes[j], b.sc.Set(id), id)
		}
	}
}
