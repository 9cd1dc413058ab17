package watch

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/podreach/podreach/pkg/check"
)

// collect runs a watch over states and returns one event per state.
func collect(t *testing.T, states ...[]string) []Event {
	t.Helper()
	src := newFakeSource(t, states...)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var evs []Event
	err := Run(ctx, src.run, func(ev Event) error {
		evs = append(evs, ev)
		if len(evs) == len(states) {
			cancel()
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(evs) != len(states) {
		t.Fatalf("got %d events for %d states", len(evs), len(states))
	}
	return evs
}

// change finds the change of line id in ev.
func change(t *testing.T, ev Event, id string) check.StatusChange {
	t.Helper()
	for _, c := range ev.Changes {
		if c.Result.ID == id {
			return c
		}
	}
	t.Fatalf("no change of %s in %+v", id, ev.Changes)
	return check.StatusChange{}
}

const identity = "proxy-to-identity"

func TestRunReportsBreakAndReturn(t *testing.T) {
	evs := collect(t, example, broken, example)
	first, brk, back := evs[0], evs[1], evs[2]
	if !first.Full || first.Report == nil || len(first.Changes) != 0 {
		t.Fatalf("first event: want the full check, got Full=%v Report=%v Changes=%d", first.Full, first.Report != nil, len(first.Changes))
	}
	if st := first.Report.Status(); st == check.StatusError {
		t.Fatalf("the example without deny-all-ingress fails its check: %v", first.Report.Failed())
	}
	c := change(t, brk, identity)
	if c.Before != check.StatusOK || c.After != check.StatusError {
		t.Errorf("deny-all-ingress: identity line %s→%s, want ✔→×", c.Before.Symbol(), c.After.Symbol())
	}
	if !slices.Contains(c.Result.Policies, "linkerd/deny-all-ingress") {
		t.Errorf("identity line blocked by %v, want linkerd/deny-all-ingress", c.Result.Policies)
	}
	if brk.Full || brk.Report.Status() != check.StatusError {
		t.Errorf("broken state: Full=%v status %s, want a change event with ×", brk.Full, brk.Report.Status())
	}
	c = change(t, back, identity)
	if c.Before != check.StatusError || c.After != check.StatusOK {
		t.Errorf("deny-all-ingress deleted: identity line %s→%s, want ×→✔", c.Before.Symbol(), c.After.Symbol())
	}
	if len(back.Changes) != len(brk.Changes) {
		t.Errorf("%d lines changed back, %d broke", len(back.Changes), len(brk.Changes))
	}
}

func TestRunUnchangedCheckHasNoChanges(t *testing.T) {
	evs := collect(t, example, example)
	if evs[1].Full || len(evs[1].Changes) != 0 || evs[1].Report == nil {
		t.Errorf("same objects again: Full=%v, %d changes", evs[1].Full, len(evs[1].Changes))
	}
}

func TestRunKeepsLastModelOnError(t *testing.T) {
	evs := collect(t, broken, nil, example)
	bad := evs[1]
	if bad.Err == nil {
		t.Fatalf("an object that does not decode: no error (diagnostics %v)", bad.Diagnostics)
	}
	if bad.Report != evs[0].Report || len(bad.Changes) != 0 {
		t.Errorf("failed rebuild: want the last good report and no changes")
	}
	if c := change(t, evs[2], identity); c.After != check.StatusOK {
		t.Errorf("after the failed rebuild: identity %s, want ✔ (compared with the last good model)", c.After.Symbol())
	}
}

func TestRunNoMeshThenMesh(t *testing.T) {
	evs := collect(t, []string{"testdata/nomesh.yaml"}, example)
	if !evs[0].NoMesh() || evs[0].Full {
		t.Errorf("no mesh: NoMesh=%v Full=%v", evs[0].NoMesh(), evs[0].Full)
	}
	if !evs[1].Full {
		t.Errorf("Linkerd appears: want the full check")
	}
}

func TestOnce(t *testing.T) {
	const settle = 300 * time.Millisecond
	for _, tc := range []struct {
		name   string
		states [][]string
		want   check.Status
		err    error
	}{
		{name: "passes", states: [][]string{example}, want: check.StatusOK},
		{name: "fails", states: [][]string{broken}, want: check.StatusError},
		{name: "judges the settled state", states: [][]string{broken, example}, want: check.StatusOK},
		{name: "waits out a bad rebuild", states: [][]string{example, nil, broken}, want: check.StatusError},
		{name: "no mesh", states: [][]string{{"testdata/nomesh.yaml"}}, err: ErrNoMesh},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ev, err := Once(context.Background(), newFakeSource(t, tc.states...).run, settle)
			if tc.err != nil {
				if !errors.Is(err, tc.err) {
					t.Fatalf("err %v, want %v", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := ev.Report.Status(); got > check.StatusWarning != (tc.want == check.StatusError) {
				t.Errorf("status %s, want %s", got, tc.want)
			}
		})
	}
}

func TestOnceTimeout(t *testing.T) {
	for _, tc := range []struct {
		name    string
		states  [][]string
		waiting string
	}{
		{name: "never listed", waiting: "the first full list of the cluster"},
		{name: "model never builds", states: [][]string{nil}, waiting: "a model that builds"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			defer cancel()
			_, err := Once(ctx, newFakeSource(t, tc.states...).run, 10*time.Millisecond)
			var we *WaitError
			if !errors.As(err, &we) || we.Waiting != tc.waiting || !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("err %v, want a WaitError for %q", err, tc.waiting)
			}
		})
	}
}

// TestOnceNeverSettles: a cluster that changes faster than settle is
// never judged.
func TestOnceNeverSettles(t *testing.T) {
	src := newFakeSource(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	go func() {
		for i := 0; ctx.Err() == nil; i++ {
			select {
			case src.states <- [][]string{example, broken}[i%2]:
			case <-ctx.Done():
			}
			time.Sleep(20 * time.Millisecond)
		}
	}()
	_, err := Once(ctx, src.run, 500*time.Millisecond)
	var we *WaitError
	if !errors.As(err, &we) || we.Waiting != "the cluster to stop changing for 500ms" {
		t.Fatalf("err %v, want a WaitError for a cluster that keeps changing", err)
	}
}
