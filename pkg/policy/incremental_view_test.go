package policy_test

import (
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// checkView compares the View of x with the fresh engine of the edited
// cluster on random live pairs: Allowed, Isolating both ways, and Explain
// on every port and on one sampled port (reasons, misses and tier chains
// included).
func checkView(t *testing.T, where string, w *edited, x *policy.Incremental, sn *snapshot, pairs int, seed uint64) {
	t.Helper()
	v, err := x.View(w.c.Policies)
	if err != nil {
		t.Fatalf("%s: %v", where, err)
	}
	_, idx := w.liveEndpoints()
	sample := samplePorts(w.cluster(), nil, seed)
	r := rand.New(rand.NewPCG(seed, 4))
	for range pairs {
		s, d := idx[r.IntN(len(idx))], idx[r.IntN(len(idx))]
		fs, fd := sn.pos[s], sn.pos[d]
		if got, want := v.Allowed(s, d), sn.eng.Allowed(fs, fd); !got.Equal(want) {
			t.Fatalf("%s: view Allowed %s, fresh engine %s", where, got, want)
		}
		for _, dir := range []policy.Direction{policy.Ingress, policy.Egress} {
			if diff := cmp.Diff(sn.eng.Isolating(fs, dir), v.Isolating(s, dir)); diff != "" {
				t.Fatalf("%s: %s isolating %s differs (-fresh +view):\n%s", where, x.Endpoints()[s].ID, dir, diff)
			}
		}
		port := 0
		if len(sample) > 0 && r.IntN(2) == 0 {
			port = sample[r.IntN(len(sample))]
		}
		if diff := cmp.Diff(sn.eng.Explain(fs, fd, model.TCP, port), v.Explain(s, d, model.TCP, port)); diff != "" {
			t.Fatalf("%s: explain %s -> %s port %d differs (-fresh +view):\n%s", where, x.Endpoints()[s].ID, x.Endpoints()[d].ID, port, diff)
		}
	}
	if _, err := x.View(w.c.Policies[:len(w.c.Policies)/2]); len(w.c.Policies) > 0 && err == nil {
		t.Fatalf("%s: a view of half the policies was made", where)
	}
}
