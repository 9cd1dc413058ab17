package reach

import (
	"fmt"
	"slices"
	"strings"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
)

// Target is what a user-typed name resolved to.
type Target struct {
	Ref       string         // as typed
	What      string         // "Deployment emojivoto/web", "Service linkerd/linkerd-dst", "external apiserver"
	Endpoints []int          // endpoint indexes
	Service   *model.Service // set when the name is a Service
	// Names, when set, is per endpoint the name its decisions carry: the
	// piece of a typed address an induced range answers for.
	Names    []string
	Notes    []string // how the name resolved, when that needs saying
	External bool     // the endpoints are outside the pod network
}

// Resolve turns a name into endpoints. Accepted forms:
//
//	NAME             an external peer (--external NAME=CIDR); else DEFAULT-NS/NAME
//	NS/NAME          a workload, else a pod, else a Service of that name
//	NS/KIND/NAME     explicitly, KIND being svc/service, pod, deploy, sts, ds, …
//	KIND/NS/NAME     the same, kind first (svc/linkerd/linkerd-dst)
//	IP or CIDR       a known pod's IP is that pod; else outside the pod
//	                 network (see ParseAddress, docs/externals.md)
//
// A workload and a Service often share a name; NS/NAME then means the
// workload, and svc/NS/NAME the Service. An external the policies' blocks
// cut stands for all its pieces; NAME[RANGE] names one.
func (a *Analysis) Resolve(ref, defaultNS string) (Target, error) {
	t := Target{Ref: ref}
	if eps, ok := a.ext.named[ref]; ok {
		t.What, t.Endpoints, t.External = "external "+ref, eps, true
		if len(eps) > 1 {
			t.What += ", cut at the policies' ipBlock boundaries"
		}
		return t, nil
	}
	if i, ok := a.endpoint(ref); ok && a.engine.Endpoints()[i].IsExternal() {
		t.What, t.Endpoints, t.External = "external "+ref, []int{i}, true
		return t, nil
	}
	if t, ok, err := a.resolvePiece(t); ok {
		return t, err
	}
	if p, ok, err := ParseAddress(ref); ok {
		if err != nil {
			return t, err
		}
		return a.resolveAddress(t, p)
	}
	parts := strings.Split(ref, "/")
	switch len(parts) {
	case 1:
		return a.resolveIn(t, defaultNS, "", ref)
	case 2:
		return a.resolveIn(t, parts[0], "", parts[1])
	case 3:
		if isKindWord(parts[0]) {
			return a.resolveIn(t, parts[1], parts[0], parts[2])
		}
		return a.resolveIn(t, parts[0], parts[1], parts[2])
	}
	return t, fmt.Errorf("cannot parse %q: want NS/NAME, NS/KIND/NAME, an IP, a CIDR or an external name", ref)
}

func isKindWord(s string) bool {
	return isServiceWord(s) || model.ParseKind(s) != model.KindUnknown
}

func isServiceWord(s string) bool {
	switch strings.ToLower(s) {
	case "svc", "service", "services":
		return true
	}
	return false
}

func (a *Analysis) resolveIn(t Target, ns, kind, name string) (Target, error) {
	if kind != "" && !isKindWord(kind) {
		return t, fmt.Errorf("%q: unknown kind %q", t.Ref, kind)
	}
	if kind == "" || !isServiceWord(kind) {
		want := model.ParseKind(kind)
		if w := a.findWorkload(ns, name, want); w != nil {
			i, _ := a.endpoint(w.ID())
			t.What, t.Endpoints = w.Kind.String()+" "+w.ID(), []int{i}
			return t, nil
		}
		if want == model.KindUnknown || want == model.KindPod {
			if i, ok := a.endpoint(ns + "/" + name); ok {
				t.What, t.Endpoints = "Pod "+ns+"/"+name, []int{i}
				return t, nil
			}
		}
		if kind != "" {
			return t, fmt.Errorf("%q: no %s %s/%s in the input", t.Ref, want, ns, name)
		}
	}
	if s := a.findService(ns, name); s != nil {
		t.What, t.Service = "Service "+ns+"/"+name, s
		t.Endpoints = a.serviceBackends(s)
		if len(t.Endpoints) == 0 {
			return t, fmt.Errorf("%q: Service %s/%s selects no workload in the input", t.Ref, ns, name)
		}
		return t, nil
	}
	return t, fmt.Errorf("%q: no workload, pod or Service named %s in namespace %s%s", t.Ref, name, ns, a.suggest(ns, name))
}

func (a *Analysis) findWorkload(ns, name string, kind model.Kind) *model.Workload {
	for i := range a.cluster.Workloads {
		w := &a.cluster.Workloads[i]
		if w.Namespace == ns && w.Name == name && (kind == model.KindUnknown || w.Kind == kind) {
			return w
		}
	}
	return nil
}

func (a *Analysis) findService(ns, name string) *model.Service {
	for i := range a.cluster.Services {
		if s := &a.cluster.Services[i]; s.Namespace == ns && s.Name == name {
			return s
		}
	}
	return nil
}

// serviceBackends returns the workload endpoints whose pod template the
// Service's selector matches. A Service without selector has none.
func (a *Analysis) serviceBackends(s *model.Service) []int {
	if len(s.Selector) == 0 {
		return nil
	}
	sel := labels.SelectorFromSet(s.Selector)
	var out []int
	for i := range a.cluster.Workloads {
		w := &a.cluster.Workloads[i]
		if w.Namespace == s.Namespace && sel.Matches(labels.Set(w.Template.Labels)) {
			if idx, ok := a.endpoint(w.ID()); ok {
				out = append(out, idx)
			}
		}
	}
	return out
}

// suggest lists the names in ns, to help with typos.
func (a *Analysis) suggest(ns, name string) string {
	var names []string
	for i := range a.cluster.Workloads {
		if w := &a.cluster.Workloads[i]; w.Namespace == ns {
			names = append(names, w.Name)
		}
	}
	for i := range a.cluster.Services {
		if s := &a.cluster.Services[i]; s.Namespace == ns {
			names = append(names, "svc/"+s.Name)
		}
	}
	if len(names) == 0 {
		return " (the namespace has no workloads or Services in the input)"
	}
	slices.Sort(names)
	names = slices.Compact(names)
	if len(names) > 12 {
		names = append(names[:12], "…")
	}
	return " (it has: " + strings.Join(names, ", ") + ")"
}
