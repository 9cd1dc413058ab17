package linkerdauthz

import (
	"net/netip"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// Config is what the decision needs beyond the objects: the release, the
// cluster default and the networks of the install. The zero value is the
// newest release with Linkerd's install defaults.
type Config struct {
	// Version is the Linkerd release; zero means the newest modelled.
	Version linkerd.Version
	// ClusterDefault is proxy.defaultInboundPolicy (2.12+) or
	// policyController.defaultAllowPolicy (2.11); zero means
	// all-unauthenticated, the install default. ClusterDefaultFrom says
	// where it was read ("linkerd-config", "--linkerd-default-policy").
	ClusterDefault     DefaultPolicy
	ClusterDefaultFrom string
	// ClusterNetworks is the policy controller's --cluster-networks; nil
	// means its default (DefaultClusterNetworks).
	ClusterNetworks []netip.Prefix
	// ProbeNetworks is policyController.probeNetworks; nil means
	// 0.0.0.0/0 and ::/0 (2.12+).
	ProbeNetworks []netip.Prefix
	// TrustDomain is identityTrustDomain ("cluster.local" when empty);
	// ControlPlaneNamespace the control plane's namespace ("linkerd").
	TrustDomain           string
	ControlPlaneNamespace string
	// Unread are the parts of the cluster a live read was refused
	// (model.Cluster.Gaps). Where they hide Linkerd objects a decision
	// depends on, the answer is unknown (code unread_policy), never
	// what the objects that were read say.
	Unread []model.Gap
}

// defaultClusterNetworks is the policy controller's default
// --cluster-networks.
var defaultClusterNetworks = []string{"10.0.0.0/8", "100.64.0.0/10", "172.16.0.0/12", "192.168.0.0/16", "fd00::/8"}

// DefaultClusterNetworks returns the policy controller's default
// --cluster-networks: 10.0.0.0/8, 100.64.0.0/10, 172.16.0.0/12,
// 192.168.0.0/16 and fd00::/8.
func DefaultClusterNetworks() []netip.Prefix { return mustPrefixes(defaultClusterNetworks) }

func everywhere() []netip.Prefix { return mustPrefixes([]string{"0.0.0.0/0", "::/0"}) }

func mustPrefixes(ss []string) []netip.Prefix {
	out := make([]netip.Prefix, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParsePrefix(s)
	}
	return out
}

func (c *Config) clusterNetworks() []netip.Prefix {
	if c.ClusterNetworks == nil {
		return DefaultClusterNetworks()
	}
	return c.ClusterNetworks
}

func (c *Config) probeNetworks() []netip.Prefix {
	if c.ProbeNetworks == nil {
		return everywhere()
	}
	return c.ProbeNetworks
}

// The eras of the authorization layer (linkerd2 CHANGES.md and the served
// CRD versions of each release's install_crds.golden).
const (
	// Server and ServerAuthorization (policy.linkerd.io v1alpha1/v1beta1).
	minorPolicy = 11
	// AuthorizationPolicy, MeshTLSAuthentication, NetworkAuthentication,
	// HTTPRoute, and the automatic authorization of probes (linkerd2 #8945).
	minorRoutes = 12
	// The audit default policy, Server.accessPolicy (v1beta3) and
	// GRPCRoute.
	minorAudit = 16
)

// at reports whether the release is 2.minor or later (the zero version is
// the newest).
func (c *Config) at(minor int) bool { return c.Version.IsZero() || c.Version.AtLeast(minor) }

// overlapAccepted reports whether overlapping Servers are admitted (oldest
// wins): since edge-25.2.2 (linkerd2 #13676); before, the validating
// webhook rejected the later one.
func (c *Config) overlapAccepted() bool {
	return c.Version.IsZero() || c.Version.In(linkerd.Range{Min: 18, EdgeMin: linkerd.EdgeTag{Year: 25, Month: 2, N: 2}})
}
