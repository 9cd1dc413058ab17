package reach_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/reach"
)

// TestBlocks: the matrix computed in blocks on several goroutines — as
// connections (Block.Each) or as runs (Block.Runs) — is Matrix's, in
// Matrix's order, at both levels and whatever the number of workers.
func TestBlocks(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		size synth.Size
		seed int64
		opts []reach.Option
	}{
		{synth.SizeS, 1, nil},
		{synth.SizeS, 2, []reach.Option{reach.WithLevel(reach.LevelPod)}},
		{synth.SizeM, 1, nil},
		{synth.SizeM, 3, []reach.Option{reach.WithIPBlockPods(false)}},
	} {
		if testing.Short() && tc.seed == 3 {
			continue
		}
		a, err := reach.Analyze(synth.Generate(tc.size.Config(tc.seed)), tc.opts...)
		if err != nil {
			t.Fatal(err)
		}
		var want []string
		err = a.Matrix(func(c reach.Connection) error {
			want = append(want, fmt.Sprintf("%d>%d %s %v", c.FromNode, c.ToNode, c.Allowed, c.Contested))
			return nil
		})
		if err != nil || len(want) == 0 {
			t.Fatalf("%s/%d: Matrix: %d connections, %v", tc.size, tc.seed, len(want), err)
		}
		nodes := a.Nodes()
		workerCounts := []int{1, 2, 5}
		if testing.Short() {
			workerCounts = []int{1, 3}
		}
		for _, workers := range workerCounts {
			name := fmt.Sprintf("%s/%d/workers=%d", tc.size, tc.seed, workers)
			var each, runs []string
			err := reach.Blocks(a, workers, func(b *reach.Block) ([2][]string, error) {
				var e, r []string
				err := b.Each(func(c reach.Connection) error {
					e = append(e, fmt.Sprintf("%d>%d %s %v", c.FromNode, c.ToNode, c.Allowed, c.Contested))
					return nil
				})
				if err != nil {
					return [2][]string{}, err
				}
				err = b.Runs(func(from int, rs []reach.Run) error {
					last := -1
					for _, run := range rs {
						if run.Lo > run.Hi || int(run.Lo) <= last || run.SetID == 0 {
							return fmt.Errorf("bad run %+v after %d", run, last)
						}
						last = int(run.Hi)
						for to := int(run.Lo); to <= int(run.Hi); to++ {
							if to == from {
								return fmt.Errorf("run %+v holds its source %d", run, from)
							}
							contested := nodes[from].HostNetwork || nodes[to].HostNetwork || run.Dataplane
							r = append(r, fmt.Sprintf("%d>%d %s %v", from, to, b.Set(run.SetID), contested))
						}
					}
					return nil
				})
				return [2][]string{e, r}, err
			}, func(v [2][]string) error {
				each, runs = append(each, v[0]...), append(runs, v[1]...)
				return nil
			})
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if got, w := strings.Join(each, "\n"), strings.Join(want, "\n"); got != w {
				t.Errorf("%s: Each differs from Matrix (%d vs %d connections)", name, len(each), len(want))
			}
			if got, w := strings.Join(runs, "\n"), strings.Join(want, "\n"); got != w {
				t.Errorf("%s: Runs differ from Matrix (%d vs %d connections)", name, len(runs), len(want))
			}
		}
	}
}

// TestBlocksStop: an error of produce or consume ends the scan, is
// returned, and leaves no goroutine working.
func TestBlocksStop(t *testing.T) {
	t.Parallel()
	a, err := reach.Analyze(synth.Generate(synth.SizeM.Config(1)))
	if err != nil {
		t.Fatal(err)
	}
	first := func(b *reach.Block) int { // the block's first source
		f := -1
		b.Runs(func(from int, _ []reach.Run) error {
			if f < 0 {
				f = from
			}
			return nil
		})
		return f
	}
	for _, failIn := range []string{"produce", "consume"} {
		var mu sync.Mutex
		produced, consumed := 0, 0
		err := reach.Blocks(a, 3, func(b *reach.Block) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			produced++
			if f := first(b); failIn == "produce" && f > 0 {
				return 0, fmt.Errorf("stop at %d", f)
			}
			return first(b), nil
		}, func(first int) error {
			consumed++
			if failIn == "consume" && consumed == 2 {
				return fmt.Errorf("stop at %d", first)
			}
			return nil
		})
		if err == nil || !strings.HasPrefix(err.Error(), "stop at ") {
			t.Errorf("%s: got %v, want the stop error", failIn, err)
		}
		mu.Lock()
		if produced > consumed+2*3+1 {
			t.Errorf("%s: %d blocks produced for %d consumed: more than 2·workers in flight", failIn, produced, consumed)
		}
		mu.Unlock()
	}
}
