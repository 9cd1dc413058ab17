package parallel

import (
	"runtime"
	"sync/atomic"
	"testing"
)

// TestRanges: every index is visited exactly once, whatever n, chunk and
// GOMAXPROCS.
func TestRanges(t *testing.T) {
	for _, procs := range []int{1, 2, 4} {
		old := runtime.GOMAXPROCS(procs)
		for _, n := range []int{0, 1, 63, 64, 129, 1000, 100_000} {
			for _, chunk := range []int{0, 1, 64, 1024} {
				seen := make([]atomic.Int32, n)
				Ranges(n, chunk, func(lo, hi int) {
					if lo < 0 || hi > n || lo >= hi && n > 0 {
						t.Errorf("n=%d chunk=%d: range [%d, %d)", n, chunk, lo, hi)
					}
					for i := lo; i < hi; i++ {
						seen[i].Add(1)
					}
				})
				for i := range seen {
					if v := seen[i].Load(); v != 1 {
						t.Fatalf("procs=%d n=%d chunk=%d: index %d visited %d times", procs, n, chunk, i, v)
					}
				}
			}
		}
		runtime.GOMAXPROCS(old)
	}
}
