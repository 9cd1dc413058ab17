package policy

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// Tests of the build's fast paths against the plain computation they
// replace: selectors evaluated from label lists against csel.matches on
// every class (package netpol tests memoized selector parsing and
// compiling on every core; blocks_test.go: the prefix index;
// classify_test.go: classes made at once).

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
