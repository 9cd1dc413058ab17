package fix

import (
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
)

// narrow keeps every proposed policy from isolating a pod that was not
// isolated before: a NetworkPolicy that selects a pod isolates it for its
// policyTypes, so a group whose target also selects an open pod would take
// that pod's reachability away. Such a group is split into one policy per
// already-isolated workload, each selecting that workload alone.
func (b *builder) narrow() {
	eng := b.a.Engine()
	for _, key := range slices.Sorted(maps.Keys(b.groups)) {
		g := b.groups[key]
		selected := b.selected(g.ns, g.target)
		var isolated []*model.Workload
		for _, w := range selected {
			if idx, ok := b.a.EndpointIndex(w.ID()); ok && len(eng.Isolating(idx, g.dir)) > 0 {
				isolated = append(isolated, w)
			}
		}
		if len(isolated) == len(selected) {
			continue
		}
		delete(b.groups, key)
		for _, w := range isolated {
			ng := *g
			ng.name = truncate(g.name + "-" + w.Name)
			ng.target = &metav1.LabelSelector{MatchLabels: maps.Clone(w.Template.Labels)}
			if len(b.selected(g.ns, ng.target)) != 1 {
				continue // the workload's labels also select an open pod: leave it to the re-check to report
			}
			b.groups[g.ns+"/"+ng.name] = &ng
		}
	}
}

// selected lists the workloads of ns a selector selects.
func (b *builder) selected(ns string, s *metav1.LabelSelector) []*model.Workload {
	sel, err := metav1.LabelSelectorAsSelector(s)
	if err != nil {
		return nil
	}
	var out []*model.Workload
	for i := range b.a.Cluster().Workloads {
		w := &b.a.Cluster().Workloads[i]
		if w.Namespace == ns && !w.Template.HostNetwork && sel.Matches(labels.Set(w.Template.Labels)) {
			out = append(out, w)
		}
	}
	return out
}
