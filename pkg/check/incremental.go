package check

import (
	"fmt"
	"net/netip"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// Rechecker re-runs the mesh check of one cluster for a NetworkPolicy edit,
// evaluating only the check lines the edit can change.
//
// A NetworkPolicy governs only the traffic of the pods it selects: ingress
// to them, egress from them ("isolation … for a pod is determined by the
// NetworkPolicies selecting that pod",
// https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
// So a flow line can change only when the old or the new policy selects
// one of its source or destination workloads. Those flows are checked
// again on an analysis of the edited cluster cut down to what they read:
// the workloads of their peers, the NetworkPolicies of those workloads'
// namespaces (no other NetworkPolicy selects them), and everything
// cluster-wide (namespaces, tiers, Linkerd objects, externals, the external
// ranges of the whole cluster). Every other line is the state's own.
// Peers resolve alike in both clusters: an edit of a NetworkPolicy changes
// no workload, label or meshing.
type Rechecker struct {
	c     *model.Cluster // the input cluster of the state
	inj   *model.Cluster // as the mesh runs it (injection may add labels)
	p     mesh.Profile
	o     options
	flows []mesh.Flow
	r     *runner    // on the state's analysis
	pre   []Result   // the preamble
	lines [][]Result // per flow, its lines
	post  []Result   // the probe lines: no NetworkPolicy decides them
	peers [][]int    // per flow, the workloads (indexes in c) its peers resolve to
}

// NewRechecker runs the check of c under p (as Run does) and keeps, per
// flow, its lines and the workloads its peers resolve to. It returns nil
// for a cluster with gaps (their marks span lines) or with WithJudge (the
// lab's answers are not the engine's).
func NewRechecker(c *model.Cluster, p mesh.Profile, opts ...Option) (*Rechecker, *Report, *reach.Analysis, error) {
	rep, a, err := Run(c, p, opts...)
	if err != nil {
		return nil, nil, nil, err
	}
	var o options
	for _, f := range opts {
		f(&o)
	}
	if len(c.Gaps) > 0 || o.judge != nil {
		return nil, rep, a, nil
	}
	x := &Rechecker{c: c, inj: a.Cluster(), p: p, o: o, flows: p.Flows()}
	if len(x.inj.Workloads) != len(c.Workloads) {
		return nil, rep, a, nil // workloads the mesh adds: judged on full analyses
	}
	r := newRunner(p, a, x.flows, nil)
	x.r = r
	x.pre = preamble(c, a.Cluster(), p, r.meshed)
	n := len(x.pre)
	for _, f := range x.flows {
		lines := flowLines(r, f)
		x.lines = append(x.lines, lines)
		x.peers = append(x.peers, peerWorkloads(r, f))
		n += len(lines)
	}
	x.post = r.probes()
	n += len(x.post)
	if n != len(rep.Results) {
		return nil, nil, nil, fmt.Errorf("the check's lines (%d) are not its flows' (%d)", len(rep.Results), n)
	}
	return x, rep, a, nil
}

// flowLines are the lines of flow f, in Run's order.
func flowLines(r *runner, f mesh.Flow) []Result {
	if len(f.Ports) == 0 {
		return r.dataPlane(f)
	}
	out := []Result{r.flow(f)}
	if ar, ok := r.authorized(f); ok {
		out = append(out, ar)
	}
	return out
}

// peerWorkloads lists the workloads f's peers resolve to, sorted. The
// data-plane flow reads every workload: its line about unmeshed clients
// (unmeshed.go) has them all as sources.
func peerWorkloads(r *runner, f mesh.Flow) []int {
	if len(f.Ports) == 0 {
		out := make([]int, 0, len(r.c.Workloads))
		for i := range r.c.Workloads {
			if r.ep[i] >= 0 {
				out = append(out, i)
			}
		}
		return out
	}
	var out []int
	for _, p := range []mesh.Peer{f.From, f.To} {
		ps := r.resolve(p)
		for _, w := range ps.workloads {
			if w >= 0 {
				out = append(out, w)
			}
		}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// PolicyEdit is one NetworkPolicy replaced: Old nil for a create, New nil
// for a delete.
type PolicyEdit struct {
	Old, New *model.Policy
}

// Edit returns the check of after, which must be the rechecker's cluster
// with e applied and nothing else changed: Run(after, p)'s report.
func (x *Rechecker) Edit(after *model.Cluster, e PolicyEdit) (*Report, error) {
	return x.edit(after, e, nil)
}

// EditOn is Edit with the lines the edit can change judged by eng, an
// engine answering for after over the endpoints of the rechecker's
// analysis (policy.Incremental.View of an incremental engine built on
// them, with e applied), instead of an analysis of after. e's ipBlocks
// must cut the external ranges as the rechecker's cluster's do (an edit
// without ipBlocks does): the endpoints are the state's.
func (x *Rechecker) EditOn(after *model.Cluster, e PolicyEdit, eng *policy.Engine) (*Report, error) {
	if n, want := len(eng.Endpoints()), len(x.r.a.Engine().Endpoints()); n != want {
		return nil, fmt.Errorf("the engine has %d endpoints, the rechecker's analysis %d", n, want)
	}
	return x.edit(after, e, eng)
}

// edit is Edit, on eng when not nil.
func (x *Rechecker) edit(after *model.Cluster, e PolicyEdit, eng *policy.Engine) (*Report, error) {
	sel, err := x.selected(e)
	if err != nil {
		return nil, err
	}
	return x.rerun(after, sel, eng)
}

// rerun returns the check of after: the lines of the flows with a
// workload in sel judged again (on eng when not nil, else on a cut
// analysis), the others the state's.
func (x *Rechecker) rerun(after *model.Cluster, sel []bool, eng *policy.Engine) (*Report, error) {
	var affected []int
	keep := make([]bool, len(x.c.Workloads))
	for fi, ws := range x.peers {
		if slices.ContainsFunc(ws, func(w int) bool { return sel[w] }) {
			affected = append(affected, fi)
			for _, w := range ws {
				keep[w] = true
			}
		}
	}
	lines := x.lines
	if len(affected) > 0 {
		lines = slices.Clone(x.lines)
		if eng != nil {
			x.rejudge(after, eng, affected, lines)
		} else if err := x.recheck(after, keep, affected, lines); err != nil {
			return nil, err
		}
	}
	rep := &Report{Mesh: x.p.Name(), Version: x.p.Version(), Results: slices.Clone(x.pre)}
	for _, ls := range lines {
		rep.Results = append(rep.Results, ls...)
	}
	rep.Results = append(rep.Results, x.post...)
	return rep, nil
}

// selected marks the workloads of the rechecker's cluster the old or the
// new policy selects (by the template labels with the mesh's injection,
// or without).
func (x *Rechecker) selected(e PolicyEdit) ([]bool, error) {
	out := make([]bool, len(x.c.Workloads))
	for _, p := range []*model.Policy{e.Old, e.New} {
		if p == nil {
			continue
		}
		sel, err := metav1.LabelSelectorAsSelector(&p.NetworkPolicy.Spec.PodSelector)
		if err != nil {
			return nil, fmt.Errorf("NetworkPolicy %s: spec.podSelector: %w", p.ID(), err)
		}
		for i := range x.c.Workloads {
			w, iw := &x.c.Workloads[i], &x.inj.Workloads[i]
			// The engine matches the labels as the mesh runs the pods; the
			// input's too, to be safe.
			if w.Namespace == p.NetworkPolicy.Namespace && (sel.Matches(labels.Set(iw.Template.Labels)) || sel.Matches(labels.Set(w.Template.Labels))) {
				out[i] = true
			}
		}
	}
	return out, nil
}

// recheck replaces lines[f] for the affected flows by their lines in
// after, on an analysis of after cut down to the kept workloads.
func (x *Rechecker) recheck(after *model.Cluster, keep []bool, affected []int, lines [][]Result) error {
	if len(after.Workloads) != len(x.c.Workloads) {
		return fmt.Errorf("the edited cluster has other workloads")
	}
	cut := *after
	cut.Workloads = nil
	nss := map[string]bool{}
	for i, k := range keep {
		if k {
			cut.Workloads = append(cut.Workloads, after.Workloads[i])
			nss[after.Workloads[i].Namespace] = true
		}
	}
	cut.Policies = slices.DeleteFunc(slices.Clone(after.Policies), func(p model.Policy) bool { return !nss[p.NetworkPolicy.Namespace] })
	if slices.ContainsFunc(x.flows, func(f mesh.Flow) bool { return f.From.Kind == mesh.PeerAny }) { // as Run adds it
		cut.Externals = append(slices.Clip(after.Externals), model.External{Name: anywhere, Prefix: netip.MustParsePrefix("0.0.0.0/0")})
	}
	a, err := reach.Analyze(&cut, append(slices.Clip(x.o.reach), reach.WithRangesOf(after), reach.WithLevel(reach.LevelWorkload), reach.WithMesh(x.p))...)
	if err != nil {
		return fmt.Errorf("analysing the edited cluster: %w", err)
	}
	r := newRunner(x.p, a, x.flows, nil)
	for _, fi := range affected {
		lines[fi] = flowLines(r, x.flows[fi])
	}
	return nil
}

// rejudge replaces lines[f] for the affected flows by their lines in
// after, judged by eng on the state's analysis: peers, meshing and ports
// are the state's (a NetworkPolicy edit changes none of them), the
// NetworkPolicies after's.
func (x *Rechecker) rejudge(after *model.Cluster, eng *policy.Engine, affected []int, lines [][]Result) {
	r := *x.r
	c := *r.c
	c.Policies, c.ClusterPolicies = after.Policies, after.ClusterPolicies
	r.c, r.eng = &c, eng
	r.judge = func(_ *reach.Analysis, src, dst int) ports.Set { return eng.Allowed(src, dst) }
	for _, fi := range affected {
		lines[fi] = flowLines(&r, x.flows[fi])
	}
}
