package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/cli"
	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

// tieredSeed is the seed's cluster written with tiers: the example's
// workloads without the seed's deny-all-ingress NetworkPolicy, plus a
// Baseline lockdown and Admin exceptions (testdata/tiered-seed).
var tieredSeed = []string{
	"examples/emojivoto-linkerd/namespaces.yaml", "examples/emojivoto-linkerd/emojivoto.yaml",
	"examples/emojivoto-linkerd/linkerd-control-plane.yaml", "examples/emojivoto-linkerd/linkerd-viz.yaml",
	"internal/lab/e2e/testdata/tiered-seed/",
}

// tieredSeedExternals are the API server (also a Node's address) and a
// partner range the Baseline tier keeps emojivoto from.
var tieredSeedExternals = []string{apiserver, "partner=203.0.113.0/24"}

// TestTieredSeed replays the tiered seed cluster: the kernel agrees with
// the reference evaluator on every connection, and each tier rule of the
// story decides what the API says it decides, on real packets.
func TestTieredSeed(t *testing.T) {
	requireLab(t)
	c := loadExample(t, tieredSeed, tieredSeedExternals...)
	rep, err := lab.Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	assertAgreement(t, rep)
	t.Logf("kernel and engine agree on %d of %d connections", rep.Summary.Agreed(), rep.Summary.Connections-rep.Summary.NotProbed)
	kernel := map[string]lab.Outcome{}
	for _, r := range rep.Results {
		kernel[fmt.Sprintf("%s → %s %d/%s", r.From, r.To, r.Port, r.Protocol)] = r.Kernel
	}
	for _, tt := range []struct {
		name, conn string
		want       lab.Outcome
	}{
		{"baseline accepts the own namespace", "emojivoto/web → emojivoto/voting 8080/TCP", lab.Open},
		{"baseline denies another namespace", "linkerd-viz/web → emojivoto/voting 8080/TCP", lab.Blocked},
		{"admin accept overrides the baseline deny", "emojivoto/web → linkerd/linkerd-destination 8086/TCP", lab.Open},
		{"admin accept by port range", "emojivoto/web → linkerd/linkerd-identity 8080/TCP", lab.Open},
		{"outside the range the baseline denies", "emojivoto/web → linkerd/linkerd-destination 9996/TCP", lab.Blocked},
		{"admin deny at a lower priority value wins", "emojivoto/web → linkerd/linkerd-destination 9990/TCP", lab.Blocked},
		{"v1alpha1 allow by named port", "linkerd-viz/prometheus → emojivoto/voting 8801/TCP", lab.Open},
		{"v1alpha1 allow by port range", "linkerd-viz/prometheus → emojivoto/voting 4191/TCP", lab.Open},
		{"pass goes to the baseline deny", "linkerd-viz/prometheus → emojivoto/voting 8080/TCP", lab.Blocked},
		{"v1alpha1 baseline accepts the own namespace", "linkerd/linkerd-identity → linkerd/linkerd-destination 8086/TCP", lab.Open},
		{"no tier selects linkerd-viz", "emojivoto/web → linkerd-viz/web 8084/TCP", lab.Open},
		{"admin accept to a node", "linkerd/linkerd-destination → apiserver 443/TCP", lab.Open},
		{"admin deny to a node", "linkerd/linkerd-destination → apiserver 9990/TCP", lab.Blocked},
		{"baseline egress deny to networks", "emojivoto/web → partner 443/TCP", lab.Blocked},
		{"no egress tier for linkerd to the partner", "linkerd/linkerd-destination → partner 443/TCP", lab.Open},
	} {
		if got, ok := kernel[tt.conn]; !ok || got != tt.want {
			t.Errorf("%s: %s: kernel %v (probed %v), want %v", tt.name, tt.conn, got, ok, tt.want)
		}
	}
}

// tieredFixInput is pkg/fix's tiered fixture: the example's workloads, a
// Baseline lockdown, Admin mesh exceptions, and an Admin quarantine of
// emojivoto that blocks linkerd-viz's scrape and tap of its proxies.
var tieredFixInput = []string{
	"examples/emojivoto-linkerd/namespaces.yaml", "examples/emojivoto-linkerd/emojivoto.yaml",
	"examples/emojivoto-linkerd/linkerd-control-plane.yaml", "examples/emojivoto-linkerd/linkerd-viz.yaml",
	"pkg/fix/testdata/tiered/cluster-policies.yaml",
}

// TestTieredFix: real packets confirm fix --tier admin. Before, the
// kernel blocks Prometheus' scrape of the application's proxies (the
// Admin quarantine); after adding what podreach fix --tier admin wrote, it
// lets it through; the kernel agrees with the reference evaluator on every
// connection the mesh check asks about, both times.
func TestTieredFix(t *testing.T) {
	requireLab(t)
	var out, errOut bytes.Buffer
	args := []string{"fix", "--mesh", "linkerd", "--tier", "admin"}
	for _, f := range tieredFixInput {
		args = append(args, "-f", f)
	}
	if code := cli.Run(context.Background(), "podreach", args, cli.Streams{In: os.Stdin, Out: &out, ErrOut: &errOut}); code != 0 {
		t.Fatalf("podreach fix --tier admin exited %d: %s", code, errOut.String())
	}
	fix := filepath.Join(t.TempDir(), "fix.yaml")
	if err := os.WriteFile(fix, out.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	const scrape = "linkerd-viz/prometheus → emojivoto/web 4191/TCP"
	for _, tt := range []struct {
		name  string
		files []string
		want  lab.Outcome
	}{
		{"quarantined", tieredFixInput, lab.Blocked},
		{"fixed with --tier admin", append(slices.Clone(tieredFixInput), fix), lab.Open},
	} {
		c := loadExample(t, tt.files)
		inst, _, err := linkerd.Detect(c, "")
		if err != nil {
			t.Fatal(err)
		}
		rep, err := lab.RunMesh(context.Background(), c, inst)
		if err != nil {
			t.Fatal(err)
		}
		assertAgreement(t, rep.Report)
		t.Logf("%s: kernel and engine agree on %d of %d connections", tt.name, rep.Summary.Agreed(), rep.Summary.Connections-rep.Summary.NotProbed)
		got := lab.OutcomeUnknown
		for _, r := range rep.Results {
			if fmt.Sprintf("%s → %s %d/%s", r.From, r.To, r.Port, r.Protocol) == scrape {
				got = r.Kernel
			}
		}
		if got != tt.want {
			t.Errorf("%s: %s: kernel %v, want %v", tt.name, scrape, got, tt.want)
		}
	}
}

// TestTieredDomainNames: connections a domainNames Accept may decide are
// not compared (the reference cannot decide them, the kernel sees no
// names); the others still agree: front → back on 9090 is denied by the
// Baseline tier, back → front is not restricted.
func TestTieredDomainNames(t *testing.T) {
	requireLab(t)
	c := loadExample(t, []string{"internal/lab/e2e/testdata/tiered-domains/"})
	rep, err := lab.Run(context.Background(), c)
	if err != nil {
		t.Fatal(err)
	}
	assertAgreement(t, rep)
	kernel := map[string]lab.Result{}
	for _, r := range rep.Results {
		kernel[fmt.Sprintf("%s → %s %d/%s", r.From, r.To, r.Port, r.Protocol)] = r
	}
	if r := kernel["front/app → back/api 8080/TCP"]; r.Kernel != lab.NotProbed || !strings.Contains(r.Detail, "the manifests cannot decide it") {
		t.Errorf("front/app → back/api 8080/TCP: %v (%s), want not compared", r.Kernel, r.Detail)
	}
	for conn, want := range map[string]lab.Outcome{"front/app → back/api 9090/TCP": lab.Blocked, "back/api → front/app 8080/TCP": lab.Open} {
		if got := kernel[conn].Kernel; got != want {
			t.Errorf("%s: kernel %v, want %v", conn, got, want)
		}
	}
}
