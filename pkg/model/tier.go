package model

import (
	"net/netip"

	"sigs.k8s.io/network-policy-api/apis/v1alpha1"
	"sigs.k8s.io/network-policy-api/apis/v1alpha2"
)

// ClusterPolicy is one cluster-wide policy of a tier around NetworkPolicy:
// a ClusterNetworkPolicy (policy.networking.k8s.io/v1alpha2, tier Admin or
// Baseline), an AdminNetworkPolicy or a BaselineAdminNetworkPolicy
// (v1alpha1). Exactly one of the three is set.
type ClusterPolicy struct {
	CNP    *v1alpha2.ClusterNetworkPolicy
	ANP    *v1alpha1.AdminNetworkPolicy
	BANP   *v1alpha1.BaselineAdminNetworkPolicy
	Source Source
}

// Kind is the lower-case kind of the policy ("clusternetworkpolicy",
// "adminnetworkpolicy", "baselineadminnetworkpolicy"); empty when none is
// set.
func (p *ClusterPolicy) Kind() string {
	switch {
	case p.CNP != nil:
		return "clusternetworkpolicy"
	case p.ANP != nil:
		return "adminnetworkpolicy"
	case p.BANP != nil:
		return "baselineadminnetworkpolicy"
	}
	return ""
}

// Name is the policy's metadata.name.
func (p *ClusterPolicy) Name() string {
	switch {
	case p.CNP != nil:
		return p.CNP.Name
	case p.ANP != nil:
		return p.ANP.Name
	case p.BANP != nil:
		return p.BANP.Name
	}
	return ""
}

// ID is "kind/name", e.g. "clusternetworkpolicy/mesh-exceptions".
func (p *ClusterPolicy) ID() string { return p.Kind() + "/" + p.Name() }

// Node is a Node's labels and addresses (status.addresses of IP types):
// what a cluster policy's nodes peer selects.
type Node struct {
	Name      string
	Labels    map[string]string
	Addresses []netip.Addr
	Source    Source
}
