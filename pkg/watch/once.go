package watch

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// ErrNoMesh is Once's answer for a settled cluster without a service mesh:
// there is no mesh check to pass or fail.
var ErrNoMesh = errors.New("no service mesh in the cluster (looked for Linkerd: a control plane, proxies, linkerd.io/inject annotations)")

// WaitError says what Once was still waiting for when its context ended.
type WaitError struct {
	// Waiting is "the first full list of the cluster", "a model that
	// builds" or "the cluster to stop changing".
	Waiting string
	Last    error // the last rebuild's error, when Waiting is "a model that builds"
	Err     error // the context's error
}

func (e *WaitError) Error() string {
	if e.Last != nil {
		return fmt.Sprintf("still waiting for %s (the last rebuild failed: %v): %v", e.Waiting, e.Last, e.Err)
	}
	return fmt.Sprintf("still waiting for %s: %v", e.Waiting, e.Err)
}

func (e *WaitError) Unwrap() error { return e.Err }

// Once waits for a settled verdict: a model built from the cluster's
// objects that then stays unchanged for settle plus the time that rebuild
// took (no rebuild: objects being applied in a burst, or a controller
// still creating what they own, are judged as a whole; a change that came
// during the rebuild is rebuilt after it). settle should be longer than
// the source's least time between rebuilds. It returns that Event, whose Report decides; the
// caller judges it (Report.Status). Errors: ErrNoMesh when the settled
// model has no mesh; a *WaitError when ctx ends first (a timeout); src's
// error when the source fails.
func Once(ctx context.Context, src Source, settle time.Duration, opts ...Option) (Event, error) {
	rctx, cancel := context.WithCancel(ctx)
	defer cancel()
	events := make(chan Event)
	done := make(chan error, 1)
	go func() {
		done <- Run(rctx, src, func(ev Event) error {
			select {
			case events <- ev:
			case <-rctx.Done():
			}
			return nil
		}, opts...)
	}()
	timer := time.NewTimer(settle)
	timer.Stop()
	var last *Event
	for {
		select {
		case ev := <-events:
			last = &ev
			// A change that came during this rebuild is rebuilt after it:
			// wait for settle plus that long.
			timer.Reset(settle + ev.Elapsed)
		case <-timer.C:
			if last.Err != nil { // a stale model decides nothing: wait for the next change
				continue
			}
			cancel()
			<-done
			if last.NoMesh() {
				return *last, ErrNoMesh
			}
			return *last, nil
		case err := <-done:
			if ctx.Err() == nil {
				if err == nil {
					err = errors.New("the cluster's source ended before a settled verdict")
				}
				return Event{}, err
			}
			return Event{}, waitError(last, settle, ctx.Err())
		case <-ctx.Done():
			cancel()
			<-done
			return Event{}, waitError(last, settle, ctx.Err())
		}
	}
}

// waitError names what Once was waiting for after last.
func waitError(last *Event, settle time.Duration, err error) *WaitError {
	switch {
	case last == nil:
		return &WaitError{Waiting: "the first full list of the cluster", Err: err}
	case last.Err != nil:
		return &WaitError{Waiting: "a model that builds", Last: last.Err, Err: err}
	}
	return &WaitError{Waiting: fmt.Sprintf("the cluster to stop changing for %s", settle), Err: err}
}
