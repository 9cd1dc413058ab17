// Package browser opens podreach's HTML report in headless Chromium, as a
// person would, and asserts on what the page shows: the DOM, the graph's
// elements and styles, filtering, no console errors and no request leaving
// the page. Screenshots are saved as test artifacts (go test -artifacts).
//
// The tests need Debian's chromium (/usr/bin/chromium, or $CHROMIUM). They
// skip when it is missing, and fail instead when CI=true; -short skips them.
// go test ./test/browser -update rewrites docs/report.png.
package browser

import (
	"context"
	"flag"
	"os"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

var update = flag.Bool("update", false, "rewrite docs/report.png with the screenshot")

// chromium returns the browser's path, or skips (fails in CI) without one.
func chromium(t *testing.T) string {
	t.Helper()
	if testing.Short() {
		t.Skip("-short: skipping the headless-browser tests")
	}
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := exec.LookPath(path); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no browser at %s: install it (apt-get install chromium; hack/test.sh does)", path)
		}
		t.Skipf("SKIPPING the browser tests: no chromium at %s (apt-get install chromium, or set $CHROMIUM)", path)
	}
	return path
}

// page is one headless browser tab that records what the page logs and
// every request it makes.
type page struct {
	t   *testing.T
	ctx context.Context
	log *record
}

// record is what the page logged and requested.
type record struct {
	mu       sync.Mutex
	console  []chromedp.ConsoleMessage
	requests []string
}

// with returns the page for use in subtest t.
func (p *page) with(t *testing.T) *page { return &page{t: t, ctx: p.ctx, log: p.log} }

// newPage starts Chromium with the flags the report is tested under and a
// fresh profile, and subscribes to console messages and requests.
func newPage(t *testing.T, width, height int) *page {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("no-first-run", true), chromedp.Flag("disable-quic", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(width, height))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	p := &page{t: t, ctx: ctx, log: &record{}}
	defer p.do(chromedp.EmulateViewport(int64(width), int64(height)))
	messages := chromedp.Console(ctx)
	requests := chromedp.Events(ctx, network.RequestWillBeSent)
	go func() {
		for m, err := range messages {
			if err != nil {
				return
			}
			p.log.mu.Lock()
			p.log.console = append(p.log.console, m)
			p.log.mu.Unlock()
		}
	}()
	go func() {
		for ev, err := range requests {
			if err != nil {
				return
			}
			p.log.mu.Lock()
			p.log.requests = append(p.log.requests, ev.Request.URL)
			p.log.mu.Unlock()
		}
	}()
	return p
}

// open navigates to url and waits until the report says it is ready; it
// returns how long that took.
func (p *page) open(url string) time.Duration {
	p.t.Helper()
	start := time.Now()
	p.do(chromedp.Navigate(url))
	state, err := chromedp.Run(p.ctx, chromedp.Poll[string](
		`(() => { const r = document.getElementById('status').dataset.ready; return r === '1' || r === 'error' ? r : null })()`,
		chromedp.WithPollingInterval(50*time.Millisecond), chromedp.WithPollingTimeout(2*time.Minute)))
	if err != nil {
		p.t.Fatalf("waiting for the report: %v", err)
	}
	if state != "1" {
		p.t.Fatalf("the report failed to display: %s", eval[string](p, `document.getElementById('status').textContent`))
	}
	return time.Since(start)
}

func (p *page) do(actions ...chromedp.Action[chromedp.Void]) {
	p.t.Helper()
	if err := chromedp.Do(p.ctx, actions...); err != nil {
		p.t.Fatal(err)
	}
}

// eval evaluates js (awaiting a promise) and decodes its result.
func eval[T any](p *page, js string) T {
	p.t.Helper()
	v, err := chromedp.Run(p.ctx, chromedp.Evaluate[T](js, chromedp.EvalAwaitPromise))
	if err != nil {
		p.t.Fatalf("evaluating %s: %v", js, err)
	}
	return v
}

// clear empties an input as a user would, and lets the page react.
func (p *page) clear(id string) {
	p.t.Helper()
	eval[bool](p, `(() => { const e = document.getElementById('`+id+`'); e.value = ''; e.dispatchEvent(new Event('input')); return true })()`)
	p.settle()
}

// settle lets the page finish what a click or a key started.
func (p *page) settle() { p.do(chromedp.Sleep(300 * time.Millisecond)) }

// checkClean fails on console errors and on any request but the page's
// own: the report must work offline.
func (p *page) checkClean(own string) {
	p.t.Helper()
	p.settle()
	p.log.mu.Lock()
	defer p.log.mu.Unlock()
	for _, m := range p.log.console {
		switch m.Type {
		case chromedp.ConsoleError, chromedp.ConsoleException:
			p.t.Errorf("console %s", m)
		case chromedp.ConsoleWarning:
			p.t.Logf("console %s", m)
		}
	}
	for _, u := range p.log.requests {
		if !strings.HasPrefix(u, own) {
			p.t.Errorf("the page made a request: %s", u)
		}
	}
	if !slices.ContainsFunc(p.log.requests, func(u string) bool { return strings.HasPrefix(u, own) }) {
		p.t.Errorf("no request for the page itself was seen: is the request listener working? got %q", p.log.requests)
	}
}

// screenshot saves the viewport as name in the test's artifact directory.
func (p *page) screenshot(name string) []byte {
	p.t.Helper()
	png, err := chromedp.Run(p.ctx, chromedp.CaptureScreenshot())
	if err != nil {
		p.t.Fatal(err)
	}
	path := p.t.ArtifactDir() + "/" + name
	if err := os.WriteFile(path, png, 0o644); err != nil {
		p.t.Fatal(err)
	}
	p.t.Logf("screenshot: %s", path)
	return png
}
