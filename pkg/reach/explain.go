package reach

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
	"k8s.io/apimachinery/pkg/util/intstr"
)

// PortSpec is the port a user asked about: a number or a name, and a
// protocol. The zero value means every port.
type PortSpec struct {
	Number   int
	Name     string
	Protocol model.Protocol
}

// ParsePortSpec parses "8086", "http", "53/udp" ("" = every port). proto,
// when not empty, sets the protocol (default TCP).
func ParsePortSpec(s, proto string) (PortSpec, error) {
	ps := PortSpec{Protocol: model.TCP}
	if s == "" {
		if proto != "" {
			return ps, fmt.Errorf("--protocol needs --port")
		}
		return PortSpec{}, nil
	}
	if p, pr, ok := strings.Cut(s, "/"); ok {
		s, proto = p, pr
	}
	if proto != "" {
		pr, err := model.ParseProtocol(proto)
		if err != nil {
			return ps, err
		}
		ps.Protocol = pr
	}
	if n, err := strconv.Atoi(s); err == nil {
		if n < 1 || n > 65535 {
			return ps, fmt.Errorf("port %d out of range 1-65535", n)
		}
		ps.Number = n
		return ps, nil
	}
	ps.Name = s
	return ps, nil
}

// Explanation is the answer to "can FROM open a connection to TO?".
type Explanation struct {
	From, To  Target
	Port      PortSpec
	Decisions []policy.Decision
	// Arrivals, one per decision, say on which port the connection really
	// arrives when the mesh sends it elsewhere than the asked port (the
	// decision is then about that port); the zero Arrival otherwise.
	Arrivals []Arrival
	Notes    []string // how names and ports were resolved, what the mesh changed
	// CouldChange are the policies podreach does not evaluate that select
	// an endpoint of the answer (see Analysis.CouldChange): when the
	// NetworkPolicies allow the connection, the answer is unknown.
	CouldChange []CouldChange
	// Linkerd, one per decision when the mesh is Linkerd, are the answers
	// of its authorization layer (authz.go); Layer is which layers the
	// verdict combines.
	Linkerd []linkerdauthz.Decision
	Layer   Layer
}

// Allowed reports whether every layer allows the connection (see
// Explanation.Layer) and no unevaluated policy could change that.
func (x *Explanation) Allowed() bool {
	return x.layersAllow() && !x.Unknown()
}

// Unknown reports whether the layers allow the connection as far as
// podreach can tell, but policies podreach does not evaluate, or a client
// address the input does not give, could change it.
func (x *Explanation) Unknown() bool {
	return x.layersAllow() && (x.Layer != LayerLinkerd && len(x.CouldChange) > 0 || x.linkerdUnknown()) || x.Undecided()
}

// Undecided reports whether the policies deny no decision, and the
// manifests cannot decide some (a cluster policy rule matching by
// domainNames: policy.VerdictUnknown), unless Linkerd denies.
func (x *Explanation) Undecided() bool {
	if x.Layer == LayerLinkerd {
		return false
	}
	some := false
	for _, d := range x.Decisions {
		switch d.Verdict {
		case policy.Deny:
			return false
		case policy.VerdictUnknown:
			some = true
		}
	}
	for _, d := range x.Linkerd {
		if d.Verdict == linkerdauthz.Deny && x.Layer != LayerNetpol {
			return false
		}
	}
	return some
}

func (x *Explanation) allowedByPolicies() bool {
	for _, d := range x.Decisions {
		if d.Verdict != policy.Allow {
			return false
		}
	}
	return len(x.Decisions) > 0
}

// Explain resolves from and to (see Resolve) and traces every source ×
// destination pair on the asked port.
func (a *Analysis) Explain(from, to string, port PortSpec, defaultNS string) (*Explanation, error) {
	src, err := a.Resolve(from, defaultNS)
	if err != nil {
		return nil, fmt.Errorf("--from %w", err)
	}
	dst, err := a.Resolve(to, defaultNS)
	if err != nil {
		return nil, fmt.Errorf("--to %w", err)
	}
	x := &Explanation{From: src, To: dst, Port: port}
	x.Notes = append(append(x.Notes, src.Notes...), dst.Notes...)
	eps := a.engine.Endpoints()
	for di, d := range dst.Endpoints {
		proto, num, note, err := a.destinationPort(dst, &eps[d], port)
		if err != nil {
			return nil, err
		}
		if note != "" {
			x.Notes = append(x.Notes, note)
		}
		for si, s := range src.Endpoints {
			r := a.Transport(s, d, proto, num)
			wire := num
			if r.Port != 0 {
				wire = r.Port
			}
			dec := a.engine.Explain(s, d, proto, wire)
			a.markDataplane(&dec, s, d, proto, wire)
			a.renameTyped(&dec, src, si, dst, di)
			x.Decisions = append(x.Decisions, dec)
			x.Arrivals = append(x.Arrivals, r)
			x.Notes = append(x.Notes, a.injectedNotes(dec, s, d)...)
			x.CouldChange = appendNew(x.CouldChange, a.CouldChange(s, d))
			if ld, ok := a.linkerdDecisionOn(s, d, proto, num); ok {
				x.Linkerd = append(x.Linkerd, a.withClientSide(ld, s, dst.Service, port))
			}
		}
	}
	if x.From.External && len(x.From.Endpoints) > 1 || x.To.External && len(x.To.Endpoints) > 1 {
		x.Notes = append(x.Notes, partly(x)...)
	}
	return x, nil
}

// destinationPort maps the asked port to the destination pod's port: a
// Service port goes through its targetPort; a name resolves on the pod.
func (a *Analysis) destinationPort(t Target, ep *policy.Endpoint, ps PortSpec) (model.Protocol, int, string, error) {
	if ps == (PortSpec{}) {
		return model.ProtocolUnknown, 0, "", nil
	}
	if t.Service != nil {
		for _, sp := range t.Service.Ports {
			if (ps.Number != 0 && int(sp.Port) == ps.Number || ps.Name != "" && sp.Name == ps.Name) && sp.Protocol == ps.Protocol {
				return a.targetPort(t.Service, sp, ep)
			}
		}
	}
	if ps.Number != 0 {
		note := ""
		if t.Service != nil {
			note = fmt.Sprintf("%s/%d is not a port of Service %s/%s: taken as the pod port", ps.Protocol, ps.Number, t.Service.Namespace, t.Service.Name)
		}
		return ps.Protocol, ps.Number, note, nil
	}
	for _, cp := range ep.Ports {
		if cp.Name == ps.Name && cp.Protocol == ps.Protocol {
			return ps.Protocol, int(cp.Port), fmt.Sprintf("port %s resolves to %s/%d on %s", ps.Name, ps.Protocol, cp.Port, ep.ID), nil
		}
	}
	return 0, 0, "", fmt.Errorf("--port %s: %s declares no %s container port named %q", ps.Name, ep.ID, ps.Protocol, ps.Name)
}

func (a *Analysis) targetPort(s *model.Service, sp model.ServicePort, ep *policy.Endpoint) (model.Protocol, int, string, error) {
	svc := fmt.Sprintf("Service %s/%s port %d", s.Namespace, s.Name, sp.Port)
	switch {
	case sp.TargetPort.Type == intstr.String && sp.TargetPort.StrVal != "":
		for _, cp := range ep.Ports {
			if cp.Name == sp.TargetPort.StrVal && cp.Protocol == sp.Protocol {
				return sp.Protocol, int(cp.Port), fmt.Sprintf("%s → targetPort %s = %s/%d on %s", svc, cp.Name, sp.Protocol, cp.Port, ep.ID), nil
			}
		}
		return 0, 0, "", fmt.Errorf("%s: targetPort %q is not a container port of %s", svc, sp.TargetPort.StrVal, ep.ID)
	case sp.TargetPort.IntValue() != 0:
		return sp.Protocol, sp.TargetPort.IntValue(), fmt.Sprintf("%s → targetPort %d on %s", svc, sp.TargetPort.IntValue(), ep.ID), nil
	}
	return sp.Protocol, int(sp.Port), fmt.Sprintf("%s → targetPort %d on %s", svc, sp.Port, ep.ID), nil
}

// appendNew appends the elements of add not already in to.
func appendNew(to, add []CouldChange) []CouldChange {
	for _, c := range add {
		if !slices.Contains(to, c) {
			to = append(to, c)
		}
	}
	return to
}
