package e2e

import (
	"context"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/spf13/pflag"

	"github.com/podreach/podreach/pkg/load/live"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

// readLive reads the test cluster with the library, in pages of chunk
// objects, and returns the model and the list requests made per resource.
func readLive(t *testing.T, kubeconfig string, chunk int64) (*model.Cluster, map[string]int) {
	t.Helper()
	conn := live.NewConnection()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	conn.AddFlags(fs)
	if err := fs.Parse([]string{"--kubeconfig", kubeconfig}); err != nil {
		t.Fatal(err)
	}
	requests := map[string]int{}
	last := 0
	b := manifest.NewBuilder()
	gaps, err := conn.Read(context.Background(), b, live.WithChunkSize(chunk), live.WithProgress(func(p live.Progress) {
		requests[p.Resource] += p.Requests - last
		last = p.Requests
	}))
	if err != nil || len(gaps) > 0 {
		t.Fatalf("Read: %v, gaps %v", err, gaps)
	}
	c, diags, err := b.Finish()
	if err != nil {
		t.Fatalf("Finish: %v", err)
	}
	for _, d := range diags {
		if d.Severity >= model.Warning {
			t.Errorf("unexpected diagnostic: %s", d)
		}
	}
	return c, requests
}

// TestPagination: read in pages of 2 objects, the model is the same as in
// pages of 500, and every resource with more than 2 objects took several
// requests.
func TestPagination(t *testing.T) {
	c := env(t)
	whole, one := readLive(t, c.admin, 500)
	paged, many := readLive(t, c.admin, 2)
	opts := cmp.Options{cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{}), cmpopts.EquateEmpty()}
	if diff := cmp.Diff(whole, paged, opts); diff != "" {
		t.Errorf("paged read differs (-whole +paged):\n%s", diff)
	}
	pods := 0
	for _, w := range whole.Workloads {
		pods += len(w.Pods)
	}
	if pods < 10 {
		t.Fatalf("only %d pods: the fixture is too small to page", pods)
	}
	for res, n := range map[string]int{"pods": (pods + 1) / 2, "namespaces": (len(whole.Namespaces) + 1) / 2} {
		if one[res] != 1 || many[res] < n {
			t.Errorf("%s: %d request(s) in pages of 500, %d in pages of 2; want 1 and at least %d", res, one[res], many[res], n)
		}
	}
}
