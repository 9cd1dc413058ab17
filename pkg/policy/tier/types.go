package tier

import (
	"net/netip"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
)

// Tier is where a cluster policy sits relative to NetworkPolicy.
type Tier uint8

// Tiers, in evaluation order around the NetworkPolicy tier.
const (
	TierUnknown Tier = iota
	Admin            // before NetworkPolicy
	Baseline         // after NetworkPolicy
)

func (t Tier) String() string {
	switch t {
	case Admin:
		return "Admin"
	case Baseline:
		return "Baseline"
	}
	return "unknown"
}

// Action is what a rule does to the traffic it matches.
type Action uint8

// Actions. v1alpha1's Allow is Accept.
const (
	ActionUnknown Action = iota
	Accept
	Deny
	Pass
)

func (a Action) String() string {
	switch a {
	case Accept:
		return "Accept"
	case Deny:
		return "Deny"
	case Pass:
		return "Pass"
	}
	return "unknown"
}

// Policy is one cluster policy of either API version, compiled.
type Policy struct {
	ID       string // "kind/name"
	Tier     Tier
	Priority int32 // lower first; a BaselineAdminNetworkPolicy has BANPPriority
	Subject  Subject
	Rules    [2][]Rule // per side (IngressSide, EgressSide), in written order
}

// Indexes of Policy.Rules, as in package netpol.
const (
	IngressSide = 0
	EgressSide  = 1
)

// BANPPriority places the (single) BaselineAdminNetworkPolicy after every
// Baseline-tier ClusterNetworkPolicy (priorities 0-1000): the two API
// versions never define their relative order; this is podreach's choice.
const BANPPriority = 1001

// Subject selects the pods a policy applies to: "Note that host-networked
// pods are not included in subject selection."
type Subject struct {
	Namespaces labels.Selector // the namespaces form; nil when the pods form is used
	Pods       *NamespacedPod
}

// NamespacedPod selects pods by their namespace's labels AND their own.
type NamespacedPod struct {
	Namespace labels.Selector
	Pod       labels.Selector
}

// Rule is one ingress or egress rule.
type Rule struct {
	Index  int
	Name   string
	Action Action
	Peers  []Peer
	// AllPorts: "If Ports is not set then the rule does not filter traffic
	// via port" (v1alpha1); "If unspecified, protocol-specific attributes
	// will not be used to match traffic" (v1alpha2).
	AllPorts bool
	Ports    []Port
	// Invalid is why the rule cannot be interpreted; such a rule fails
	// closed (FailClosed).
	Invalid string
}

// PeerKind is which of a peer's (exactly one) fields is set.
type PeerKind uint8

// Peer kinds.
const (
	PeerUnknown PeerKind = iota
	PeerNamespaces
	PeerPods
	PeerNodes
	PeerNetworks
	PeerDomainNames
)

func (k PeerKind) String() string {
	return [...]string{"unknown", "namespaces", "pods", "nodes", "networks", "domainNames"}[k]
}

// Peer is one entry of a rule's from or to list.
type Peer struct {
	Kind       PeerKind
	Namespaces labels.Selector // PeerNamespaces
	Pods       NamespacedPod   // PeerPods
	Nodes      labels.Selector // PeerNodes
	Networks   []netip.Prefix  // PeerNetworks
	Domains    []string        // PeerDomainNames
}

// Port is one entry of a rule's ports (v1alpha1) or protocols (v1alpha2).
type Port struct {
	Protocol model.Protocol // the named port's own protocol decides when Name is set
	Lo, Hi   int
	Name     string // namedPort / destinationNamedPort
}
