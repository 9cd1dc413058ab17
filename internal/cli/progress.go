package cli

import (
	"fmt"
	"io"
	"os"
	"sync"
	"time"

	"golang.org/x/term"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/load/live"
)

// progress shows, on a terminal only and only once a read has taken more
// than a second, one line saying what is being read.
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	last  live.Progress
	shown bool
	done  chan struct{}
	wg    sync.WaitGroup
}

func startProgress(w io.Writer) *progress {
	p := &progress{w: w, done: make(chan struct{})}
	if f, ok := w.(*os.File); !ok || !term.IsTerminal(int(f.Fd())) {
		return p
	}
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		select {
		case <-p.done:
			return
		case <-time.After(time.Second):
		}
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			p.mu.Lock()
			fmt.Fprintf(p.w, "\r\033[Kreading the cluster: %s, %d objects…", escape.Text(p.last.Resource), p.last.Objects)
			p.shown = true
			p.mu.Unlock()
			select {
			case <-p.done:
				return
			case <-t.C:
			}
		}
	}()
	return p
}

func (p *progress) update(pr live.Progress) {
	p.mu.Lock()
	p.last = pr
	p.mu.Unlock()
}

// stop ends the progress line and returns the objects read.
func (p *progress) stop() int {
	close(p.done)
	p.wg.Wait()
	if p.shown {
		fmt.Fprint(p.w, "\r\033[K")
	}
	return p.last.Objects
}
