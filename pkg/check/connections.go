package check

import (
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// Connection is one connection a flow check evaluates.
type Connection struct {
	From, To string
	Port     int32 // as NetworkPolicy sees it (after mesh transport)
	AppPort  int32 // the application port, when the mesh rewrote it to Port
	Protocol model.Protocol
	Allowed  bool
}

// Connections lists, by flow ID, every connection the check of a flow with
// listed ports evaluates, allowed or not, so that renderers can draw the
// required flows. a must be the analysis Run returned (of the injected
// cluster) and p the profile Run was given. The data-plane flow (no listed
// ports: every meshed client to every meshed server) is not listed; its
// blocked pairs are in its Result. The connections a Result reports as
// blocked are exactly those listed here with Allowed false.
func Connections(a *reach.Analysis, p mesh.Profile) map[string][]Connection {
	flows := p.Flows()
	r := newRunner(p, a, flows, nil)
	out := map[string][]Connection{}
	for _, f := range flows {
		if len(f.Ports) == 0 {
			continue
		}
		src, dst := r.resolve(f.From), r.resolve(f.To)
		if src.unresolved != "" || dst.unresolved != "" {
			continue
		}
		out[f.ID] = r.connections(f, src, dst)
	}
	return out
}

// connections mirrors flow's loop: a OneOf flow is satisfied by any of its
// ports, so when one is allowed the others are not listed.
func (r *runner) connections(f mesh.Flow, src, dst peerSet) []Connection {
	eng := r.engine()
	eps := eng.Endpoints()
	var out []Connection
	for si, s := range src.eps {
		for di, d := range dst.eps {
			if s == d {
				continue
			}
			allowed := eng.Allowed(s, d)
			var pair []Connection
			ok := false
			for _, port := range f.Ports {
				if f.DeclaredOnly && !declares(r.workload(&dst, di), port) {
					continue
				}
				wire, app := r.wirePort(f, src.workloads[si], dst.workloads[di], port)
				c := Connection{From: eps[s].ID, To: eps[d].ID, Port: wire, AppPort: app, Protocol: port.Protocol,
					Allowed: allowed.Contains(port.Protocol, int(wire))}
				ok = ok || c.Allowed
				pair = append(pair, c)
			}
			if f.OneOf && ok {
				pair = keepAllowed(pair)
			}
			out = append(out, pair...)
		}
	}
	return out
}

func keepAllowed(cs []Connection) []Connection {
	var out []Connection
	for _, c := range cs {
		if c.Allowed {
			out = append(out, c)
		}
	}
	return out
}
