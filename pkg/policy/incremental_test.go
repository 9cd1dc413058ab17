package policy_test

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"testing"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/util/intstr"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// edited is the cluster an Incremental engine should be answering for,
// kept by the test as plain model values.
type edited struct {
	c     *model.Cluster
	eps   []policy.Endpoint
	live  []bool
	donor []model.Policy // policies to add, from another generated cluster
	r     *rand.Rand
	n     int // edits so far
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
		i, ok := w.pod()
		if !ok {
			return policy.Delta{}, false
		}
		l := maps.Clone(w.eps[i].Labels)
		if l == nil {
			l = map[string]string{}
		}
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
		w.eps[i].Labels = l
		return x.SetLabels(i, l), true
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

// runEdits applies steps random edits to an Incremental engine built on c
// and, after each, checks it against a fresh Engine (every pair), the
// Delta against the fresh engines before and after (every pair), and
// samples of pairs against the reference evaluator.
func runEdits(t *testing.T, c *model.Cluster, donor *model.Cluster, seed uint64, steps, refPairs int) {
	t.Helper()
	w := &edited{c: c, eps: endpointsOf(c), donor: donor.Policies, r: rand.New(rand.NewPCG(seed, 2))}
	w.live = make([]bool, len(w.eps))
	for i := range w.live {
		w.live[i] = true
	}
	x, err := policy.NewIncremental(c, w.eps)
	if err != nil {
		t.Fatal(err)
	}
	before := matrixOf(t, w)
	for step := range steps {
		w.n = step
		e := edits[w.r.IntN(len(edits))]
		d, ok := e.apply(w, x)
		if !ok {
			continue
		}
		after := matrixOf(t, w)
		where := fmt.Sprintf("step %d (%s)", step, e.name)
		checkAgainst(t, where, x, after)
		checkDelta(t, where, w, x, d, before, after)
		checkReference(t, where, w, x, refPairs, seed+uint64(step))
		if t.Failed() {
			t.FailNow()
		}
		before = after
	}
}

// matrix is every allowed set of a fresh engine on the edited, by endpoint
// index of the edited (removed endpoints have no row).
type matrix map[[2]int]ports.Set

func matrixOf(t *testing.T, w *edited) matrix {
	t.Helper()
	eps, idx := w.liveEndpoints()
	eng, err := policy.New(&model.Cluster{Namespaces: w.c.Namespaces, Policies: w.c.Policies}, eps)
	if err != nil {
		t.Fatal(err)
	}
	all := make([]int, len(eps))
	for i := range all {
		all[i] = i
	}
	sc := eng.NewScanner(all)
	m := make(matrix, len(eps)*len(eps))
	for s := range eps {
		sc.Row(s)
		for d := range eps {
			m[[2]int{idx[s], idx[d]}] = sc.Allowed(d)
		}
	}
	return m
}

func checkAgainst(t *testing.T, where string, x *policy.Incremental, m matrix) {
	t.Helper()
	bad := 0
	for k, want := range m {
		if got := x.Allowed(k[0], k[1]); !got.Equal(want) && bad < 5 {
			bad++
			eps := x.Endpoints()
			t.Errorf("%s: %s -> %s: incremental %s, fresh engine %s", where, eps[k[0]].ID, eps[k[1]].ID, got, want)
		}
	}
}

// checkDelta checks that d lists exactly the pairs whose answer changed
// between the fresh engines before and after the edit.
func checkDelta(t *testing.T, where string, w *edited, x *policy.Incremental, d policy.Delta, before, after matrix) {
	t.Helper()
	reported := map[[2]int]policy.Change{}
	eps := x.Endpoints()
	for _, c := range d.Changes {
		for _, a := range c.From {
			for _, b := range c.To {
				if a == b && eps[a].Single {
					continue
				}
				k := [2]int{int(a), int(b)}
				if _, dup := reported[k]; dup {
					t.Errorf("%s: pair %v reported twice", where, k)
				}
				reported[k] = c
			}
		}
	}
	touched := func(k [2]int) bool {
		return slices.Contains(d.Added, k[0]) || slices.Contains(d.Added, k[1]) ||
			slices.Contains(d.Removed, k[0]) || slices.Contains(d.Removed, k[1])
	}
	for k, now := range after {
		was, existed := before[k]
		if !existed || touched(k) {
			continue
		}
		c, ok := reported[k]
		switch {
		case !was.Equal(now) && !ok:
			t.Errorf("%s: %s -> %s changed from %s to %s, not in the delta", where, eps[k[0]].ID, eps[k[1]].ID, was, now)
		case ok && (!c.Before.Equal(was) || !c.After.Equal(now)):
			t.Errorf("%s: %s -> %s: delta says %s -> %s, engines say %s -> %s", where, eps[k[0]].ID, eps[k[1]].ID, c.Before, c.After, was, now)
		}
	}
	for k := range reported {
		if _, ok := after[k]; !ok || before[k].Equal(after[k]) {
			t.Errorf("%s: delta reports %s -> %s, which did not change", where, eps[k[0]].ID, eps[k[1]].ID)
		}
	}
}

// checkReference compares random live pairs with the reference evaluator
// on every sampled port.
func checkReference(t *testing.T, where string, w *edited, x *policy.Incremental, pairs int, seed uint64) {
	t.Helper()
	eps, idx := w.liveEndpoints()
	c := &model.Cluster{Namespaces: w.c.Namespaces, Policies: w.c.Policies}
	ref := newReference(c, true)
	sample := samplePorts(c, eps, seed)
	r := rand.New(rand.NewPCG(seed, 3))
	for range pairs {
		s, d := r.IntN(len(eps)), r.IntN(len(eps))
		set := x.Allowed(idx[s], idx[d])
		for _, proto := range model.Protocols {
			for _, port := range sample {
				if want := ref.allowed(eps, s, d, proto, port); set.Contains(proto, port) != want {
					t.Fatalf("%s: %s -> %s %s/%d: incremental %v, reference %v", where, eps[s].ID, eps[d].ID, proto, port, !want, want)
				}
			}
		}
	}
}

// TestIncremental applies random edits (policies added, modified, deleted;
// pods and namespaces relabelled; pods added and removed) to Incremental
// engines on small generated clusters and on the S and M presets.
func TestIncremental(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 12; seed++ {
		t.Run(fmt.Sprintf("seed%d", seed), func(t *testing.T) {
			t.Parallel()
			cfg := diffConfig(seed)
			cfg.PodIPs = true
			donor := cfg
			donor.Seed += 1000
			runEdits(t, synth.Generate(cfg), synth.Generate(donor), uint64(seed), 25, 20)
		})
	}
	for _, size := range []synth.Size{synth.SizeS, synth.SizeM} {
		if testing.Short() && size != synth.SizeS {
			continue
		}
		t.Run(size.String(), func(t *testing.T) {
			t.Parallel()
			steps := 20
			if size == synth.SizeM {
				steps = 6
			}
			runEdits(t, synth.Generate(size.Config(1)), synth.Generate(size.Config(2)), 7, steps, 30)
		})
	}
}
