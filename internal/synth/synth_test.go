package synth_test

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

func TestGenerateDeterministic(t *testing.T) {
	t.Parallel()
	cfg := synth.Config{Seed: 7, Namespaces: 6, Workloads: 40, Policies: 30, PodIPs: true}
	a, b := synth.Generate(cfg), synth.Generate(cfg)
	if diff := cmp.Diff(a, b, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})); diff != "" {
		t.Fatalf("same seed, different clusters (-first +second):\n%s", diff)
	}
	cfg.Seed = 8
	if c := synth.Generate(cfg); cmp.Equal(a, c, cmpopts.EquateComparable(netip.Addr{}, netip.Prefix{})) {
		t.Fatal("seeds 7 and 8 gave the same cluster")
	}
}

func TestGenerateSizes(t *testing.T) {
	t.Parallel()
	for _, cfg := range []synth.Config{
		{},
		{Seed: 1, Workloads: 3, Policies: 2},
		{Seed: 2, Namespaces: 1, Workloads: 5, Policies: 5, PodIPs: true},
		{Seed: 3, Namespaces: 12, Workloads: 200, Policies: 60, PodIPs: true},
		{Seed: 4, Namespaces: 30, Workloads: 100, Policies: 40, Features: synth.FeatureNamedPorts},
	} {
		t.Run(fmt.Sprintf("seed%d", cfg.Seed), func(t *testing.T) {
			t.Parallel()
			c := synth.Generate(cfg)
			if got, want := len(c.Namespaces), max(cfg.Namespaces, min(1, cfg.Workloads+cfg.Policies)); got != want {
				t.Errorf("namespaces = %d, want %d", got, want)
			}
			if len(c.Workloads) != cfg.Workloads || len(c.Policies) != cfg.Policies {
				t.Errorf("got %d workloads, %d policies; want %d, %d", len(c.Workloads), len(c.Policies), cfg.Workloads, cfg.Policies)
			}
			for _, w := range c.Workloads {
				if cfg.PodIPs != (len(w.Pods) > 0) {
					t.Errorf("%s: %d pods with PodIPs=%v", w.ID(), len(w.Pods), cfg.PodIPs)
				}
			}
		})
	}
}

func TestGenerateValid(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 30; seed++ {
		c := synth.Generate(synth.Config{Seed: seed, Namespaces: 1 + int(seed%9), Workloads: 5 + int(seed*3), Policies: int(seed * 2), PodIPs: seed%3 != 0})
		for _, p := range c.Policies {
			for _, problem := range validate(p.NetworkPolicy) {
				t.Errorf("seed %d: %s: %s", seed, p.ID(), problem)
			}
		}
		checkCluster(t, seed, c)
	}
}

// checkCluster checks names are unique and sorted, namespaces carry the
// name label, and every pod has the IPs of its network.
func checkCluster(t *testing.T, seed int64, c *model.Cluster) {
	t.Helper()
	seen := map[string]bool{}
	for i, w := range c.Workloads {
		if seen[w.ID()] || (i > 0 && c.Workloads[i-1].ID() > w.ID() && c.Workloads[i-1].Namespace == w.Namespace) {
			t.Errorf("seed %d: workload %s duplicated or out of order", seed, w.ID())
		}
		seen[w.ID()] = true
		for _, p := range w.Pods {
			if len(p.IPs) == 0 || (w.Template.HostNetwork && !netip.MustParsePrefix("192.168.0.0/16").Contains(p.IPs[0])) ||
				(!w.Template.HostNetwork && !netip.MustParsePrefix("10.0.0.0/8").Contains(p.IPs[0])) {
				t.Errorf("seed %d: pod %s/%s has IPs %v (hostNetwork %v)", seed, w.Namespace, p.Name, p.IPs, w.Template.HostNetwork)
			}
		}
	}
	for _, ns := range c.Namespaces {
		if ns.Labels[model.NamespaceNameLabel] != ns.Name {
			t.Errorf("seed %d: namespace %s lacks %s", seed, ns.Name, model.NamespaceNameLabel)
		}
	}
}

func TestGenerateCoversEveryFeature(t *testing.T) {
	t.Parallel()
	seen := map[string]bool{}
	for seed := int64(1); seed <= 3; seed++ {
		c := synth.Generate(synth.Config{Seed: seed, Namespaces: 8, Workloads: 60, Policies: 50, PodIPs: true})
		for f := range features(c) {
			seen[f] = true
		}
	}
	for _, f := range allCovered {
		if !seen[f] {
			t.Errorf("no generated policy or pod exercises %q", f)
		}
	}
}

func TestFeatureString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		f    synth.Feature
		want string
	}{
		{synth.FeatureUnknown, "unknown"},
		{synth.FeatureNamedPorts | synth.FeatureEndPort, "named-ports|end-port"},
		{synth.FeatureHostNetwork | 1<<30, "host-network|unknown"},
	}
	for _, tt := range tests {
		if got := tt.f.String(); got != tt.want {
			t.Errorf("%d.String() = %q, want %q", uint32(tt.f), got, tt.want)
		}
	}
	if !synth.AllFeatures.Has(synth.FeatureIPv6 | synth.FeatureEgress) {
		t.Error("AllFeatures lacks ipv6|egress")
	}
}
