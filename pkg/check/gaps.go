package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// GapsID is the ID of the result that reports what a live source could
// not read.
const GapsID = "cluster-read-complete"

// markGaps reports c's gaps (what could not be read) as a first ‼ result,
// and marks every result whose peers may be in a namespace with a gap: it
// gets a detail saying so, and cannot be ✔ (never fail open).
func markGaps(rep *Report, c *model.Cluster, flows []mesh.Flow) {
	if len(c.Gaps) == 0 {
		return
	}
	in := Result{Category: "kubernetes-api", ID: GapsID, Description: "can read the whole cluster",
		Status: StatusWarning, Anchor: "docs/live.md#incomplete",
		Hint: "grant the read-only ClusterRole in deploy/rbac.yaml; results involving these namespaces are incomplete"}
	for _, g := range c.Gaps {
		in.Details = append(in.Details, g.String())
	}
	gapNS := model.GapNamespaces(c.Gaps)
	byID := make(map[string]mesh.Flow, len(flows))
	for _, f := range flows {
		byID[f.ID] = f
		byID[f.ID+"-port-bypass"] = f
	}
	for i := range rep.Results {
		res := &rep.Results[i]
		f, ok := byID[res.ID]
		var hit []string
		switch {
		case ok:
			hit = gapPeers(f, gapNS)
		case res.ID == "meshed-workloads":
			hit = gapNS
		}
		if len(hit) == 0 {
			continue
		}
		res.Details = append(res.Details, fmt.Sprintf("incomplete: namespace %s could not be fully read", strings.Join(hit, ", ")))
		if res.Status == StatusOK {
			res.Status = StatusWarning
		}
	}
	rep.Results = append([]Result{in}, rep.Results...)
}

// gapPeers returns the gap namespaces where a flow's pods may be.
func gapPeers(f mesh.Flow, gapNS []string) []string {
	var out []string
	for _, p := range []mesh.Peer{f.From, f.To} {
		switch {
		case p.Kind != mesh.PeerPods && p.Kind != mesh.PeerMeshedPods:
		case p.Namespace == "":
			out = append(out, gapNS...)
		case slices.Contains(gapNS, p.Namespace):
			out = append(out, p.Namespace)
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}
