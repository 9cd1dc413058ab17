package browser

import (
	"bytes"
	"cmp"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/report"
)

var scalePods = flag.String("pods", "1000", "comma-separated cluster sizes (pods) for TestScale, e.g. 1000,10000")

// maxReport is the size a report must stay under at any tested scale.
const maxReport = 4 << 20

// TestScale renders the report of a large synthetic cluster (the example's
// Linkerd plus internal/synth workloads, a third of their namespaces
// meshed), checks its size, opens it and expands a namespace. It logs the
// numbers the README quotes: go test ./test/browser -run TestScale -v -pods 1000,10000.
func TestScale(t *testing.T) {
	for _, s := range strings.Split(*scalePods, ",") {
		pods, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			t.Fatalf("-pods: %v", err)
		}
		t.Run(fmt.Sprintf("pods=%d", pods), func(t *testing.T) { testScale(t, pods) })
	}
}

func testScale(t *testing.T, pods int) {
	p := newPage(t, 1440, 900)
	c, n := meshedCluster(t, pods)
	start := time.Now()
	inst, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	rep, a, err := check.Run(c, inst)
	if err != nil {
		t.Fatal(err)
	}
	checked := time.Since(start)
	var buf bytes.Buffer
	if err := report.Write(&buf, a, report.WithCheck(rep, inst), report.WithTitle(fmt.Sprintf("podreach report: %d pods", n))); err != nil {
		t.Fatal(err)
	}
	written := time.Since(start)
	path := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shown := p.open("file://" + path)
	t.Logf("in the page (ms): %s", eval[string](p, `JSON.stringify({...podreach.timings, ...podreach.graph.timings})`))
	nodes := eval[int](p, `podreach.cy.nodes().length`)
	workloads := eval[int](p, `podreach.cy.nodes('.wl').length`)
	t.Logf("%d pods, %d workloads, %d namespaces: check %v, report %v (%.2f MiB), browser ready in %v, %d graph nodes at first",
		n, len(a.Nodes()), len(c.Namespaces), checked.Round(time.Millisecond), (written - checked).Round(time.Millisecond),
		float64(buf.Len())/(1<<20), shown.Round(time.Millisecond), nodes)
	if buf.Len() > maxReport {
		t.Errorf("report is %d bytes, over %d", buf.Len(), maxReport)
	}
	if workloads != 0 {
		t.Errorf("a large cluster should open at namespace level, but %d workloads are drawn", workloads)
	}
	expand := time.Now()
	eval[bool](p, `toggleNS(podreach.data.namespaces.findIndex(ns => ns.name === 'emojivoto')).then(() => true)`)
	if got := eval[int](p, `podreach.cy.nodes('.wl').length`); got == 0 {
		t.Error("expanding emojivoto drew no workload")
	}
	t.Logf("expanding a namespace took %v (ms: %s)", time.Since(expand).Round(time.Millisecond), eval[string](p, `JSON.stringify(podreach.graph.timings)`))
	p.screenshot(fmt.Sprintf("scale-%d.png", pods))
	p.checkClean("file://" + path)
}

// meshedCluster merges the example (Linkerd and emojivoto) with a
// synthetic cluster of about pods pods, and meshes a third of the
// synthetic namespaces. It returns the cluster and its pod count.
func meshedCluster(t *testing.T, pods int) (*model.Cluster, int) {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), []string{example})
	if err != nil {
		t.Fatal(err)
	}
	cfg := synth.Config{Seed: 1, Namespaces: max(2, pods/50), Workloads: max(1, pods/2), Policies: pods / 5, PodIPs: true}
	var s *model.Cluster
	n := 0
	for range 4 { // workloads run a varying number of pods: converge on the target
		s = synth.Generate(cfg)
		n = 0
		for _, w := range s.Workloads {
			n += max(len(w.Pods), 1)
		}
		cfg.Workloads = max(1, cfg.Workloads*pods/max(n, 1))
	}
	for i, ns := range s.Namespaces {
		if i%3 == 0 && ns.Name != "kube-system" {
			ns.Annotations = map[string]string{"linkerd.io/inject": "enabled"}
			s.Namespaces[i] = ns
		}
	}
	c.Namespaces = append(c.Namespaces, s.Namespaces...)
	c.Workloads = append(c.Workloads, s.Workloads...)
	c.Services = append(c.Services, s.Services...)
	c.Policies = append(c.Policies, s.Policies...)
	c.Externals = append(c.Externals, s.Externals...)
	slices.SortFunc(c.Namespaces, func(x, y model.Namespace) int { return cmp.Compare(x.Name, y.Name) })
	slices.SortFunc(c.Workloads, func(x, y model.Workload) int { return cmp.Compare(x.ID(), y.ID()) })
	slices.SortFunc(c.Policies, func(x, y model.Policy) int { return cmp.Compare(x.ID(), y.ID()) })
	for _, w := range c.Workloads {
		if len(w.Pods) == 0 {
			n++ // the example's workloads are templates: count one pod each
		}
	}
	return c, n
}
