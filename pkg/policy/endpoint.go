package policy

import (
	"net/netip"

	"github.com/podreach/podreach/pkg/model"
)

// Endpoint is one source or destination of connections: a pod, a workload
// (standing for its pods), or an external peer. It is the unit the engine
// evaluates; package reach builds endpoints from a model.Cluster.
type Endpoint struct {
	ID          string // "ns/name"; the external's name for externals
	Namespace   string // empty for externals
	Name        string
	Kind        model.Kind
	Labels      map[string]string
	Ports       []model.ContainerPort // resolves named policy ports when this is the destination
	IPs         []netip.Addr          // known addresses; none means ipBlocks never match it
	HostNetwork bool
	// Single is true when the endpoint is one pod (so it may always reach
	// itself); false for workloads standing for several replicas.
	Single bool
	// Prefix is the address range of an external peer (Kind External).
	Prefix netip.Prefix
}

// IsExternal reports whether the endpoint is outside the pod network.
func (e *Endpoint) IsExternal() bool { return e.Kind == model.KindExternal }

// selectable reports whether pod and namespace selectors can match the
// endpoint: externals and host-network pods are matched only by ipBlock.
func (e *Endpoint) selectable() bool { return !e.IsExternal() && !e.HostNetwork }
