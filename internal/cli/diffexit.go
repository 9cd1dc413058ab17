package cli

import (
	"errors"
	"fmt"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/effective"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

// errNoMesh is the input error of a verb that needs a mesh on an input
// without one.
var errNoMesh = errors.New("no service mesh in the input (looked for Linkerd: a control plane, proxies, linkerd.io/inject annotations); name it with --mesh linkerd")

// analyzeStates analyses the two states of a diff, each as it runs. The
// mesh is decided once for both: with --mesh auto, Linkerd when either
// state shows it (a change may add the mesh). With a mesh, both states are
// also checked.
func analyzeStates(s Streams, in *inputFlags, cs []*model.Cluster) ([2]*reach.Analysis, [2]*check.Report, error) {
	var as [2]*reach.Analysis
	var reps [2]*check.Report
	opts, err := in.effective()
	if err != nil {
		return as, reps, err
	}
	var ps [2]mesh.Profile
	for i, c := range cs {
		if err := in.addExternals(c); err != nil {
			return as, reps, err
		}
		if ps[i], err = in.profile(s, c, opts); err != nil {
			return as, reps, err
		}
	}
	if in.mesh == "auto" && (ps[0] == nil) != (ps[1] == nil) {
		opts = append(opts, effective.WithMesh(effective.MeshLinkerd))
		for i, c := range cs {
			if ps[i] == nil {
				if ps[i], err = in.profile(s, c, opts); err != nil {
					return as, reps, err
				}
			}
		}
	}
	ropts, err := in.options()
	if err != nil {
		return as, reps, err
	}
	ropts = append(ropts, reach.WithRangesOf(cs...)) // both states, the same external ranges
	for i, c := range cs {
		if as[i], err = reach.Analyze(c, append(ropts, reach.WithMesh(ps[i]))...); err != nil {
			return as, reps, inputError(err)
		}
		if ps[i] != nil {
			if reps[i], _, err = check.Run(c, ps[i], check.WithReachOptions(ropts...)); err != nil {
				return as, reps, inputError(err)
			}
		}
	}
	return as, reps, nil
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
	case failOn == "lost" && lost, failOn == "gained" && gained, failOn == "any" && (lost || gained || len(rep.Delta.Tiers) > 0):
		return errNo
	}
	return nil
}

// diffUnknown returns errUnknown, and lists on stderr why, when policies
// podreach does not evaluate could change what the diff says.
func diffUnknown(s Streams, as [2]*reach.Analysis, d *reach.Delta) error {
	could := reach.DeltaCouldChange(as[0], as[1], d)
	if len(could) == 0 {
		return nil
	}
	for _, c := range could {
		where := "selects " + c.Endpoint
		if c.Endpoint == "" {
			where = "differs between the states"
		}
		fmt.Fprintf(s.ErrOut, "cannot know: %s %s and %s\n", c, c.Reason(), where)
	}
	return errUnknown
}
