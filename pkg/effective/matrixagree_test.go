package effective

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
	"github.com/podreach/podreach/pkg/render"
)

// jsonPorts is a port set as matrix -o json writes it.
type jsonPorts []struct {
	Protocol string   `json:"protocol"`
	Ports    [][2]int `json:"ports"`
}

func (j jsonPorts) set(t *testing.T) ports.Set {
	t.Helper()
	var s ports.Set
	for _, p := range j {
		proto, err := model.ParseProtocol(p.Protocol)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range p.Ports {
			s = s.Union(ports.Of(proto, r[0], r[1]))
		}
	}
	return s
}

// TestMatrixExplainAgree: for every ordered pair of nodes of matrix -o json
// (listed or not) and every probed port — both ends of every range the
// pair allows and the ports next to them, and fixed ports around the
// proxy's (4143, 4190, 4191) — explain gives the answer the matrix gives,
// and -o json-compact gives the same sets, on every shipped example and
// every Linkerd era the flow table models.
func TestMatrixExplainAgree(t *testing.T) {
	t.Parallel()
	pairs, answers := 0, 0
	for _, name := range slices.Sorted(maps.Keys(shipped)) {
		c := load(t, shipped[name]...)
		for _, era := range eras {
			a, _, err := Analyze(c, WithMesh(MeshLinkerd), WithLinkerdVersion(era))
			if err != nil {
				t.Fatalf("%s, Linkerd %s: %v", name, era, err)
			}
			got := matrixSets(t, a, "json")
			if compact := matrixSets(t, a, "json-compact"); !maps.EqualFunc(got, compact, ports.Set.Equal) {
				t.Errorf("%s, Linkerd %s: json and json-compact disagree", name, era)
			}
			for _, from := range a.Nodes() {
				for _, to := range a.Nodes() {
					if from.ID == to.ID {
						continue
					}
					pairs++
					set := got[[2]string{from.ID, to.ID}]
					for _, p := range probePorts(set) {
						answers++
						x, err := a.Explain(from.ID, to.ID, reach.PortSpec{Number: p.Port, Protocol: p.Proto}, "")
						if err != nil {
							t.Fatalf("%s: explain %s → %s: %v", name, from.ID, to.ID, err)
						}
						if want := set.Contains(p.Proto, p.Port); x.Allowed() != want {
							t.Errorf("%s, Linkerd %s: matrix says %s → %s %d/%s allowed=%v, explain says %v",
								name, era, from.ID, to.ID, p.Port, p.Proto, want, x.Allowed())
						}
					}
				}
			}
		}
	}
	t.Logf("matrix vs explain: %d examples × %d eras: %d pairs, %d ports explained", len(shipped), len(eras), pairs, answers)
}

// matrixSets renders a's matrix in format (json or json-compact) and
// reads it back: the allowed set by (from, to).
func matrixSets(t *testing.T, a *reach.Analysis, format string) map[[2]string]ports.Set {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Matrix(&buf, a, render.MatrixFormat(format)); err != nil {
		t.Fatalf("matrix -o %s: %v", format, err)
	}
	var doc struct {
		Nodes       []struct{ ID string }
		Connections []struct {
			From, To string
			Allowed  jsonPorts
		}
		Rows []struct {
			From int
			To   [][3]int
		}
		Sets []jsonPorts
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("matrix -o %s: %v", format, err)
	}
	out := map[[2]string]ports.Set{}
	for _, c := range doc.Connections {
		out[[2]string{c.From, c.To}] = c.Allowed.set(t)
	}
	for _, r := range doc.Rows {
		for _, run := range r.To {
			for d := run[0]; d <= run[1]; d++ {
				out[[2]string{doc.Nodes[r.From].ID, doc.Nodes[d].ID}] = doc.Sets[run[2]].set(t)
			}
		}
	}
	return out
}

// probePorts is both ends of every range of s and the ports next to them,
// and, in TCP, ports on both sides of the proxy's.
func probePorts(s ports.Set) []protoPort {
	out := []protoPort{{model.UDP, 53}}
	for _, p := range []int{1, 80, 4142, 4143, 4144, 4190, 4191, 8080, 65535} {
		out = append(out, protoPort{model.TCP, p})
	}
	for _, proto := range []model.Protocol{model.TCP, model.UDP, model.SCTP} {
		for _, r := range s.Ranges(proto) {
			for _, p := range []int{int(r.Lo) - 1, int(r.Lo), int(r.Hi), int(r.Hi) + 1} {
				if pp := (protoPort{proto, p}); p >= 1 && p <= 65535 && !slices.Contains(out, pp) {
					out = append(out, pp)
				}
			}
		}
	}
	return out
}

// layerSets is a pair's answer per layer as matrix -o json writes it.
type layerSets struct {
	allowed, netpol, refused, audited, unknown ports.Set
	has                                        bool // the pair has "layers"
}

// TestMatrixLayersAgree: with both layers (the default) the matrix gives,
// beside a pair's combined answer, each layer's: "networkPolicy" is the pair's
// answer under --layer netpol, the combined answer is it less the
// Linkerd layer's "refused", "audited" ports are those explain answers
// with a Linkerd audit, and a pair without "layers" is one the Linkerd
// layer takes nothing from; -o json-compact gives the same; a pair
// --layer netpol lists and both layers do not is one the Linkerd layer
// refuses entirely. Every shipped example with Linkerd policy, eras from
// 2.11 (the first with authorization policy).
func TestMatrixLayersAgree(t *testing.T) {
	t.Parallel()
	inputs := map[string][]string{
		"emojivoto+authz":        shipped["emojivoto+authz"],
		"emojivoto+deny-default": shipped["emojivoto+deny-default"],
		"emojivoto+audit":        append(slices.Clone(shipped["emojivoto+authz"]), "testdata/audit-server.yaml"),
		"emojivoto (no policy)":  shipped["emojivoto"],
	}
	withLayers, audited := 0, 0
	for _, name := range slices.Sorted(maps.Keys(inputs)) {
		c := load(t, inputs[name]...)
		for _, era := range []string{"2.11", "2.14", "2.17", "2.18", "edge-26.8.3"} {
			both, _, err := Analyze(c, WithMesh(MeshLinkerd), WithLinkerdVersion(era))
			if err != nil {
				t.Fatal(err)
			}
			netpol, _, err := Analyze(c, WithMesh(MeshLinkerd), WithLinkerdVersion(era), WithReachOptions(reach.WithLayer(reach.LayerNetpol)))
			if err != nil {
				t.Fatal(err)
			}
			got, want := matrixLayers(t, both, "json"), matrixSets(t, netpol, "json")
			if compact := matrixLayers(t, both, "json-compact"); !maps.EqualFunc(got, compact, layerSets.equal) {
				t.Errorf("%s, Linkerd %s: json and json-compact layers disagree", name, era)
			}
			for pair, np := range want {
				ls, listed := got[pair]
				switch {
				case !listed:
					x, err := both.Explain(pair[0], pair[1], reach.PortSpec{}, "")
					if err != nil || x.Allowed() {
						t.Errorf("%s, %s: %s → %s: --layer netpol lists it, both layers do not, explain says %v, %v", name, era, pair[0], pair[1], x.Allowed(), err)
					}
				case !ls.has && !ls.allowed.Equal(np):
					t.Errorf("%s, %s: %s → %s: no layers, but %s is not --layer netpol's %s", name, era, pair[0], pair[1], ls.allowed, np)
				case ls.has && (!ls.netpol.Equal(np) || !ls.allowed.Equal(np.Subtract(ls.refused))):
					t.Errorf("%s, %s: %s → %s: netpol %s (--layer netpol: %s), refused %s, combined %s", name, era, pair[0], pair[1], ls.netpol, np, ls.refused, ls.allowed)
				case ls.has:
					withLayers++
					for _, r := range ls.audited.Ranges(model.TCP) {
						audited++
						x, err := both.Explain(pair[0], pair[1], reach.PortSpec{Number: int(r.Lo), Protocol: model.TCP}, "")
						if ld, ok := x.LinkerdAt(0); err != nil || !ok || ld.Verdict != linkerdauthz.Audit || !x.Allowed() {
							t.Errorf("%s, %s: %s → %s %d: listed audited, explain says %+v, %v", name, era, pair[0], pair[1], r.Lo, ld, err)
						}
					}
				}
			}
			for pair := range got {
				if _, ok := want[pair]; !ok {
					t.Errorf("%s, %s: %s → %s listed with both layers, not with --layer netpol", name, era, pair[0], pair[1])
				}
			}
		}
	}
	if withLayers == 0 || audited == 0 {
		t.Errorf("%d pairs with layers, %d audited ranges: the test tests nothing", withLayers, audited)
	}
}

func (l layerSets) equal(m layerSets) bool {
	return l.has == m.has && l.allowed.Equal(m.allowed) && l.netpol.Equal(m.netpol) && l.refused.Equal(m.refused) &&
		l.audited.Equal(m.audited) && l.unknown.Equal(m.unknown)
}

// matrixLayers reads matrix -o json or json-compact: each listed pair's
// answer and answer per layer.
func matrixLayers(t *testing.T, a *reach.Analysis, format string) map[[2]string]layerSets {
	t.Helper()
	var buf bytes.Buffer
	if err := render.Matrix(&buf, a, render.MatrixFormat(format)); err != nil {
		t.Fatalf("matrix -o %s: %v", format, err)
	}
	type linkerdJSON struct{ Refused, Audited, Unknown jsonPorts }
	var doc struct {
		Nodes       []struct{ ID string }
		Connections []struct {
			From, To string
			Allowed  jsonPorts
			Layers   *struct {
				NetworkPolicy jsonPorts
				Linkerd       linkerdJSON
			}
		}
		Rows []struct {
			From int
			To   [][]int
		}
		Sets   []jsonPorts
		Layers []struct {
			NetworkPolicy             int
			Refused, Audited, Unknown *int
		}
	}
	if err := json.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatalf("matrix -o %s: %v", format, err)
	}
	out := map[[2]string]layerSets{}
	for _, c := range doc.Connections {
		ls := layerSets{allowed: c.Allowed.set(t)}
		if l := c.Layers; l != nil {
			ls.has, ls.netpol = true, l.NetworkPolicy.set(t)
			ls.refused, ls.audited, ls.unknown = l.Linkerd.Refused.set(t), l.Linkerd.Audited.set(t), l.Linkerd.Unknown.set(t)
		}
		out[[2]string{c.From, c.To}] = ls
	}
	set := func(i *int) ports.Set {
		if i == nil {
			return ports.Set{}
		}
		return doc.Sets[*i].set(t)
	}
	for _, r := range doc.Rows {
		for _, run := range r.To {
			ls := layerSets{allowed: doc.Sets[run[2]].set(t)}
			if len(run) == 5 {
				l := doc.Layers[run[4]]
				ls.has, ls.netpol = true, doc.Sets[l.NetworkPolicy].set(t)
				ls.refused, ls.audited, ls.unknown = set(l.Refused), set(l.Audited), set(l.Unknown)
			}
			for d := run[0]; d <= run[1]; d++ {
				out[[2]string{doc.Nodes[r.From].ID, doc.Nodes[d].ID}] = ls
			}
		}
	}
	return out
}
