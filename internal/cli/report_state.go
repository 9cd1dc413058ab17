package cli

import (
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// reportStates analyses the report's states as they run: one, or two
// compared as diff compares them (the page then shows the after state as
// check.Run analysed it).
func reportStates(s Streams, in *inputFlags, cs []*model.Cluster) ([]reportState, *reach.Delta, error) {
	opts, err := in.options()
	if err != nil {
		return nil, nil, err
	}
	if len(cs) == 1 {
		r, err := analyzeState(s, cs[0], in, opts)
		return []reportState{r}, nil, err
	}
	as, reps, err := analyzeStates(s, in, cs)
	if err != nil {
		return nil, nil, err
	}
	delta, err := reach.Diff(as[0], as[1])
	if err != nil {
		return nil, nil, inputError(err)
	}
	rs := []reportState{{a: as[0], check: reps[0], profile: as[0].Mesh()}, {a: as[1], check: reps[1], profile: as[1].Mesh()}}
	if cur := &rs[1]; cur.check != nil {
		if _, cur.a, err = check.Run(cs[1], cur.profile, check.WithReachOptions(opts...)); err != nil {
			return nil, nil, inputError(err)
		}
	}
	return rs, delta, nil
}

// analyzeState analyses one state at workload level, as it runs; with a
// mesh, the analysis is check.Run's.
func analyzeState(s Streams, c *model.Cluster, in *inputFlags, opts []reach.Option) (reportState, error) {
	if err := in.addExternals(c); err != nil {
		return reportState{}, err
	}
	eopts, err := in.effective()
	if err != nil {
		return reportState{}, err
	}
	inst, err := in.profile(s, c, eopts)
	if err != nil {
		return reportState{}, err
	}
	if inst == nil {
		a, err := reach.Analyze(c, opts...)
		if err != nil {
			return reportState{}, inputError(err)
		}
		return reportState{a: a}, nil
	}
	rep, a, err := check.Run(c, inst, check.WithReachOptions(opts...))
	if err != nil {
		return reportState{}, inputError(err)
	}
	return reportState{a: a, check: rep, profile: inst}, nil
}
