package reach

import (
	"fmt"
	"maps"
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/ports"
)

// transportReasoner is implemented by profiles that say why they rewrite a
// connection's port (linkerd.Install.TransportReason).
type transportReasoner interface {
	TransportReason(src, dst *model.PodSpec, port int32, proto model.Protocol) string
}

// Arrival is the port a connection really arrives on, when the mesh sends
// it elsewhere than the application port asked about.
type Arrival struct {
	AppPort int            // the port asked about (after Service mapping)
	Port    int            // the port the destination sees, as NetworkPolicy sees it
	Proto   model.Protocol // the protocol
	Why     string         // "Linkerd ≥ 2.18 meshed traffic"
}

// String is "arrives as 4143/TCP: Linkerd ≥ 2.18 meshed traffic".
func (r Arrival) String() string {
	return fmt.Sprintf("arrives as %d/%s: %s", r.Port, r.Proto, r.Why)
}

// Transport returns how a connection from endpoint s to port of endpoint
// d arrives at d: the zero Arrival when it arrives on port (no mesh, an
// external, an unmeshed side, a port the mesh does not rewrite).
func (a *Analysis) Transport(s, d int, proto model.Protocol, port int) Arrival {
	p := a.opts.mesh
	if p == nil || port == 0 || a.specs[s] == nil || a.specs[d] == nil {
		return Arrival{}
	}
	wire, rewrote := p.TransportPort(a.specs[s], a.specs[d], int32(port), proto)
	if !rewrote {
		return Arrival{}
	}
	r := Arrival{AppPort: port, Port: int(wire), Proto: proto, Why: "the mesh sends it to the server's proxy"}
	if tr, ok := p.(transportReasoner); ok {
		r.Why = tr.TransportReason(a.specs[s], a.specs[d], int32(port), proto)
	}
	return r
}

// injectedNotes names the labels that decided d and that the mesh's
// injector added: for every admitting rule whose peer selects pods by a
// label the injected endpoint has and its template (as given) lacks.
func (a *Analysis) injectedNotes(d policy.Decision, s, t int) []string {
	if a.opts.mesh == nil {
		return nil
	}
	var out []string
	for _, side := range []struct {
		sd   policy.Side
		peer int // the endpoint the rule's peer matched: the other side
	}{{d.Egress, t}, {d.Ingress, s}} {
		for _, r := range side.sd.Admitted {
			for _, k := range a.peerLabelKeys(r, side.sd.Direction) {
				if v, added := a.addedLabel(side.peer, k); added {
					out = append(out, fmt.Sprintf("%s rule %d matched label %s=%s of %s, added by the %s proxy injector",
						r.Policy, r.Rule, k, v, a.engine.Endpoints()[side.peer].ID, a.opts.mesh.Name()))
				}
			}
		}
	}
	return out
}

// peerLabelKeys lists the pod label keys peer r.Peer of rule r.Rule of
// policy r.Policy selects on (nil when it is not a pod selector).
func (a *Analysis) peerLabelKeys(r policy.RuleRef, dir policy.Direction) []string {
	if r.Peer < 0 {
		return nil
	}
	for i := range a.cluster.Policies {
		p := &a.cluster.Policies[i]
		if p.ID() != r.Policy {
			continue
		}
		spec := &p.NetworkPolicy.Spec
		switch {
		case dir == policy.Ingress && r.Rule < len(spec.Ingress) && r.Peer < len(spec.Ingress[r.Rule].From):
			return selectorKeys(spec.Ingress[r.Rule].From[r.Peer].PodSelector)
		case dir == policy.Egress && r.Rule < len(spec.Egress) && r.Peer < len(spec.Egress[r.Rule].To):
			return selectorKeys(spec.Egress[r.Rule].To[r.Peer].PodSelector)
		}
	}
	return nil
}

// addedLabel reports whether the effective spec of endpoint e has label k
// and the input's does not, with its value.
func (a *Analysis) addedLabel(e int, k string) (string, bool) {
	if a.specs[e] == nil || a.inSpecs[e] == nil {
		return "", false
	}
	v, now := a.specs[e].Labels[k]
	_, before := a.inSpecs[e].Labels[k]
	return v, now && !before
}

// selectorKeys lists the label keys a selector reads, sorted.
func selectorKeys(s *metav1.LabelSelector) []string {
	if s == nil {
		return nil
	}
	keys := slices.Collect(maps.Keys(s.MatchLabels))
	for _, e := range s.MatchExpressions {
		keys = append(keys, e.Key)
	}
	slices.Sort(keys)
	return slices.Compact(keys)
}

// transportSetter is implemented by profiles that give, as a set, the
// ports TransportPort rewrites for a pair (linkerd.Install.TransportPorts).
type transportSetter interface {
	TransportPorts(src, dst *model.PodSpec) ports.Set
}

// Arrived maps set, the ports NetworkPolicy admits from endpoint s to
// endpoint d, to the application ports s can really use: a port the mesh
// sends to another port (4143) is usable when that port is admitted, and
// only then. Without a mesh (or a profile that cannot say), set itself.
func (a *Analysis) Arrived(s, d int, set ports.Set) ports.Set {
	ts, ok := a.opts.mesh.(transportSetter)
	if !ok || a.specs[s] == nil || a.specs[d] == nil {
		return set
	}
	r := ts.TransportPorts(a.specs[s], a.specs[d])
	rs := r.Ranges(model.TCP)
	if len(rs) == 0 {
		return set
	}
	wire, _ := a.opts.mesh.TransportPort(a.specs[s], a.specs[d], int32(rs[0].Lo), model.TCP)
	return arrive(set, r, int(wire))
}

// arrive maps set, the ports NetworkPolicy admits, when the mesh sends
// the TCP ports of rewritten to port wire: they are usable when wire is
// admitted, and only then.
func arrive(set, rewritten ports.Set, wire int) ports.Set {
	out := set.Subtract(rewritten)
	if set.Contains(model.TCP, wire) {
		out = out.Union(rewritten)
	}
	return out
}
