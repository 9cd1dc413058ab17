package cli

import (
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

// runMeshCheck detects the mesh in c and checks it.
func runMeshCheck(s Streams, c *model.Cluster, version string, opts []reach.Option) (*check.Report, error) {
	inst, diags, err := linkerd.Detect(c, version)
	printDiagnostics(s.ErrOut, diags)
	if err != nil {
		return nil, inputError(err)
	}
	rep, _, err := check.Run(c, inst, check.WithReachOptions(opts...))
	if err != nil {
		return nil, inputError(err)
	}
	return rep, nil
}

// diffExit applies --fail-on. A mesh check counts as lost when its status
// got worse; an incomplete live read counts as lost (it may hide losses).
func diffExit(rep *render.DiffReport, failOn string) error {
	lost := rep.Delta.Lost() || len(rep.Delta.Gaps) > 0
	gained := rep.Delta.Gained()
	for _, m := range rep.Mesh {
		b, a := max(m.Before, check.StatusOK), max(m.After, check.StatusOK)
		lost = lost || a > b
		gained = gained || a < b
	}
	switch {
	case failOn == "lost" && lost, failOn == "gained" && gained, failOn == "any" && (lost || gained):
		return errNo
	}
	return nil
}
