package check

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// plainProfile hides every method of a linkerd.Install but mesh.Profile's
// and Describe (the optional meshedLister among them).
type plainProfile struct{ mesh.Profile }

func (p plainProfile) Describe() []string { return p.Profile.(Describer).Describe() }

// TestMeshedListerEqualsMeshed: a profile answering Meshed for every
// workload at once (linkerd.Install) gives the report and connections that
// asking Meshed per workload gives, on generated clusters.
func TestMeshedListerEqualsMeshed(t *testing.T) {
	t.Parallel()
	sizes := []synth.Size{synth.SizeS, synth.SizeM}
	if testing.Short() {
		sizes = sizes[:1]
	}
	for _, s := range sizes {
		t.Run(s.String(), func(t *testing.T) {
			t.Parallel()
			c := synth.Generate(s.Config(1))
			in, _, err := linkerd.Detect(c, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, ok := mesh.Profile(in).(meshedLister); !ok {
				t.Fatal("linkerd.Install does not implement meshedLister: this test proves nothing")
			}
			fast, fa, err := Run(c, in)
			if err != nil {
				t.Fatal(err)
			}
			slow, sa, err := Run(c, plainProfile{in})
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(slow, fast); diff != "" {
				t.Errorf("report (-per workload +lister):\n%s", diff)
			}
			if diff := cmp.Diff(Connections(sa, plainProfile{in}), Connections(fa, in)); diff != "" {
				t.Errorf("connections (-per workload +lister):\n%s", diff)
			}
		})
	}
}

// TestBlockedPairsOnEveryCore: explaining blocked connections on every core
// gives, in order, what explaining them one at a time gives.
func TestBlockedPairsOnEveryCore(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeS.Config(1))
	in, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	_, a, err := Run(c, in)
	if err != nil {
		t.Fatal(err)
	}
	r := newRunner(in, a, in.Flows(), nil)
	n := len(a.Engine().Endpoints())
	var bs []blockedConn
	for s := range n {
		for d := range n {
			bs = append(bs, blockedConn{s, d, int32(8080 + d%3), int32(s % 2), model.TCP})
		}
	}
	got := r.blockedPairs(bs)
	for i, b := range bs {
		if want := r.blockedPair(b.s, b.d, b.wire, b.app, b.proto); !cmp.Equal(got[i], want) {
			t.Fatalf("connection %d: %s", i, cmp.Diff(want, got[i]))
		}
	}
	if r.blockedPairs(nil) != nil {
		t.Error("no blocked connections must give nil (JSON null, as before)")
	}
}
