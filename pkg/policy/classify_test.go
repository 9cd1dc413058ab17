package policy

import (
	"maps"
	"slices"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// TestClassifyAll: classifying every endpoint at once gives the classes,
// ids and members that classFor, one endpoint at a time, gives, with
// endpoints bringing what the state does not know yet (undeclared
// namespaces, new label values and named ports), blocks found on every
// core.
func TestClassifyAll(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeM.Config(2))
	eps := synthEndpoints(c)
	for i := range eps {
		if i%97 == 0 && eps[i].Kind != model.KindExternal {
			eps[i].Namespace = "undeclared-" + eps[i].Namespace
		}
		if i%89 == 0 {
			eps[i].Labels = map[string]string{"app": "new-app-" + eps[i].Name, "tier": "backend"}
			eps[i].Ports = []model.ContainerPort{{Name: "new-port", Port: int32(1000 + i%7), Protocol: model.TCP}}
		}
	}
	for len(eps) < 5000 {
		eps = append(eps, eps...)
	}
	cps, err := netpol.CompileAll(c.Policies)
	if err != nil {
		t.Fatal(err)
	}
	got := newState(makeOptions(nil))
	addPolicies(t, got, c, cps)
	got.eps = eps
	got.blocksOf = got.blocks.matchAll(eps, true)
	got.classifyAll()
	compareClasses(t, got, oneAtATime(t, c, cps, eps))
}

func addPolicies(t *testing.T, st *state, c *model.Cluster, cps []*netpol.Policy) {
	t.Helper()
	for _, ns := range c.Namespaces {
		st.setNamespaceLabels(ns.Name, ns.Labels)
	}
	for _, cp := range cps {
		if _, err := st.addPolicy(cp); err != nil {
			t.Fatal(err)
		}
	}
}

// oneAtATime is buildState's classification as it was: classFor on one
// endpoint after the other.
func oneAtATime(t *testing.T, c *model.Cluster, cps []*netpol.Policy, eps []Endpoint) *state {
	t.Helper()
	want := newState(makeOptions(nil))
	addPolicies(t, want, c, cps)
	want.eps = eps
	want.classOf = make([]int32, len(eps))
	want.blocksOf = make([][]int32, len(eps))
	var key []byte
	for i := range eps {
		want.blocksOf[i] = want.blocks.matching(&eps[i], true)
		key = want.endpointKey(key[:0], int32(i))
		cl := want.classFor(key, int32(i))
		want.classOf[i] = cl
		want.classes[cl].members = append(want.classes[cl].members, int32(i))
	}
	return want
}

func compareClasses(t *testing.T, got, want *state) {
	t.Helper()
	if !slices.Equal(got.classOf, want.classOf) || len(got.classes) != len(want.classes) {
		t.Fatalf("classes differ: %d at once, %d one at a time", len(got.classes), len(want.classes))
	}
	// Symbol ids differ between two builds (namespace labels are interned
	// in map order): compare labels by name.
	names := func(st *state, l lset) []string {
		rev := map[int32]string{}
		for s, id := range st.sym.ids {
			rev[id] = s
		}
		var out []string
		for _, p := range l {
			out = append(out, rev[p.k]+"="+rev[p.v])
		}
		return out
	}
	for i := range want.classes {
		g, w := &got.classes[i], &want.classes[i]
		if g.ns != w.ns || g.sig != w.sig || g.fams != w.fams || !slices.Equal(g.members, w.members) ||
			!slices.Equal(g.blocks, w.blocks) || !slices.Equal(names(got, g.labels), names(want, w.labels)) {
			t.Fatalf("class %d differs", i)
		}
	}
	if len(got.nss) != len(want.nss) || !maps.Equal(got.nsIndex, want.nsIndex) {
		t.Fatalf("namespaces differ: %d at once, %d one at a time", len(got.nss), len(want.nss))
	}
	for i := range want.nss {
		if !slices.Equal(got.nss[i].classes, want.nss[i].classes) || got.nss[i].name != want.nss[i].name {
			t.Fatalf("namespace %d differs", i)
		}
	}
	if !maps.Equal(got.sigs.index, want.sigs.index) {
		t.Fatal("named-port signatures got other ids")
	}
}
