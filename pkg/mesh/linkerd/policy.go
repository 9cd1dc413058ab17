package linkerd

import (
	"go.yaml.in/yaml/v3"

	"github.com/podreach/podreach/pkg/model"
)

// PolicySettings are what the install says about inbound authorization
// (the Helm values in linkerd-config; package policy/linkerdauthz
// evaluates them). Empty fields were not given: the release's defaults
// apply.
type PolicySettings struct {
	// DefaultInbound is proxy.defaultInboundPolicy (2.12+), else
	// policyController.defaultAllowPolicy (2.11); DefaultFrom says where it
	// was read ("linkerd-config proxy.defaultInboundPolicy").
	DefaultInbound string
	DefaultFrom    string
	// ClusterNetworks is clusterNetworks ("10.0.0.0/8,…"), ProbeNetworks
	// policyController.probeNetworks, TrustDomain identityTrustDomain.
	ClusterNetworks string
	ProbeNetworks   string
	TrustDomain     string
}

// HasProxy reports whether a pod spec runs the Linkerd proxy (as a
// container or a native sidecar).
func HasProxy(spec *model.PodSpec) bool { return hasProxy(spec) }

// WithPolicy sets the install's authorization settings.
func WithPolicy(p PolicySettings) Option { return func(o *options) { o.policy = p } }

// readPolicy reads the authorization settings from the Helm values.
func readPolicy(root *yaml.Node, where string) PolicySettings {
	var p PolicySettings
	for _, key := range [][]string{{"proxy", "defaultInboundPolicy"}, {"policyController", "defaultAllowPolicy"}} {
		if s, ok := scalar(root, key...); ok && s != "" && p.DefaultInbound == "" {
			p.DefaultInbound, p.DefaultFrom = s, where+" "+key[0]+"."+key[1]
		}
	}
	p.ClusterNetworks, _ = scalar(root, "clusterNetworks")
	p.ProbeNetworks, _ = sequenceOrScalar(root, "policyController", "probeNetworks")
	p.TrustDomain, _ = scalar(root, "identityTrustDomain")
	return p
}

// sequenceOrScalar reads a list value (probeNetworks: [0.0.0.0/0, ::/0])
// as one comma-separated string.
func sequenceOrScalar(root *yaml.Node, path ...string) (string, bool) {
	if s, ok := scalar(root, path...); ok {
		return s, true
	}
	n := root
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	for _, key := range path {
		var next *yaml.Node
		for i := 0; n.Kind == yaml.MappingNode && i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				next = n.Content[i+1]
			}
		}
		if next == nil {
			return "", false
		}
		n = next
	}
	if n.Kind != yaml.SequenceNode {
		return "", false
	}
	s := ""
	for i, c := range n.Content {
		if i > 0 {
			s += ","
		}
		s += c.Value
	}
	return s, true
}
