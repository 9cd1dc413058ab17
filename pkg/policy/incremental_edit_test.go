package policy_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"

	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// edited is the cluster an Incremental engine should be answering for,
// kept by the test as plain model values.
type edited struct {
	c     *model.Cluster
	eps   []policy.Endpoint
	live  []bool
	donor []model.Policy // policies to add, from another generated cluster
	// donorCPs are cluster policies to add (incremental_tiers_test.go).
	donorCPs []model.ClusterPolicy
	r        *rand.Rand
	n        int // edits so far
}

// cluster is the edited cluster's objects (its endpoints aside).
func (w *edited) cluster() *model.Cluster {
	return &model.Cluster{Namespaces: w.c.Namespaces, Policies: w.c.Policies, ClusterPolicies: w.c.ClusterPolicies, Nodes: w.c.Nodes}
}

// liveEndpoints returns the live endpoints and their indexes.
func (w *edited) liveEndpoints() ([]policy.Endpoint, []int) {
	var eps []policy.Endpoint
	var idx []int
	for i, ep := range w.eps {
		if w.live[i] {
			eps = append(eps, ep)
			idx = append(idx, i)
		}
	}
	return eps, idx
}

// edit is one random change applied to both the edited and x.
type edit struct {
	name  string
	apply func(w *edited, x *policy.Incremental) (policy.Delta, bool)
}

var edits = []edit{
	{"add policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		p := w.donor[w.r.IntN(len(w.donor))]
		np := p.NetworkPolicy.DeepCopy()
		np.Namespace = w.c.Namespaces[w.r.IntN(len(w.c.Namespaces))].Name
		np.Name = fmt.Sprintf("edit-%d", w.n)
		return w.setPolicy(x, model.Policy{NetworkPolicy: np})
	}},
	{"modify policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		if len(w.c.Policies) == 0 {
			return policy.Delta{}, false
		}
		np := w.c.Policies[w.r.IntN(len(w.c.Policies))].NetworkPolicy.DeepCopy()
		w.mutate(np)
		return w.setPolicy(x, model.Policy{NetworkPolicy: np})
	}},
	{"add policy reading a new label", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		// A key no selector read before (a pod's own name or hash label):
		// classes must split on it.
		i, ok := w.pod()
		if !ok {
			return policy.Delta{}, false
		}
		sel := map[string]string{}
		for k, v := range w.eps[i].Labels {
			if k == "pod-template-hash" || k == "statefulset.kubernetes.io/pod-name" || k == "job-name" {
				sel[k] = v
			}
		}
		if len(sel) == 0 {
			return policy.Delta{}, false
		}
		np := w.donor[w.r.IntN(len(w.donor))].NetworkPolicy.DeepCopy()
		np.Namespace, np.Name = w.eps[i].Namespace, fmt.Sprintf("edit-%d", w.n)
		if w.r.IntN(2) == 0 {
			np.Spec.PodSelector = metav1.LabelSelector{MatchLabels: sel}
		} else {
			np.Spec.Ingress = append(np.Spec.Ingress, networkingv1.NetworkPolicyIngressRule{
				From: []networkingv1.NetworkPolicyPeer{{PodSelector: &metav1.LabelSelector{MatchLabels: sel}}}})
		}
		return w.setPolicy(x, model.Policy{NetworkPolicy: np})
	}},
	{"delete policy", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		if len(w.c.Policies) == 0 {
			return policy.Delta{}, false
		}
		i := w.r.IntN(len(w.c.Policies))
		np := w.c.Policies[i].NetworkPolicy
		w.c.Policies = slices.Delete(w.c.Policies, i, i+1)
		return x.DeletePolicy(np.Namespace, np.Name), true
	}},
	{"relabel pod", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		return w.relabelPod(x, func(l map[string]string) {
			switch w.r.IntN(4) {
			case 0:
				l["version"] = []string{"v1", "v2", "v3"}[w.r.IntN(3)]
			case 1:
				delete(l, "version")
			case 2:
				l["app"] = w.eps[w.r.IntN(len(w.eps))].Labels["app"]
			default:
				l["tier"] = []string{"frontend", "backend", "data"}[w.r.IntN(3)]
			}
		})
	}},
	{"relabel namespace", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		ns := &w.c.Namespaces[w.r.IntN(len(w.c.Namespaces))]
		l := maps.Clone(ns.Labels)
		if l == nil {
			l = map[string]string{}
		}
		switch w.r.IntN(3) {
		case 0:
			l["team"] = []string{"payments", "search", "ml"}[w.r.IntN(3)]
		case 1:
			l["env"] = []string{"prod", "staging", "dev"}[w.r.IntN(3)]
		default:
			if _, ok := l["linkerd.io/inject"]; ok {
				delete(l, "linkerd.io/inject")
			} else {
				l["linkerd.io/inject"] = "enabled"
			}
		}
		ns.Labels = l
		return x.SetNamespaceLabels(ns.Name, l), true
	}},
	{"add pod", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		i, ok := w.pod()
		if !ok {
			return policy.Delta{}, false
		}
		ep := w.eps[i]
		ep.ID, ep.Name = fmt.Sprintf("%s/added-%d", ep.Namespace, w.n), fmt.Sprintf("added-%d", w.n)
		ep.Labels = maps.Clone(w.eps[w.r.IntN(len(w.eps))].Labels)
		if len(ep.IPs) > 0 && w.r.IntN(2) == 0 {
			a := ep.IPs[0].As4()
			a[3] ^= byte(1 + w.r.IntN(200))
			ep.IPs = []netip.Addr{netip.AddrFrom4(a)}
		}
		got, d := x.AddEndpoint(ep)
		if got != len(w.eps) {
			panic("AddEndpoint index")
		}
		w.eps, w.live = append(w.eps, ep), append(w.live, true)
		return d, true
	}},
	{"remove pod", func(w *edited, x *policy.Incremental) (policy.Delta, bool) {
		i, ok := w.pod()
		if !ok {
			return policy.Delta{}, false
		}
		w.live[i] = false
		return x.RemoveEndpoint(i), true
	}},
}

// relabelPod relabels a random pod (edit changes a copy of its labels).
func (w *edited) relabelPod(x *policy.Incremental, edit func(l map[string]string)) (policy.Delta, bool) {
	i, ok := w.pod()
	if !ok {
		return policy.Delta{}, false
	}
	l := maps.Clone(w.eps[i].Labels)
	if l == nil {
		l = map[string]string{}
	}
	edit(l)
	w.eps[i].Labels = l
	return x.SetLabels(i, l), true
}

// pod picks a live endpoint that is not external.
func (w *edited) pod() (int, bool) {
	for range 20 {
		i := w.r.IntN(len(w.eps))
		if w.live[i] && !w.eps[i].IsExternal() {
			return i, true
		}
	}
	return 0, false
}

func (w *edited) setPolicy(x *policy.Incremental, p model.Policy) (policy.Delta, bool) {
	d, err := x.SetPolicy(p)
	if err != nil {
		return d, false // an invalid mutation: nothing changed
	}
	id := p.ID()
	if i := slices.IndexFunc(w.c.Policies, func(q model.Policy) bool { return q.ID() == id }); i >= 0 {
		w.c.Policies[i] = p
	} else {
		w.c.Policies = append(w.c.Policies, p)
	}
	return d, true
}

// mutate changes one thing in a policy: a port, a rule, a selector or the
// policy types.
func (w *edited) mutate(np *networkingv1.NetworkPolicy) {
	s := &np.Spec
	switch w.r.IntN(5) {
	case 0:
		for i := range s.Ingress {
			for j := range s.Ingress[i].Ports {
				if pp := &s.Ingress[i].Ports[j]; pp.Port != nil && pp.Port.Type == intstr.Int && pp.EndPort == nil {
					v := intstr.FromInt32(int32(1 + w.r.IntN(10000)))
					pp.Port = &v
					return
				}
			}
		}
		fallthrough
	case 1:
		if len(s.Ingress) > 0 {
			s.Ingress = s.Ingress[:len(s.Ingress)-1]
		}
	case 2:
		donor := w.donor[w.r.IntN(len(w.donor))].NetworkPolicy
		s.PodSelector = *donor.Spec.PodSelector.DeepCopy()
	case 3:
		donor := w.donor[w.r.IntN(len(w.donor))].NetworkPolicy
		if len(donor.Spec.Ingress) > 0 {
			s.Ingress = append(s.Ingress, *donor.Spec.Ingress[0].DeepCopy())
		}
		if len(donor.Spec.Egress) > 0 {
			s.Egress = append(s.Egress, *donor.Spec.Egress[0].DeepCopy())
			if !slices.Contains(s.PolicyTypes, "Egress") {
				s.PolicyTypes = append(s.PolicyTypes, "Egress")
			}
		}
	default:
		s.Egress = nil
		s.PolicyTypes = slices.DeleteFunc(s.PolicyTypes, func(t networkingv1.PolicyType) bool { return t == "Egress" })
		if len(s.PolicyTypes) == 0 {
			s.PolicyTypes = append(s.PolicyTypes, "Ingress")
		}
	}
}
