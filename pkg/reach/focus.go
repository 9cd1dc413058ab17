package reach

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Focus is the part of a matrix (or of a Delta) a user asks to see. It
// filters what is shown, never what is computed from: every policy of
// every namespace still decides each shown pair. The zero Focus shows
// everything.
//
// A pair (source, destination) of distinct nodes is shown when
//
//   - the source is one of From and matches FromSelector,
//   - the destination is one of To and matches ToSelector, and
//   - at least one of its ends is in scope: in one of Namespaces and
//     matching Selector (kubectl's "-n NS -l SELECTOR": the things in that
//     namespace with those labels). A namespace owner sees who can reach
//     their pods and what their pods can reach, not only one direction.
//
// Empty lists and nil selectors do not filter. Port narrows every shown
// pair to that port: a connection is listed when it allows it, with only
// it.
type Focus struct {
	// From and To are names as Resolve reads them (a workload, pod,
	// Service — its backends — or external peer), or "namespace/NS" (also
	// "ns/NS") for every endpoint of a namespace; any of them.
	From, To                 []string
	FromSelector, ToSelector labels.Selector
	Namespaces               []string
	Selector                 labels.Selector
	Port                     PortSpec
	// DefaultNamespace is the namespace of names typed without one.
	DefaultNamespace string
}

// IsZero reports whether f filters nothing.
func (f *Focus) IsZero() bool {
	return len(f.From) == 0 && len(f.To) == 0 && f.FromSelector == nil && f.ToSelector == nil &&
		len(f.Namespaces) == 0 && f.Selector == nil && f.Port == (PortSpec{})
}

// FocusError is a name of a Focus that does not resolve. Field is "From"
// or "To".
type FocusError struct {
	Field, Ref string
	Err        error
}

// Error is the field and the resolution error (which names the value).
func (e *FocusError) Error() string { return e.Field + " " + e.Err.Error() }

func (e *FocusError) Unwrap() error { return e.Err }

// errFocused is Diff's and Focus's answer for an analysis already focused.
var errFocused = errors.New("the analysis is focused: focus the unfocused analysis (or the Delta) instead")

// Focus returns a view of a that shows only what f selects: Nodes lists
// the nodes of the shown pairs, and Matrix, Blocks and Unevaluated cover
// only those pairs, so a narrow focus scans only its rows (and, for
// sources out of scope, only the in-scope columns). Explain, Resolve and
// every endpoint lookup answer as on a. Diff refuses a focused analysis:
// focus its Delta (Delta.Focus).
func (a *Analysis) Focus(f Focus) (*Analysis, error) {
	if a.view != nil {
		return nil, errFocused
	}
	m, err := a.focusMembers(&f)
	if err != nil {
		return nil, err
	}
	out := *a
	out.view, out.nodes = m.view(a.nodes)
	if f.Port != (PortSpec{}) {
		out.view.port = newPortFilter(f.Port)
	}
	return &out, nil
}

// members says, per node of a (by position), whether it is a possible
// source, a possible destination and in scope.
type members struct {
	from, to, scope []bool
	ext             []bool // an external node (a pair of two is none)
	scoped          bool   // scope filters something
}

func (a *Analysis) focusMembers(f *Focus) (*members, error) {
	m := &members{scoped: len(f.Namespaces) > 0 || f.Selector != nil}
	var err error
	if m.from, err = a.side(f, "From", f.From, f.FromSelector); err != nil {
		return nil, err
	}
	if m.to, err = a.side(f, "To", f.To, f.ToSelector); err != nil {
		return nil, err
	}
	eps := a.engine.Endpoints()
	m.scope, m.ext = make([]bool, len(a.nodes)), make([]bool, len(a.nodes))
	for i, n := range a.nodes {
		ep := &eps[n]
		m.ext[i] = ep.IsExternal()
		m.scope[i] = (len(f.Namespaces) == 0 || !ep.IsExternal() && slices.Contains(f.Namespaces, ep.Namespace)) &&
			selects(f.Selector, ep)
	}
	return m, nil
}

// selects reports whether sel matches ep's labels; a nil selector matches
// everything, any other never matches an external peer (it has no labels:
// it is not a pod).
func selects(sel labels.Selector, ep *policy.Endpoint) bool {
	if sel == nil {
		return true
	}
	return !ep.IsExternal() && sel.Matches(labels.Set(ep.Labels))
}

// side is, per node, whether it is one of refs (every node when there are
// none) and matches sel.
func (a *Analysis) side(f *Focus, field string, refs []string, sel labels.Selector) ([]bool, error) {
	in := make([]bool, len(a.nodes))
	pos := make(map[int]int, len(a.nodes)) // endpoint -> node position
	for i, n := range a.nodes {
		pos[n] = i
		in[i] = len(refs) == 0
	}
	for _, ref := range refs {
		eps, err := a.focusEndpoints(ref, f.DefaultNamespace)
		if err != nil {
			return nil, &FocusError{Field: field, Ref: ref, Err: err}
		}
		for _, e := range eps {
			if i, ok := pos[e]; ok {
				in[i] = true
			}
		}
	}
	eps := a.engine.Endpoints()
	for i, n := range a.nodes {
		in[i] = in[i] && selects(sel, &eps[n])
	}
	return in, nil
}

// focusEndpoints are the matrix nodes a focus name stands for: a
// namespace's nodes; else what Resolve finds, as nodes of the matrix's
// level (a workload at pod level is its pods, a pod at workload level its
// workload).
func (a *Analysis) focusEndpoints(ref, defaultNS string) ([]int, error) {
	if kind, ns, ok := strings.Cut(ref, "/"); ok && (kind == "namespace" || kind == "ns") && !strings.Contains(ns, "/") {
		return a.namespaceNodes(ref, ns)
	}
	t, err := a.Resolve(ref, defaultNS)
	if err != nil {
		return nil, err
	}
	var out []int
	for _, e := range t.Endpoints {
		out = append(out, a.levelNodes(e)...)
	}
	return out, nil
}

func (a *Analysis) namespaceNodes(ref, ns string) ([]int, error) {
	eps := a.engine.Endpoints()
	var out []int
	for _, n := range a.nodes {
		if !eps[n].IsExternal() && eps[n].Namespace == ns {
			out = append(out, n)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%q: no %s in namespace %s in the input", ref, a.opts.level, ns)
	}
	return out, nil
}

// levelNodes maps endpoint e to the matrix nodes it stands for.
func (a *Analysis) levelNodes(e int) []int {
	id := a.engine.Endpoints()[e].ID
	for i := range a.cluster.Workloads {
		w := &a.cluster.Workloads[i]
		if w.ID() != id && !slices.ContainsFunc(w.Pods, func(p model.Pod) bool { return w.Namespace+"/"+p.Name == id }) {
			continue
		}
		if a.opts.level == LevelWorkload {
			return a.idsToEndpoints(w.ID())
		}
		if w.ID() != id {
			return a.idsToEndpoints(id) // one pod of it
		}
		var ids []string
		for _, ep := range podEndpoints(w, a.opts.expand) {
			ids = append(ids, ep.ID)
		}
		return a.idsToEndpoints(ids...)
	}
	return []int{e} // an external
}

func (a *Analysis) idsToEndpoints(ids ...string) []int {
	var out []int
	for _, id := range ids {
		if e, ok := a.byID[id]; ok {
			out = append(out, e)
		}
	}
	return out
}

// shownEndpoints are the endpoints a focused analysis's answers are about:
// its nodes and, at workload level, the pods of its workloads (a policy
// selecting one pod of a shown workload could change its pairs).
func (a *Analysis) shownEndpoints() map[int]bool {
	shown := make(map[int]bool, len(a.nodes))
	for _, n := range a.nodes {
		shown[n] = true
	}
	if a.opts.level != LevelWorkload {
		return shown
	}
	for i := range a.cluster.Workloads {
		w := &a.cluster.Workloads[i]
		if e, ok := a.byID[w.ID()]; !ok || !shown[e] {
			continue
		}
		for _, p := range w.Pods {
			if e, ok := a.byID[w.Namespace+"/"+p.Name]; ok {
				shown[e] = true
			}
		}
	}
	return shown
}
