package lint

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/selection"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/reach"
)

// scope is what every rule reads: the effective cluster, its policies
// compiled, and which workloads each selects.
type scope struct {
	a        *reach.Analysis
	c        *model.Cluster
	policies []*netpol.Policy // as c.Policies
	nsLabels map[string]labels.Set
	byNS     map[string][]int // selectable workloads per namespace (not host-network)
	selected [][]int          // per policy: the workloads it selects
	annot    map[string]map[string]string
	// given holds the IDs of the workloads of the input: the effective
	// cluster may add some (a modelled mesh control plane), which no
	// finding is about.
	given map[string]bool

	// Memos: the policies of a cluster repeat a few selectors many times.
	podMemo  map[selectorIn][]int    // selector key in namespace -> workloads
	peerMemo map[*netpol.Rule][]int  // rule -> the workloads its pod peers match (destinations)
	nsMemo   map[string][]string     // selector key -> namespaces
	ports    [][]model.ContainerPort // per workload: declared ports, templates and pods
	byPort   map[portName][]int      // named port -> workloads declaring it, sorted
	everyPod []int                   // every selectable workload (nil: none)
	pools    map[string]*labelPool   // namespaces (joined) -> their pods' labels
	// byLabel indexes the selectable workloads of each namespace by the
	// labels of their template and known pods: namespace, key and value
	// ("" for the key alone) -> workloads, sorted.
	byLabel map[labelAt][]int
	// nsLabelKVs are the distinct labels of each namespace's selectable
	// workloads (templates and known pods), in first-seen order.
	nsLabelKVs map[string][]labelKV
}

// selectorIn is a pod selector (netpol.Selector.Key) in a namespace.
type selectorIn struct{ key, ns string }

// labelAt is a label (or, with value "", a key) in a namespace.
type labelAt struct{ ns, key, value string }

// portName is a container port's name and protocol.
type portName struct {
	name  string
	proto model.Protocol
}

func newScope(a *reach.Analysis) (*scope, error) {
	c := a.Cluster()
	cps, err := netpol.CompileAll(c.Policies)
	if err != nil {
		return nil, fmt.Errorf("compiling policies: %w", err)
	}
	s := &scope{a: a, c: c, policies: cps, nsLabels: map[string]labels.Set{}, byNS: map[string][]int{},
		podMemo: map[selectorIn][]int{}, peerMemo: map[*netpol.Rule][]int{}, pools: map[string]*labelPool{}, nsMemo: map[string][]string{}, byPort: map[portName][]int{}}
	for _, ns := range c.Namespaces {
		l := make(labels.Set, len(ns.Labels)+1)
		for k, v := range ns.Labels {
			l[k] = v
		}
		// "The Kubernetes control plane sets an immutable label
		// kubernetes.io/metadata.name on all namespaces."
		l[model.NamespaceNameLabel] = ns.Name
		s.nsLabels[ns.Name] = l
	}
	s.given = map[string]bool{}
	for i := range a.Input().Workloads {
		s.given[a.Input().Workloads[i].ID()] = true
	}
	for i := range c.Workloads {
		if w := &c.Workloads[i]; !w.Template.HostNetwork {
			s.byNS[w.Namespace] = append(s.byNS[w.Namespace], i)
		}
	}
	s.ports = make([][]model.ContainerPort, len(c.Workloads))
	for i := range c.Workloads {
		s.ports[i] = workloadPorts(&c.Workloads[i])
		for _, cp := range s.ports[i] {
			if k := (portName{cp.Name, cp.Protocol}); cp.Name != "" && !slices.Contains(s.byPort[k], i) {
				s.byPort[k] = append(s.byPort[k], i)
			}
		}
	}
	s.byLabel, s.nsLabelKVs = map[labelAt][]int{}, map[string][]labelKV{}
	for ns, ws := range s.byNS {
		for _, i := range ws {
			w := &c.Workloads[i]
			s.indexLabels(ns, i, w.Template.Labels)
			for j := range w.Pods {
				s.indexLabels(ns, i, w.Pods[j].Spec.Labels)
			}
		}
	}
	for i := range c.Workloads {
		if !c.Workloads[i].Template.HostNetwork {
			s.everyPod = append(s.everyPod, i)
		}
	}
	s.selected = make([][]int, len(cps))
	for i, p := range cps {
		s.selected[i] = s.inNamespace(p.PodSelector, p.Namespace)
	}
	return s, nil
}

// fork returns a scope that shares s's indexes, which the rules only
// read, with memos of its own: the two can run rules at once.
func (s *scope) fork() *scope {
	f := *s
	f.podMemo, f.nsMemo, f.pools = map[selectorIn][]int{}, map[string][]string{}, map[string]*labelPool{}
	f.peerMemo, f.annot = map[*netpol.Rule][]int{}, nil
	return &f
}

// workloadPorts returns the ports w's template and known pods declare,
// without repeats.
func workloadPorts(w *model.Workload) []model.ContainerPort {
	out := w.Template.Ports()
	for j := range w.Pods {
		for _, cp := range w.Pods[j].Spec.Ports() {
			if !slices.Contains(out, cp) {
				out = append(out, cp)
			}
		}
	}
	return out
}

// indexLabels adds workload i, of namespace ns, under each of labels l
// and their keys (workloads come in increasing order, once per set).
func (s *scope) indexLabels(ns string, i int, l map[string]string) {
	add := func(k labelAt) {
		if ws := s.byLabel[k]; len(ws) == 0 || ws[len(ws)-1] != i {
			s.byLabel[k] = append(ws, i)
		}
	}
	for k, v := range l {
		if _, seen := s.byLabel[labelAt{ns, k, v}]; !seen || v == "" {
			s.nsLabelKVs[ns] = append(s.nsLabelKVs[ns], labelKV{k, v})
		}
		add(labelAt{ns, k, v})
		add(labelAt{ns, k, ""})
	}
}

// inNamespace returns the selectable workloads of namespace ns that sel
// matches (memoized).
func (s *scope) inNamespace(sel *netpol.Selector, ns string) []int {
	k := selectorIn{sel.Key, ns}
	if ws, ok := s.podMemo[k]; ok {
		return ws
	}
	ws := s.matching(sel, s.candidates(sel, ns))
	s.podMemo[k] = ws
	return ws
}

// candidates returns, sorted, the workloads of namespace ns that may match
// sel: those having the label (or key) of its narrowest equality, set or
// existence requirement — a workload that matches has it on its template
// or a pod — or, without such a requirement, all of them.
func (s *scope) candidates(sel *netpol.Selector, ns string) []int {
	out := s.byNS[ns]
	reqs, _ := sel.Requirements()
	for _, r := range reqs {
		var ws []int
		switch r.Operator() {
		case selection.Equals, selection.DoubleEquals, selection.In:
			for v := range r.Values() {
				ws = append(ws, s.byLabel[labelAt{ns, r.Key(), v}]...)
			}
			if r.Values().Len() > 1 {
				slices.Sort(ws)
				ws = slices.Compact(ws)
			}
		case selection.Exists:
			ws = s.byLabel[labelAt{ns, r.Key(), ""}]
		default:
			continue
		}
		if len(ws) < len(out) {
			out = ws
		}
	}
	return out
}

// matching returns the workloads of ws whose template or a known pod sel
// matches.
func (s *scope) matching(sel labels.Selector, ws []int) []int {
	var out []int
	for _, i := range ws {
		if s.workloadMatches(sel, i) {
			out = append(out, i)
		}
	}
	return out
}

func (s *scope) workloadMatches(sel labels.Selector, i int) bool {
	w := &s.c.Workloads[i]
	if sel.Matches(labels.Set(w.Template.Labels)) {
		return true
	}
	for j := range w.Pods {
		if sel.Matches(labels.Set(w.Pods[j].Spec.Labels)) {
			return true
		}
	}
	return false
}

// namespaces returns the namespaces sel matches, sorted (c.Namespaces is),
// memoized.
func (s *scope) namespaces(sel *netpol.Selector) []string {
	if out, ok := s.nsMemo[sel.Key]; ok {
		return out
	}
	var out []string
	for _, ns := range s.c.Namespaces {
		if sel.Matches(s.nsLabels[ns.Name]) {
			out = append(out, ns.Name)
		}
	}
	s.nsMemo[sel.Key] = out
	return out
}

// peerScope returns the namespaces a pod peer of a policy in namespace
// policyNS reaches into: the policy's own without a namespaceSelector.
func (s *scope) peerScope(pe *netpol.Peer, policyNS string) []string {
	if pe.NamespaceSelector == nil {
		return []string{policyNS}
	}
	return s.namespaces(pe.NamespaceSelector)
}

// peerWorkloads returns the workloads a pod peer matches.
func (s *scope) peerWorkloads(pe *netpol.Peer, policyNS string) []int {
	var out []int
	for _, ns := range s.peerScope(pe, policyNS) {
		if pe.PodSelector == nil {
			out = append(out, s.byNS[ns]...)
			continue
		}
		out = append(out, s.inNamespace(pe.PodSelector, ns)...)
	}
	return out
}

// annotations returns the annotations of the object a finding names.
func (s *scope) annotations(object string) map[string]string {
	if s.annot == nil {
		s.annot = map[string]map[string]string{}
		for i := range s.c.Policies {
			s.annot[policyObject(&s.c.Policies[i])] = s.c.Policies[i].NetworkPolicy.Annotations
		}
		for _, ns := range s.c.Namespaces {
			s.annot[namespaceObject(ns.Name)] = ns.Annotations
		}
		for i := range s.c.Workloads {
			s.annot[workloadObject(&s.c.Workloads[i])] = s.c.Workloads[i].Annotations
		}
		for i := range s.c.ClusterPolicies {
			s.annot[TierObject(&s.c.ClusterPolicies[i])] = tierAnnotations(&s.c.ClusterPolicies[i])
		}
	}
	return s.annot[object]
}

func policyObject(p *model.Policy) string     { return "NetworkPolicy " + p.ID() }
func namespaceObject(ns string) string        { return "Namespace " + ns }
func workloadObject(w *model.Workload) string { return w.Kind.String() + " " + w.ID() }

// onPolicy is a finding about policy i.
func (s *scope) onPolicy(i int, field, msg, hint string) Finding {
	p := &s.c.Policies[i]
	return Finding{Object: policyObject(p), Field: field, Source: p.Source, Message: msg, Hint: hint}
}

// workloadNames lists the IDs of workloads ws, at most max of them, then
// "and N more".
func (s *scope) workloadNames(ws []int, max int) string {
	out := ""
	for k, i := range ws {
		if k == max {
			return fmt.Sprintf("%s and %d more", out, len(ws)-max)
		}
		if k > 0 {
			out += ", "
		}
		out += s.c.Workloads[i].ID()
	}
	return out
}
