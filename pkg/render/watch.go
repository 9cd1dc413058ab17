package render

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/podreach/podreach/internal/escape"
	"github.com/podreach/podreach/pkg/check"
)

// WatchEvent is what one rebuild of a watched cluster found, as the
// watch renderers need it (pkg/watch's Event, without the packages above
// render).
type WatchEvent struct {
	Time time.Time
	// Full: Report is new; show it whole.
	Full bool
	// Report is the mesh check of the current model; nil when the cluster
	// has no mesh (and Err is nil).
	Report *check.Report
	// Changes are the check lines whose status changed since the last event.
	Changes             []check.StatusChange
	Workloads, Policies int
	Err                 error
}

// NoMesh reports whether the model was built and has no mesh to check.
func (e WatchEvent) NoMesh() bool { return e.Err == nil && e.Report == nil }

// WatchText writes a watch event for people, each line stamped with the
// event's time (RFC 3339): the whole check when it is new (ev.Full), then
// one line per check line that changed: "× DESC: 9/12 sources blocked (by
// POLICIES)" with an example and its explain command, "✔ DESC again",
// "‼ DESC: why". An event that changed nothing writes nothing; a failed
// rebuild is the caller's to report (WatchError).
func WatchText(w io.Writer, ev WatchEvent, o CheckOptions) error {
	var b strings.Builder
	stamp := ev.Time.Format(time.RFC3339)
	switch {
	case ev.Err != nil:
		return nil
	case ev.NoMesh():
		fmt.Fprintf(&b, "%s no service mesh in the cluster: nothing to check (%d workloads); watching for one\n", stamp, ev.Workloads)
	case ev.Full:
		fmt.Fprintf(&b, "%s mesh check of the cluster (%d workloads, %d policies):\n", stamp, ev.Workloads, ev.Policies)
		if err := CheckText(&b, ev.Report, o); err != nil {
			return err
		}
	}
	for _, c := range ev.Changes {
		changeLine(&b, stamp, c, o)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// changeLine writes one changed check line.
func changeLine(b *strings.Builder, stamp string, c check.StatusChange, o CheckOptions) {
	res := c.Result
	desc := escape.Text(res.Description)
	switch c.After {
	case check.StatusUnknown:
		fmt.Fprintf(b, "%s - %s: no longer checked\n", stamp, desc)
	case check.StatusOK:
		again := " again"
		if c.Before == check.StatusUnknown {
			again = " (new check)"
		}
		fmt.Fprintf(b, "%s ✔ %s%s\n", stamp, desc, again)
	case check.StatusWarning:
		why := ""
		if len(res.Details) > 0 {
			why = ": " + escape.Text(res.Details[0])
		}
		fmt.Fprintf(b, "%s ‼ %s%s\n", stamp, desc, why)
	default:
		fmt.Fprintf(b, "%s × %s: %d/%d sources blocked", stamp, desc, blockedSources(res), res.Sources)
		if len(res.Policies) > 0 {
			fmt.Fprintf(b, " (by %s)", escape.Text(strings.Join(res.Policies, ", ")))
		}
		b.WriteByte('\n')
		if len(res.Blocked) > 0 {
			p := res.Blocked[0]
			fmt.Fprintf(b, "    e.g. %s\n", escape.Text(pairText(p)))
			if o.ExplainCommand != "" {
				fmt.Fprintf(b, "    see: %s\n", escape.Text(explainCommand(o.ExplainCommand, p)))
			}
		}
	}
}

// blockedSources counts the source workloads of res's blocked pairs.
func blockedSources(res check.Result) int {
	srcs := map[string]bool{}
	for _, p := range res.Blocked {
		srcs[p.From] = true
	}
	return len(srcs)
}

// watchJSON is one line of `watch -o json`.
type watchJSON struct {
	Time      string `json:"time"`
	Event     string `json:"event"`            // check, change, no-mesh, error
	Status    string `json:"status,omitempty"` // of the whole check after the event
	Workloads int    `json:"workloads"`
	Policies  int    `json:"policies"`
	Error     string `json:"error,omitempty"`
	// check: the whole check, as check -o json writes it.
	Check *checkJSON `json:"check,omitempty"`
	// change: one changed check line.
	Change *lineChangeJSON `json:"change,omitempty"`
}

type lineChangeJSON struct {
	ID             string    `json:"id"`
	Category       string    `json:"category"`
	Description    string    `json:"description"`
	Before         string    `json:"before"` // unknown: a new line
	After          string    `json:"after"`  // unknown: a line gone
	Sources        int       `json:"sources"`
	BlockedSources int       `json:"blockedSources"`
	Policies       []string  `json:"blockingPolicies"`
	Example        *pairJSON `json:"example,omitempty"`
	Details        []string  `json:"details"`
}

// WatchJSON writes a watch event as JSON lines (one object a line): an
// "error" line for a failed rebuild, a "no-mesh" line, a "check" line with
// the whole check when it is new, and one "change" line per changed check
// line. Every line has the time (RFC 3339, nanoseconds) and the model's
// size.
func WatchJSON(w io.Writer, ev WatchEvent) error {
	head := watchJSON{Time: ev.Time.Format(time.RFC3339Nano), Workloads: ev.Workloads, Policies: ev.Policies}
	if ev.Report != nil {
		head.Status = ev.Report.Status().String()
	}
	var lines []watchJSON
	switch {
	case ev.Err != nil:
		l := head
		l.Event, l.Error = "error", ev.Err.Error()
		lines = append(lines, l)
	case ev.NoMesh():
		l := head
		l.Event = "no-mesh"
		lines = append(lines, l)
	case ev.Full:
		l := head
		l.Event, l.Check = "check", checkToJSON(ev.Report)
		lines = append(lines, l)
	}
	for _, c := range ev.Changes {
		l := head
		l.Event, l.Change = "change", lineChangeToJSON(c)
		lines = append(lines, l)
	}
	var b []byte
	for _, l := range lines {
		b = append(append(b, marshal(l)...), '\n')
	}
	_, err := w.Write(b)
	return err
}

func lineChangeToJSON(c check.StatusChange) *lineChangeJSON {
	rj := resultToJSON(c.Result)
	cj := &lineChangeJSON{ID: rj.ID, Category: c.Result.Category, Description: rj.Description, Before: c.Before.String(), After: c.After.String(),
		Sources: rj.Sources, BlockedSources: blockedSources(c.Result), Policies: rj.Policies, Details: rj.Details}
	if len(rj.Blocked) > 0 {
		cj.Example = &rj.Blocked[0]
	}
	return cj
}
