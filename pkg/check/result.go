package check

import (
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/tier"
	"github.com/podreach/podreach/pkg/reach"
)

// Status is a check's outcome.
type Status uint8

// Statuses, best first.
const (
	StatusUnknown Status = iota
	StatusOK
	StatusWarning
	StatusError
)

func (s Status) String() string {
	switch s {
	case StatusOK:
		return "success"
	case StatusWarning:
		return "warning"
	case StatusError:
		return "error"
	}
	return "unknown"
}

// Symbol is the mark `linkerd check` users know: ✔, ‼ or ×.
func (s Status) Symbol() string {
	switch s {
	case StatusOK:
		return "✔"
	case StatusWarning:
		return "‼"
	}
	return "×"
}

// Pair is one blocked connection.
type Pair struct {
	From, To string
	Port     int32 // as NetworkPolicy sees it (after Service DNAT and mesh transport)
	AppPort  int32 // the application port, when the mesh rewrote it to Port
	Protocol model.Protocol
	// Side is where it is dropped: Egress at From, Ingress at To.
	Side     policy.Direction
	Policies []string // the policies isolating that side
	Reason   string   // the nearest miss of the first of them
	// Tier is the chain of cluster policy tiers that denies it, when a
	// tier (not a NetworkPolicy) decides ("Admin tier: Deny by
	// clusternetworkpolicy/x rule 1"); see tiers.go.
	Tier string
	// Undecided: the manifests cannot decide the connection (a cluster
	// policy rule that may match or not: domainNames, a networks or nodes
	// peer holding part of an address range); Tier then names the rule
	// and why. Such a pair is in Result.Undecided, not Blocked.
	Undecided bool
	// TierBy is the step of Tier that denies it (the cluster policy
	// "kind/name" and rule); zero when no tier policy's Deny decides.
	TierBy tier.Step
}

// Result is the outcome of one check line.
type Result struct {
	Category    string
	ID          string // stable id (the flow id)
	Description string
	Status      Status
	Details     []string // cause lines, for people
	Sources     int      // how many source workloads were considered
	Blocked     []Pair   // every blocked connection
	Policies    []string // union of the blocking policies, sorted
	Hint        string
	Anchor      string
	// Fixable: the blocked pairs are all between pods (or from a known
	// external), so fix can write policies that admit them.
	Fixable bool
	// CouldChange are the policies podreach does not evaluate that select
	// pods of the flow (one entry per object): an allowed flow is then ‼.
	CouldChange []reach.CouldChange
	// Notes are what else is known about the blocking policies (lint
	// findings; see Report.AddNotes), one line each.
	Notes []string
	// Undecided are the connections of the flow the manifests cannot
	// decide (see Pair.Undecided): never blocked, never allowed; the
	// result is then at least ‼.
	Undecided []Pair
	// CannotKnow: the result is ‼ (not ✔) only because podreach cannot
	// decide (Undecided pairs, or policies it does not evaluate could
	// deny what is allowed).
	CannotKnow bool
	// Refused are the connections of a Linkerd authorization result (ID
	// "<flow>-authorized", or a probe): NetworkPolicy admits them, the
	// destination's proxy refuses them or cannot be known to admit them.
	Refused []Refusal
}

// Refusal is one connection the destination's Linkerd proxy refuses (or
// cannot be known to admit), on the application port.
type Refusal struct {
	From, To string // endpoint IDs, as in explain
	Port     int32  // the application port
	Path     string // a probe's path; "" for a connection
	Unknown  bool   // the answer cannot be known (not a refusal)
	// Server is the Server that governs the port ("ns/name"); empty when
	// the default policy does, then named by Default ("deny", …).
	Server  string
	Default string
	Code    string // the Linkerd decision's reason code
	Line    string // the cause line shown for it
}

// Report is a whole check run.
type Report struct {
	Mesh    string
	Version string
	Results []Result
}

// Category groups the results of one category, in run order.
type Category struct {
	Name    string
	Results []Result
}

// Categories returns the results grouped by category, in first-seen order.
func (r *Report) Categories() []Category {
	var out []Category
	index := map[string]int{}
	for _, res := range r.Results {
		i, ok := index[res.Category]
		if !ok {
			i = len(out)
			index[res.Category] = i
			out = append(out, Category{Name: res.Category})
		}
		out[i].Results = append(out[i].Results, res)
	}
	return out
}

// CannotKnow reports whether some result is ‼ because podreach cannot
// decide it, and none is ×: the answer is then "cannot know", never
// success.
func (r *Report) CannotKnow() bool {
	some := false
	for _, res := range r.Results {
		if res.Status == StatusError {
			return false
		}
		some = some || res.CannotKnow
	}
	return some
}

// Status is the worst status of all results.
func (r *Report) Status() Status {
	worst := StatusOK
	for _, res := range r.Results {
		if res.Status > worst {
			worst = res.Status
		}
	}
	return worst
}

// Failed returns the results with StatusError.
func (r *Report) Failed() []Result {
	var out []Result
	for _, res := range r.Results {
		if res.Status == StatusError {
			out = append(out, res)
		}
	}
	return out
}
