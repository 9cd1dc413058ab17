package synth

import "strings"

// Config sizes a generated cluster. The zero value generates an empty
// cluster; Features zero means AllFeatures.
type Config struct {
	Seed       int64
	Namespaces int // including kube-system when there are at least two
	Workloads  int // total, system workloads included
	Policies   int // total
	// PodIPs gives every workload pod instances with status IPs (10.0.0.0/8,
	// plus fd00:10::/64 addresses in dual-stack namespaces when FeatureIPv6
	// is on); false leaves workloads as templates without instances, as in
	// manifests.
	PodIPs   bool
	Features Feature
	// Nodes is the number of nodes (a DaemonSet runs one pod on each); zero
	// means 3 + Workloads/200.
	Nodes int
	// DaemonSets, when positive, is the number of application DaemonSets,
	// and no other application workload is one; zero keeps the default mix
	// (about 8% of the workloads).
	DaemonSets int
	// Linkerd adds a Linkerd control plane (namespace linkerd, its
	// components and linkerd-config) and annotates the namespaces labelled
	// linkerd.io/inject=enabled for injection.
	Linkerd bool
	// ClusterPolicies is the number of ClusterNetworkPolicies (half Admin,
	// half Baseline; tier.go); when positive the cluster's Nodes are
	// generated too.
	ClusterPolicies int
}

// Feature is a set of NetworkPolicy (and cluster) features the generator may
// use, as bit flags. FeatureUnknown (zero) in Config means AllFeatures.
type Feature uint32

// Features the generator can exercise.
const (
	FeatureUnknown           Feature = 0
	FeatureDefaultDeny       Feature = 1 << (iota - 1) // podSelector {} with no rules
	FeatureNamespaceSelector                           // namespaceSelector peers
	FeaturePeerAnd                                     // podSelector and namespaceSelector in one peer
	FeatureMultiPeer                                   // several peers in one rule
	FeatureEmptySelector                               // {} selectors in peers
	FeatureMatchExpressions                            // In, NotIn, Exists, DoesNotExist
	FeatureNamedPorts                                  // port: <name>
	FeatureEndPort                                     // port ranges
	FeatureProtocolOnly                                // ports: [{protocol: UDP}]
	FeatureEgress                                      // egress rules and Egress policyTypes
	FeatureIPBlock                                     // ipBlock peers, with except
	FeatureIPv6                                        // dual-stack pods and IPv6 ipBlocks
	FeatureDNSEgress                                   // egress to kube-dns in kube-system
	FeatureHostNetwork                                 // host-network pods
	featureEnd
)

// AllFeatures enables everything.
const AllFeatures = featureEnd - 1

var featureNames = []string{
	"default-deny", "namespace-selector", "peer-and", "multi-peer",
	"empty-selector", "match-expressions", "named-ports", "end-port",
	"protocol-only", "egress", "ip-block", "ipv6", "dns-egress", "host-network",
}

// String lists the features joined by "|": "named-ports|end-port".
func (f Feature) String() string {
	if f == FeatureUnknown {
		return "unknown"
	}
	var parts []string
	for i, n := range featureNames {
		if f&(1<<i) != 0 {
			parts = append(parts, n)
		}
	}
	if f&^AllFeatures != 0 {
		parts = append(parts, "unknown")
	}
	return strings.Join(parts, "|")
}

// Has reports whether every feature of o is in f.
func (f Feature) Has(o Feature) bool { return f&o == o }
