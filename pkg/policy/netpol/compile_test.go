package netpol

import (
	"reflect"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

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
	m := NewSelectorMemo()
	keys := map[string]int{}
	for i, ls := range sels {
		want, wantErr := metav1.LabelSelectorAsSelector(ls)
		for range 2 { // parsed, then remembered
			got, err := m.Parse(ls)
			if (err != nil) != (wantErr != nil) || err != nil && err.Error() != wantErr.Error() {
				t.Fatalf("selector %d: error %v, want %v", i, err, wantErr)
			}
			if err == nil && (got.Key != want.String() || got.String() != want.String()) {
				t.Fatalf("selector %d: %q, want %q", i, got.Key, want.String())
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
	got, err := CompileAll(ps)
	if err != nil {
		t.Fatal(err)
	}
	for i := range ps {
		want, err := Compile(&ps[i], nil)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got[i], want) {
			t.Fatalf("policy %d (%s) compiles differently on every core:\n%s", i, ps[i].ID(), cmp.Diff(want, got[i], cmpopts.IgnoreUnexported(Selector{})))
		}
	}
	bad := func(name string) model.Policy {
		return model.Policy{NetworkPolicy: &networkingv1.NetworkPolicy{ObjectMeta: metav1.ObjectMeta{Namespace: "a", Name: name},
			Spec: networkingv1.NetworkPolicySpec{PodSelector: metav1.LabelSelector{MatchLabels: map[string]string{"bad key!": "x"}}}}}
	}
	ps = slices.Insert(slices.Clone(ps), 4000, bad("second"))
	ps = slices.Insert(ps, 3000, bad("first"))
	if _, err := CompileAll(ps); err == nil || err.Error() != `NetworkPolicy a/first: spec.podSelector: `+mustErr(t, &ps[3000]) {
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
