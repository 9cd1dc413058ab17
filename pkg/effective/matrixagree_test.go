package effective

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/model"
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
