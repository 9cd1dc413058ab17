package synth

import (
	"fmt"
	"strings"
)

// Size is a preset cluster size (issue 5): pods, policies and the shape
// around them.
type Size uint8

// Sizes.
const (
	SizeUnknown Size = iota
	SizeS            // 50 pods
	SizeM            // 1k pods, 200 policies
	SizeL            // 10k pods, 2k policies
	SizeXL           // 50k pods, 8k policies
	SizeXXL          // 150k pods, 30k policies
	SizeDense        // 5.4k pods, 13.7k policies: a real cluster's published shape
)

// Sizes lists the known sizes, smallest first.
var Sizes = []Size{SizeS, SizeM, SizeL, SizeXL, SizeXXL, SizeDense}

// shape is what a size fixes.
type shape struct {
	name           string
	pods, policies int
	namespaces     int
	daemonSets     int // application DaemonSets (besides the host-network node agent)
	podsPerNode    int
}

var shapes = map[Size]shape{
	SizeS:     {name: "S", pods: 50, policies: 20, namespaces: 5, daemonSets: 1, podsPerNode: 10},
	SizeM:     {name: "M", pods: 1000, policies: 200, namespaces: 40, daemonSets: 2, podsPerNode: 30},
	SizeL:     {name: "L", pods: 10000, policies: 2000, namespaces: 200, daemonSets: 3, podsPerNode: 30},
	SizeXL:    {name: "XL", pods: 50000, policies: 8000, namespaces: 600, daemonSets: 4, podsPerNode: 30},
	SizeXXL:   {name: "XXL", pods: 150000, policies: 30000, namespaces: 1500, daemonSets: 5, podsPerNode: 30},
	SizeDense: {name: "dense", pods: 5400, policies: 13700, namespaces: 150, daemonSets: 3, podsPerNode: 30},
}

// String is the size's name: "S", "M", "L", "XL", "XXL" or "dense".
func (s Size) String() string {
	if sh, ok := shapes[s]; ok {
		return sh.name
	}
	return "unknown"
}

// ParseSize parses a size name, case-insensitively.
func ParseSize(name string) (Size, error) {
	for _, s := range Sizes {
		if strings.EqualFold(name, s.String()) {
			return s, nil
		}
	}
	return SizeUnknown, fmt.Errorf("unknown size %q (want S, M, L, XL, XXL or dense)", name)
}

// Pods and Policies are the size's targets.
func (s Size) Pods() int     { return shapes[s].pods }
func (s Size) Policies() int { return shapes[s].policies }

// Config returns the configuration of a cluster of size s: every feature,
// pod IPs, one node per podsPerNode pods, a few DaemonSets, and a Linkerd
// control plane. The number of workloads is chosen so the expected pod
// count meets the target (within a few percent).
func (s Size) Config(seed int64) Config {
	sh, ok := shapes[s]
	if !ok {
		return Config{Seed: seed}
	}
	nodes := max(3, sh.pods/sh.podsPerNode)
	// Pods per workload without DaemonSets: kindWeights without the
	// DaemonSet share, Deployments and StatefulSets averaging 2 replicas.
	perWorkload := 157.0 / 92.0
	// The node agent and the application DaemonSets run on every node;
	// coredns runs 2 pods, control-plane components 1 each.
	fixed := (1+sh.daemonSets)*nodes + 2 + len(cpComponents)
	rest := max(0, sh.pods-fixed)
	workloads := 2 + sh.daemonSets + int(float64(rest)/perWorkload+0.5)
	return Config{
		Seed: seed, Namespaces: sh.namespaces, Workloads: workloads, Policies: sh.policies,
		PodIPs: true, Nodes: nodes, DaemonSets: sh.daemonSets, Linkerd: true,
	}
}

// Tiered is Config with cluster policy tiers: one ClusterNetworkPolicy per
// ten NetworkPolicies (L: 200, half Admin, half Baseline) and the Nodes.
func (s Size) Tiered(seed int64) Config {
	c := s.Config(seed)
	c.ClusterPolicies = s.Policies() / 10
	return c
}
