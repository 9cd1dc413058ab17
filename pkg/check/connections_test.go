package check_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

// TestConnectionsMatchResults: the connections Connections lists as not
// allowed are exactly the blocked pairs of each flow's Result, and allowed
// ones are listed too (renderers draw both).
func TestConnectionsMatchResults(t *testing.T) {
	for _, dir := range []string{"../../examples/emojivoto-linkerd/", "../../examples/emojivoto-linkerd-seed-era/"} {
		t.Run(dir, func(t *testing.T) {
			c, _, err := manifest.Load(context.Background(), []string{dir})
			if err != nil {
				t.Fatal(err)
			}
			inst, _, err := linkerd.Detect(c, "")
			if err != nil {
				t.Fatal(err)
			}
			rep, a, err := check.Run(c, inst)
			if err != nil {
				t.Fatal(err)
			}
			conns := check.Connections(a, inst)
			allowed := 0
			for _, res := range rep.Results {
				cs, ok := conns[res.ID]
				if !ok {
					continue
				}
				var got, want []string
				for _, c := range cs {
					if !c.Allowed {
						got = append(got, fmt.Sprintf("%s → %s %d/%s", c.From, c.To, c.Port, c.Protocol))
					} else {
						allowed++
					}
				}
				for _, p := range res.Blocked {
					want = append(want, fmt.Sprintf("%s → %s %d/%s", p.From, p.To, p.Port, p.Protocol))
				}
				slices.Sort(got)
				slices.Sort(want)
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s: blocked connections differ from the result (-result +Connections):\n%s", res.ID, diff)
				}
			}
			if allowed == 0 {
				t.Error("no allowed connection listed")
			}
		})
	}
}
