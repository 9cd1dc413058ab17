package linkerd

import (
	"maps"
	"slices"

	"github.com/podreach/podreach/pkg/model"
)

// cloneCluster returns a deep copy of c: no map, slice or pointer is shared.
// (It belongs in package model; clone_test.go fails when a model type gains
// a field this function does not know.)
func cloneCluster(c *model.Cluster) *model.Cluster {
	out := &model.Cluster{
		Namespaces: slices.Clone(c.Namespaces),
		Workloads:  slices.Clone(c.Workloads),
		Services:   slices.Clone(c.Services),
		Policies:   slices.Clone(c.Policies),
		Objects:    slices.Clone(c.Objects),
		Externals:  slices.Clone(c.Externals),
		Gaps:       slices.Clone(c.Gaps),
	}
	for i := range out.Gaps {
		out.Gaps[i].Resources = slices.Clone(out.Gaps[i].Resources)
	}
	for i := range out.Namespaces {
		ns := &out.Namespaces[i]
		ns.Labels, ns.Annotations = maps.Clone(ns.Labels), maps.Clone(ns.Annotations)
	}
	for i := range out.Workloads {
		w := &out.Workloads[i]
		w.Labels, w.Annotations = maps.Clone(w.Labels), maps.Clone(w.Annotations)
		w.Template = cloneSpec(w.Template)
		w.Pods = slices.Clone(w.Pods)
		for j := range w.Pods {
			p := &w.Pods[j]
			p.Spec, p.IPs = cloneSpec(p.Spec), slices.Clone(p.IPs)
		}
	}
	for i := range out.Services {
		s := &out.Services[i]
		s.Selector, s.Ports = maps.Clone(s.Selector), slices.Clone(s.Ports)
	}
	for i := range out.Policies {
		out.Policies[i].NetworkPolicy = out.Policies[i].NetworkPolicy.DeepCopy()
	}
	for i := range out.Objects {
		o := &out.Objects[i]
		o.Labels, o.Annotations, o.Data = maps.Clone(o.Labels), maps.Clone(o.Annotations), maps.Clone(o.Data)
	}
	return out
}

func cloneSpec(s model.PodSpec) model.PodSpec {
	s.Labels, s.Annotations = maps.Clone(s.Labels), maps.Clone(s.Annotations)
	s.Containers = slices.Clone(s.Containers)
	for i := range s.Containers {
		s.Containers[i].Ports = slices.Clone(s.Containers[i].Ports)
	}
	return s
}
