// Package parallel runs a loop's iterations on every core: the one
// chunked parallel-for the engine and the mesh check share.
package parallel

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// Ranges calls fn on consecutive ranges [lo, hi) covering 0..n, from up to
// GOMAXPROCS goroutines at once; fn must only write what its range owns.
// A range holds at least minChunk iterations (more when n is large, so
// that there are about eight per goroutine). With one processor, or fewer
// than two ranges of work, it is a plain call.
func Ranges(n, minChunk int, fn func(lo, hi int)) {
	minChunk = max(minChunk, 1)
	procs := runtime.GOMAXPROCS(0)
	if procs < 2 || n < 2*minChunk {
		fn(0, n)
		return
	}
	chunk := max(minChunk, n/(8*procs))
	var next atomic.Int64
	var wg sync.WaitGroup
	for range min(procs, (n+chunk-1)/chunk) {
		wg.Go(func() {
			for {
				lo := int(next.Add(int64(chunk))) - chunk
				if lo >= n {
					return
				}
				fn(lo, min(lo+chunk, n))
			}
		})
	}
	wg.Wait()
}
