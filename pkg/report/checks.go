package report

import (
	"cmp"
	"slices"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/render"
)

// checkData is one check line with the connections it evaluated, so that
// the page can draw its flow.
type checkData struct {
	ID          string     `json:"id"`
	Category    string     `json:"category"`
	Description string     `json:"description"`
	Status      string     `json:"status"` // success, warning, error (check.Status)
	Symbol      string     `json:"symbol"`
	Details     []string   `json:"details,omitempty"`
	Hint        string     `json:"hint,omitempty"`
	Docs        string     `json:"docs,omitempty"`
	Policies    []int      `json:"policies,omitempty"` // blocking policies
	Pairs       []flowPair `json:"pairs,omitempty"`
	Order       int        `json:"order"` // position in the check output
	rank        int
}

// flowPair is one connection of a flow: allowed (green), blocked (red) or,
// for a warning check, questionable (amber).
type flowPair struct {
	S        int    `json:"s"` // node indexes
	D        int    `json:"d"`
	Port     int32  `json:"p"`
	AppPort  int32  `json:"a,omitempty"`
	Protocol string `json:"t"`
	State    string `json:"st"` // ok, blocked, warning
	Side     string `json:"side,omitempty"`
	Policies []int  `json:"pol,omitempty"`
	Reason   string `json:"why,omitempty"`
}

// statusRank orders check lines failures first.
func statusRank(s check.Status) int {
	switch s {
	case check.StatusError:
		return 0
	case check.StatusUnknown:
		return 1
	case check.StatusWarning:
		return 2
	}
	return 3
}

func (ix *index) checks(rep *check.Report, p mesh.Profile) {
	ix.d.Mesh = &meshData{Name: rep.Mesh, Version: rep.Version, Status: rep.Status().String()}
	conns := check.Connections(ix.a, p)
	for i, res := range rep.Results {
		cd := checkData{ID: res.ID, Category: res.Category, Description: res.Description,
			Status: res.Status.String(), Symbol: res.Status.Symbol(), Details: res.Details, Hint: res.Hint,
			Policies: ix.policyIndexes(res.Policies), Order: i, rank: statusRank(res.Status)}
		if res.Anchor != "" {
			cd.Docs = render.DocsBase + res.Anchor
		}
		for _, c := range conns[res.ID] {
			if c.Allowed {
				cd.Pairs = append(cd.Pairs, flowPair{S: ix.nodeIndex(c.From), D: ix.nodeIndex(c.To),
					Port: c.Port, AppPort: c.AppPort, Protocol: c.Protocol.String(), State: "ok"})
			}
		}
		state := "blocked"
		if res.Status != check.StatusError {
			state = "warning"
		}
		for _, bp := range res.Blocked {
			cd.Pairs = append(cd.Pairs, ix.flowPair(bp, state))
		}
		// Connections a cluster policy rule leaves undecided: never
		// allowed (green), never blocked (red): not proven (amber).
		for _, bp := range res.Undecided {
			cd.Pairs = append(cd.Pairs, ix.flowPair(bp, "warning"))
		}
		cd.Pairs = slices.DeleteFunc(cd.Pairs, func(fp flowPair) bool { return fp.S < 0 || fp.D < 0 })
		ix.d.Checks = append(ix.d.Checks, cd)
	}
	slices.SortStableFunc(ix.d.Checks, func(x, y checkData) int {
		return cmp.Compare(x.rank, y.rank)
	})
}

// flowPair is a connection of a check that is not allowed, in state
// (blocked, warning), with why: the chain of cluster policy tiers when a
// tier decides (or leaves it undecided), else the nearest miss of the
// isolating NetworkPolicy.
func (ix *index) flowPair(bp check.Pair, state string) flowPair {
	fp := flowPair{S: ix.nodeIndex(bp.From), D: ix.nodeIndex(bp.To), Port: bp.Port, AppPort: bp.AppPort,
		Protocol: bp.Protocol.String(), State: state, Policies: ix.policyIndexes(bp.Policies), Reason: bp.Reason}
	switch {
	case bp.Undecided:
		fp.Reason = "cannot know: " + bp.Tier
	case bp.Tier != "":
		fp.Reason = "cluster policy tiers: " + bp.Tier
	}
	if bp.Side != 0 {
		fp.Side = bp.Side.String()
	}
	return fp
}
