package lab

import (
	"context"
	"fmt"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// MeshReport is a lab run of a mesh's required flows.
type MeshReport struct {
	*Report
	Engine *check.Report // the mesh check, connections decided by the engine
	Kernel *check.Report // the same check, connections decided by the kernel
	// Changed lists the checks whose status differs between the two.
	Changed []string
}

// OK reports whether the kernel agreed with the engine on every probed
// connection and every check.
func (m *MeshReport) OK() bool { return m.Summary.OK() && len(m.Changed) == 0 }

type pairKey struct{ from, to string }

// RunMesh replays c in the lab (one pod per workload, with the mesh
// injected) and probes exactly the connections the mesh check evaluates,
// on the destination's declared ports and the flows' ports. It then runs
// the check again with the kernel's answers: Kernel is the check as real
// packets decide it.
func RunMesh(ctx context.Context, c *model.Cluster, p mesh.Profile, opts ...Option) (*MeshReport, error) {
	o := makeOptions(opts)
	if err := CheckEnv(); err != nil {
		return nil, err
	}
	lc, notes, err := labCluster(c, false, true)
	if err != nil {
		return nil, err
	}
	reachOpt := check.WithReachOptions(reach.WithIPBlockPods(o.ipBlockPods))
	asked := map[pairKey]bool{}
	record := func(a *reach.Analysis, s, d int) ports.Set {
		eps := a.Engine().Endpoints()
		asked[pairKey{eps[s].ID, eps[d].ID}] = true
		return a.Engine().Allowed(s, d)
	}
	engRep, a, err := check.Run(lc, p, reachOpt, check.WithJudge(record))
	if err != nil {
		return nil, err
	}
	j := newJudge(a)
	pl := newPlan(a)
	pl.notices = append(notes, pl.notices...)
	conns := pl.conns(pl.askedPairs(asked), portsFor(flowTargets(p.Flows())), sctpSupported())
	rep, err := pl.execute(ctx, conns, o)
	if err != nil {
		return nil, err
	}
	rep.compare(j, conns)
	return kernelCheck(lc, p, reachOpt, rep, engRep, conns)
}

// kernelCheck runs the check again with the kernel's answers.
func kernelCheck(lc *model.Cluster, p mesh.Profile, reachOpt check.Option, rep *Report, engRep *check.Report, conns []*conn) (*MeshReport, error) {
	kernel, unprobed := kernelJudge(conns)
	kerRep, _, err := check.Run(lc, p, reachOpt, check.WithJudge(kernel))
	if err != nil {
		return nil, err
	}
	if *unprobed > 0 {
		rep.Notices = append(rep.Notices, fmt.Sprintf("%d connections the check needs were not probed: the kernel report takes the engine's answer for them", *unprobed))
	}
	m := &MeshReport{Report: rep, Engine: engRep, Kernel: kerRep}
	for i, res := range kerRep.Results {
		if i < len(engRep.Results) && engRep.Results[i].Status != res.Status {
			m.Changed = append(m.Changed, res.ID)
		}
	}
	return m, nil
}

// askedPairs maps the pairs the check asked about to lab nodes, in node
// order. Pairs with a node outside the lab (host network) are left out.
func (p *plan) askedPairs(asked map[pairKey]bool) [][2]*node {
	var out [][2]*node
	for _, s := range p.nodes {
		for _, d := range p.nodes {
			if asked[pairKey{s.id, d.id}] {
				out = append(out, [2]*node{s, d})
			}
		}
	}
	return out
}

// kernelJudge answers the check from the probes: for each probed port, open
// or not as the kernel decided; ports and pairs the lab did not probe keep
// the engine's answer (and are counted).
func kernelJudge(conns []*conn) (check.Judge, *int) {
	type verdict struct {
		t    target
		open bool
	}
	seen := map[pairKey][]verdict{}
	for _, c := range conns {
		k := pairKey{c.from.id, c.to.id}
		if out, _ := c.kernel(); out == Open || out == Blocked {
			seen[k] = append(seen[k], verdict{c.target, out == Open})
		}
	}
	unprobed := new(int)
	counted := map[pairKey]bool{}
	judge := func(a *reach.Analysis, s, d int) ports.Set {
		eps := a.Engine().Endpoints()
		k := pairKey{eps[s].ID, eps[d].ID}
		set := a.Engine().Allowed(s, d)
		vs, ok := seen[k]
		if !ok && !counted[k] {
			counted[k] = true
			*unprobed++
		}
		for _, v := range vs {
			one := ports.Of(v.t.proto, v.t.port, v.t.port)
			set = set.Subtract(one)
			if v.open {
				set = set.Union(one)
			}
		}
		return set
	}
	return judge, unprobed
}

// MeshRuleset returns the nftables program RunMesh loads into the namespace
// of workload id ("ns/name") for cluster c with the mesh injected, for
// reading and tests.
func MeshRuleset(c *model.Cluster, p mesh.Profile, id string, opts ...Option) (string, error) {
	o := makeOptions(opts)
	lc, _, err := labCluster(c, false, true)
	if err != nil {
		return "", err
	}
	_, a, err := check.Run(lc, p, check.WithReachOptions(reach.WithIPBlockPods(o.ipBlockPods)))
	if err != nil {
		return "", err
	}
	return rulesetOf(a, id, o.ipBlockPods)
}
