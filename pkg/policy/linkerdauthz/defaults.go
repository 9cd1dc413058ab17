package linkerdauthz

import (
	"fmt"
	"net/netip"
)

// DefaultPolicy is a default inbound policy: the cluster's, a namespace's,
// a pod's, or a Server's accessPolicy. The zero value is unknown.
type DefaultPolicy uint8

// The values of config.linkerd.io/default-inbound-policy
// (policy-controller/k8s/index/src/defaults.rs).
const (
	DefaultUnknown DefaultPolicy = iota
	// "all-unauthenticated: allow all traffic. This is the default."
	DefaultAllUnauthenticated
	// "all-authenticated: allow traffic from meshed clients in the same or
	// from a different cluster (with multi-cluster)."
	DefaultAllAuthenticated
	// "cluster-unauthenticated: allow traffic from both meshed and
	// non-meshed clients in the same cluster."
	DefaultClusterUnauthenticated
	// "cluster-authenticated: allow traffic from meshed clients in the
	// same cluster."
	DefaultClusterAuthenticated
	// "deny: all traffic are denied."
	DefaultDeny
	// "audit: Same as all-unauthenticated but requests get flagged in logs
	// and metrics." (2.16+)
	DefaultAudit
)

var defaultNames = [...]string{
	DefaultUnknown:                "unknown",
	DefaultAllUnauthenticated:     "all-unauthenticated",
	DefaultAllAuthenticated:       "all-authenticated",
	DefaultClusterUnauthenticated: "cluster-unauthenticated",
	DefaultClusterAuthenticated:   "cluster-authenticated",
	DefaultDeny:                   "deny",
	DefaultAudit:                  "audit",
}

func (d DefaultPolicy) String() string {
	if int(d) < len(defaultNames) {
		return defaultNames[d]
	}
	return "unknown"
}

// ParseDefaultPolicy parses a default policy value exactly as the policy
// controller does (no other spelling: "all_authenticated" is invalid).
func ParseDefaultPolicy(s string) (DefaultPolicy, error) {
	for d, n := range defaultNames {
		if d != int(DefaultUnknown) && n == s {
			return DefaultPolicy(d), nil
		}
	}
	return DefaultUnknown, fmt.Errorf("invalid default inbound policy %q (want all-unauthenticated, all-authenticated, cluster-unauthenticated, cluster-authenticated, deny or audit)", s)
}

// MustParseDefaultPolicy is ParseDefaultPolicy for tests; it panics on error.
func MustParseDefaultPolicy(s string) DefaultPolicy {
	d, err := ParseDefaultPolicy(s)
	if err != nil {
		panic(err)
	}
	return d
}

// allows reports whether d admits some traffic by itself (the "Allow"
// defaults; audit lets everything through but flags it).
func (d DefaultPolicy) allows() bool {
	return d >= DefaultAllUnauthenticated && d <= DefaultClusterAuthenticated
}

// validIn reports whether the release knows the value: audit is 2.16+.
func (d DefaultPolicy) validIn(c *Config) bool {
	return d != DefaultUnknown && (d != DefaultAudit || c.at(minorAudit))
}

// authenticated is d with authentication required (what
// proxy-require-identity-inbound-ports does to an allowing default).
func (d DefaultPolicy) authenticated() DefaultPolicy {
	switch d {
	case DefaultAllUnauthenticated:
		return DefaultAllAuthenticated
	case DefaultClusterUnauthenticated:
		return DefaultClusterAuthenticated
	}
	return d
}

// authz is the authorization an allowing default (or audit) stands for:
// any client or any identity, from every network or the cluster networks
// (defaults.rs default_client_authz).
func (d DefaultPolicy) authz(c *Config, ref string) (authz, bool) {
	a := authz{ref: ref, nets: netsOf(everywhere()), netsText: "any network"}
	switch d {
	case DefaultAllUnauthenticated, DefaultAudit:
	case DefaultAllAuthenticated:
		a.authn = authn{kind: authnIdentities, ids: []string{"*"}}
	case DefaultClusterUnauthenticated:
		a.nets, a.netsText = netsOf(c.clusterNetworks()), "the cluster networks"
	case DefaultClusterAuthenticated:
		a.authn = authn{kind: authnIdentities, ids: []string{"*"}}
		a.nets, a.netsText = netsOf(c.clusterNetworks()), "the cluster networks"
	default:
		return authz{}, false
	}
	return a, true
}

func netsOf(ps []netip.Prefix) []network {
	out := make([]network, len(ps))
	for i, p := range ps {
		out[i] = network{cidr: p}
	}
	return out
}

// Annotations the policy controller reads on a pod (the injector copies
// the namespace's onto the pod at creation).
const (
	AnnotationDefaultPolicy   = "config.linkerd.io/default-inbound-policy"
	AnnotationRequireIdentity = "config.linkerd.io/proxy-require-identity-inbound-ports"
	AnnotationOpaquePorts     = "config.linkerd.io/opaque-ports"
	AnnotationSkipInbound     = "config.linkerd.io/skip-inbound-ports"
)

// chosenDefault is the default policy of a pod and where it came from.
type chosenDefault struct {
	policy DefaultPolicy
	from   string
	notes  []string // annotations ignored, and why
}

// resolveDefault picks a pod's default policy: "the annotation
// config.linkerd.io/default-inbound-policy on either a pod spec or its
// namespace" overrides the cluster default; the pod's wins (the injector
// copies the namespace's only when the pod sets none). An invalid value is
// ignored and the next level applies.
func (c *Config) resolveDefault(pod, ns map[string]string, nsName string) chosenDefault {
	var out chosenDefault
	for _, lvl := range []struct {
		ann  map[string]string
		from string
	}{{pod, "pod annotation " + AnnotationDefaultPolicy}, {ns, "namespace " + nsName + " annotation " + AnnotationDefaultPolicy}} {
		v, ok := lvl.ann[AnnotationDefaultPolicy]
		if !ok {
			continue
		}
		d, err := ParseDefaultPolicy(v)
		if err == nil && !d.validIn(c) {
			err = fmt.Errorf("%q is not a default policy of Linkerd %s (audit is 2.16+)", v, c.Version)
		}
		if err != nil {
			out.notes = append(out.notes, lvl.from+" ignored: "+err.Error())
			continue
		}
		out.policy, out.from = d, lvl.from
		return out
	}
	out.policy, out.from = c.clusterDefault()
	return out
}

func (c *Config) clusterDefault() (DefaultPolicy, string) {
	from := c.ClusterDefaultFrom
	if from == "" {
		from = "install default"
	}
	if c.ClusterDefault == DefaultUnknown || !c.ClusterDefault.validIn(c) {
		return DefaultAllUnauthenticated, "cluster default (" + from + ")"
	}
	return c.ClusterDefault, "cluster default (" + from + ")"
}
