package policy

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// Tests of the build's fast paths against the plain computation they
// replace: selectors evaluated from label lists against csel.matches on
// every class, memoized selector parsing against
// metav1.LabelSelectorAsSelector, and compiling on every core against one
// policy at a time (blocks_test.go: the prefix index; classify_test.go:
// classes made at once).

// synthEndpoints are endpoints as package reach makes them: every workload
// (its pods' addresses together) and every pod, and the externals.
func synthEndpoints(c *model.Cluster) []Endpoint {
	var out []Endpoint
	for _, w := range c.Workloads {
		ep := Endpoint{ID: w.ID(), Namespace: w.Namespace, Name: w.Name, Kind: w.Kind,
			Labels: w.Template.Labels, Ports: w.Template.Ports(), HostNetwork: w.Template.HostNetwork}
		for _, p := range w.Pods {
			ep.IPs = append(ep.IPs, p.IPs...)
		}
		out = append(out, ep)
		for _, p := range w.Pods {
			out = append(out, Endpoint{ID: w.Namespace + "/" + p.Name, Namespace: w.Namespace, Name: p.Name, Kind: model.KindPod,
				Labels: p.Spec.Labels, Ports: p.Spec.Ports(), IPs: p.IPs, HostNetwork: p.Spec.HostNetwork, Single: true})
		}
	}
	for _, x := range c.Externals {
		out = append(out, Endpoint{ID: x.Name, Name: x.Name, Kind: model.KindExternal, Prefix: x.Prefix})
	}
	return out
}

// synthEngines are engines of the S and (unless -short) M presets.
func synthEngines(t *testing.T) map[string]*Engine {
	t.Helper()
	sizes := []synth.Size{synth.SizeS, synth.SizeM}
	if testing.Short() {
		sizes = sizes[:1]
	}
	out := map[string]*Engine{}
	for _, s := range sizes {
		c := synth.Generate(s.Config(1))
		e, err := New(c, synthEndpoints(c))
		if err != nil {
			t.Fatal(err)
		}
		out[s.String()] = e
	}
	return out
}

// TestLabelIndexEvaluate: evaluate sets exactly the selectable classes
// csel.matches accepts, for the cluster's selectors and random ones (every
// operator, no value, unknown keys and values, contradictions).
func TestLabelIndexEvaluate(t *testing.T) {
	t.Parallel()
	for name, e := range synthEngines(t) {
		st := e.st
		x := st.newLabelIndex()
		sels := slices.Clone(st.podSels.sels)
		r := rand.New(rand.NewPCG(1, 2))
		keys := []int32{st.sym.id("app"), st.sym.id("tier"), st.sym.id("version"), st.sym.id("no-such-key")}
		var vals []int32
		for _, c := range st.classes {
			for _, l := range c.labels {
				vals = append(vals, l.v)
			}
		}
		vals = append(vals, st.sym.id("no-such-value"))
		for range 3000 {
			var s csel
			for range 1 + r.IntN(3) {
				q := creq{key: keys[r.IntN(len(keys))], op: reqOp(1 + r.IntN(4))}
				for range r.IntN(4) {
					q.vals = append(q.vals, vals[r.IntN(len(vals))])
				}
				slices.Sort(q.vals)
				s.reqs = append(s.reqs, q)
			}
			sels = append(sels, s)
		}
		for i := range sels {
			got := newBitset(len(st.classes))
			x.evaluate(&sels[i], got)
			want := newBitset(len(st.classes))
			for c := range st.classes {
				if st.classes[c].selectable && sels[i].matches(st.classes[c].labels) {
					want.set(int32(c))
				}
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s: selector %+v: evaluate differs from matching every class", name, sels[i])
			}
		}
	}
}

// TestSelectorMemo: a memoized parse answers as LabelSelectorAsSelector,
// and selectors that differ have different memo keys.
func TestSelectorMemo(t *testing.T) {
	t.Parallel()
	in, notIn := metav1.LabelSelectorOpIn, metav1.LabelSelectorOpNotIn
	req := func(k string, op metav1.LabelSelectorOperator, vs ...string) metav1.LabelSelectorRequirement {
		return metav1.LabelSelectorRequirement{Key: k, Operator: op, Values: vs}
	}
	sels := []*metav1.LabelSelector{
		{},
		{MatchLabels: map[string]string{}},
		{MatchLabels: map[string]string{"a": "b"}},
		{MatchLabels: map[string]string{"a": "bc"}},
		{MatchLabels: map[string]string{"ab": "c"}},
		{MatchLabels: map[string]string{"a": "b", "c": "d"}},
		{MatchLabels: map[string]string{"a": "b,c=d"}},
		{MatchLabels: map[string]string{"a": ""}},
		{MatchLabels: map[string]string{"bad key!": "x"}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in, "b")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in, "b", "c")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in, "c", "b")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in, "bc")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", notIn, "b")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in)}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", metav1.LabelSelectorOpExists)}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", metav1.LabelSelectorOpExists, "x")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", metav1.LabelSelectorOpDoesNotExist)}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", "Gt", "1")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("a", in, "b"), req("c", in, "d")}},
		{MatchExpressions: []metav1.LabelSelectorRequirement{req("c", in, "d"), req("a", in, "b")}},
		{MatchLabels: map[string]string{"a": "b"}, MatchExpressions: []metav1.LabelSelectorRequirement{req("c", in, "d")}},
	}
	m := newSelectorMemo()
	keys := map[string]int{}
	for i, ls := range sels {
		want, wantErr := metav1.LabelSelectorAsSelector(ls)
		for range 2 { // parsed, then remembered
			got, err := m.parse(ls)
			if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("selector %d: error %v, want %v", i, err, wantErr)
			}
			if err == nil && (got.key != want.String() || got.String() != want.String()) {
				t.Fatalf("selector %d: %q, want %q", i, got.key, want.String())
			}
		}
		k := string(selectorKey(nil, ls))
		if j, dup := keys[k]; dup && !(len(ls.MatchLabels) == 0 && len(sels[j].MatchLabels) == 0 && reflect.DeepEqual(ls.MatchExpressions, sels[j].MatchExpressions)) {
			t.Errorf("selectors %d and %d differ but share the memo key %q", j, i, k)
		}
		keys[k] = i
	}
}

// TestCompileAll: compiling on every core gives what compiling one policy
// at a time gives, and the first failing policy's error.
func TestCompileAll(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeM.Config(1))
	var ps []model.Policy
	for len(ps) < 5000 {
		ps = append(ps, c.Policies...)
	}
	got, err := compileAll(ps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		want, err := compile(&ps[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("policy %d (%s) compiles differently on every core:\n%s", i, ps[i].ID(), cmp.Diff(want, got[i], cmp.AllowUnexported(compiled{}, rule{}, peer{}, selector{}, portMatch{})))
		}
	}
	bad := func(name string) model.Policy {
		return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"bad key!": "x"}}}}}
	}
	ps = slices.Insert(slices.Clone(ps), 4000, bad("second"))
	ps = slices.Insert(ps, 3000, bad("first"))
	if _, err := compileAll(ps); err == nil || err.Error() != `NetworkPolicy a/first: spec.podSelector: `+mustErr(t, &ps[3000]) {
		t.Errorf("error %v, want the first failing policy's", err)
	}
}

func mustErr(t *testing.T, p *model.Policy) string {
	t.Helper()
	_, err := metav1.LabelSelectorAsSelector(&p.NetworkPolicy.Spec.PodSelector)
	if err == nil {
		t.Fatal("selector parses")
	}
	return err.Error()
}
