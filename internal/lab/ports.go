package lab

import (
	"slices"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
)

// The lab probes, on each destination, the ports it declares plus every
// port the policies name by number: a policy may admit a port nobody
// declares, and the responder listens there too.

// policyTargets lists the numeric ports of the policies (NetworkPolicies
// and cluster policies): each port, and for a range [port, endPort] both
// ends and the ports just outside it.
func policyTargets(c *model.Cluster) []target {
	var out []target
	add := func(proto model.Protocol, port int) {
		if port >= 1 && port <= 65535 {
			out = append(out, target{proto, port})
		}
	}
	for _, pol := range c.Policies {
		np := pol.NetworkPolicy
		var ps []networkingv1.NetworkPolicyPort
		for _, r := range np.Spec.Ingress {
			ps = append(ps, r.Ports...)
		}
		for _, r := range np.Spec.Egress {
			ps = append(ps, r.Ports...)
		}
		for _, pp := range ps {
			proto := protoOf(pp.Protocol)
			if pp.Port == nil || proto == model.ProtocolUnknown {
				continue
			}
			num, name := intOrString(pp.Port)
			if name != "" {
				continue // resolves to a declared port
			}
			add(proto, num)
			if pp.EndPort != nil {
				end := int(*pp.EndPort)
				add(proto, end)
				add(proto, num-1)
				add(proto, end+1)
			}
		}
	}
	return sortTargets(append(out, tierTargets(c)...))
}

// flowTargets lists the ports of a mesh's flows.
func flowTargets(flows []mesh.Flow) []target {
	var out []target
	for _, f := range flows {
		for _, p := range f.Ports {
			out = append(out, target{p.Protocol, int(p.Port)})
		}
	}
	return sortTargets(out)
}

// declared lists the node's container ports.
func (n *node) declared() []target {
	var out []target
	for _, cp := range n.ports {
		if cp.Port >= 1 && cp.Protocol != model.ProtocolUnknown {
			out = append(out, target{cp.Protocol, int(cp.Port)})
		}
	}
	return sortTargets(out)
}

// defaultExternalPort is probed on an external peer when no policy names a
// port: without it there would be nothing to try.
var defaultExternalPort = target{model.TCP, 443}

// portsFor returns the ports to probe on a destination: its declared ports
// and extra (for externals, extra alone, or defaultExternalPort).
func portsFor(extra []target) func(*node) []target {
	return func(n *node) []target {
		if n.external {
			if len(extra) == 0 {
				return []target{defaultExternalPort}
			}
			return extra
		}
		return sortTargets(append(n.declared(), extra...))
	}
}

func sortTargets(ts []target) []target {
	slices.SortFunc(ts, compareTargets)
	return slices.Compact(ts)
}
