package effective

import (
	"fmt"
	"slices"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

// TestDiffExplainAgree: for every pair diff lists, explain on both states
// agrees with the before and after it lists, on one port of every range
// lost or gained, on the shipped before/after pairs and generated meshed
// clusters with policies removed.
func TestDiffExplainAgree(t *testing.T) {
	t.Parallel()
	type states struct{ before, after *model.Cluster }
	cases := map[string]states{
		"emojivoto → +seed-fix": {load(t, shipped["emojivoto"]...), load(t, shipped["emojivoto+seed-fix"]...)},
		"seed-era → +seed-fix":  {load(t, shipped["seed-era"]...), load(t, shipped["seed-era+seed-fix+label"]...)},
	}
	restricted := load(t, "testdata/port-restricted.yaml")
	open := *restricted
	open.Policies = nil
	cases["port-restricted, policies added"] = states{&open, restricted}
	cases["port-restricted, web un-meshed"] = states{restricted, withAnnotation(t, restricted, "shop/web", "linkerd.io/inject", "disabled")}
	cases["port-restricted, admin skips inbound 9000"] = states{restricted,
		withAnnotation(t, restricted, "shop/admin", "config.linkerd.io/skip-inbound-ports", "9000")}
	for seed := int64(1); seed <= 3; seed++ {
		cfg := synth.SizeS.Config(seed)
		cfg.Workloads, cfg.Policies = 40, 25
		after := withServices(synth.Generate(cfg))
		before := *after
		before.Policies = after.Policies[:len(after.Policies)/2]
		cases[fmt.Sprintf("synth S seed %d, half the policies", seed)] = states{&before, after}
	}
	changes, answers := 0, 0
	for name, st := range cases {
		for _, era := range []string{"2.14", "edge-26.8.3"} {
			b, a, d := diffUnder(t, era, st.before, st.after)
			for _, ch := range d.Changes {
				changes++
				for _, port := range samplePorts(ch.Lost.Union(ch.Gained), ch.Before, ch.After) {
					answers++
					for _, side := range []struct {
						a    *reach.Analysis
						set  ports.Set
						name string
					}{{b, ch.Before, "before"}, {a, ch.After, "after"}} {
						x, err := side.a.Explain(ch.From, ch.To, reach.PortSpec{Number: port.Port, Protocol: port.Proto}, "")
						if err != nil {
							t.Fatalf("%s: explain %s → %s: %v", name, ch.From, ch.To, err)
						}
						if want := side.set.Contains(port.Proto, port.Port); x.Allowed() != want {
							t.Errorf("%s, Linkerd %s: diff says %s → %s %d/%s %s allowed=%v, explain says %v",
								name, era, ch.From, ch.To, port.Port, port.Proto, side.name, want, x.Allowed())
						}
					}
				}
			}
		}
	}
	t.Logf("diff vs explain: %d state pairs × 2 eras: %d changed pairs, %d ports explained in both states", len(cases), changes, answers)
}

type protoPort struct {
	Proto model.Protocol
	Port  int
}

// samplePorts is the first and last port of every range of the sets.
func samplePorts(sets ...ports.Set) []protoPort {
	var out []protoPort
	for _, s := range sets {
		for _, p := range []model.Protocol{model.TCP, model.UDP, model.SCTP} {
			for _, r := range s.Ranges(p) {
				for _, port := range []protoPort{{p, int(r.Lo)}, {p, int(r.Hi)}} {
					if !slices.Contains(out, port) {
						out = append(out, port)
					}
				}
			}
		}
	}
	return out
}

// diffUnder analyzes both states under Linkerd era and diffs them.
func diffUnder(t *testing.T, era string, before, after *model.Cluster) (b, a *reach.Analysis, d *reach.Delta) {
	t.Helper()
	opts := []Option{WithMesh(MeshLinkerd), WithLinkerdVersion(era), WithReachOptions(reach.WithRangesOf(before, after))}
	b, _, err := Analyze(before, opts...)
	if err != nil {
		t.Fatal(err)
	}
	a, _, err = Analyze(after, opts...)
	if err != nil {
		t.Fatal(err)
	}
	if d, err = reach.Diff(b, a); err != nil {
		t.Fatal(err)
	}
	return b, a, d
}
