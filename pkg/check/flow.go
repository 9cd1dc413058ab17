package check

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/internal/parallel"
	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

func newResult(f mesh.Flow) Result {
	return Result{Category: f.Category, ID: f.ID, Description: f.Description, Hint: f.Hint, Anchor: f.Anchor, Status: StatusOK, Fixable: true}
}

func severityStatus(s mesh.Severity) Status {
	if s == mesh.SeverityWarning {
		return StatusWarning
	}
	return StatusError // unknown severities are not downgraded
}

// flow checks one flow with listed ports.
func (r *runner) flow(f mesh.Flow) Result {
	res := newResult(f)
	src, dst := r.resolve(f.From), r.resolve(f.To)
	if src.unresolved != "" || dst.unresolved != "" {
		return r.unresolved(f, res, src, dst)
	}
	res.Sources = len(src.eps)
	switch {
	case len(src.eps) == 0:
		res.Details = []string{fmt.Sprintf("no %s in the input: nothing to check", f.From.Name)}
		return res
	case len(dst.eps) == 0:
		return r.missingDestination(f, res, src)
	}
	res.Blocked, res.Undecided = splitUndecided(r.blockedPairs(r.denied(f, &src, &dst)))
	if len(res.Blocked) > 0 {
		res.Status = severityStatus(f.Severity)
		res.Details = describeBlocked(f.From.Name, len(src.eps), res.Blocked)
		res.Policies = blockingPolicies(res.Blocked)
	}
	markUndecided(&res)
	r.markUnknown(&res, &src, &dst)
	return res
}

// denied lists the connections of flow f from src to dst the judge denies.
func (r *runner) denied(f mesh.Flow, src, dst *peerSet) []blockedConn {
	var out []blockedConn
	for si, s := range src.eps {
		for di, d := range dst.eps {
			if s == d {
				continue // a pod reaches its own containers over localhost
			}
			allowed := r.judge(r.a, s, d)
			pair := len(out)
			ok := false
			for _, port := range f.Ports {
				if f.DeclaredOnly && !declares(r.workload(dst, di), port) {
					continue
				}
				wire, app := r.wirePort(f, src.workloads[si], dst.workloads[di], port)
				if allowed.Contains(port.Protocol, int(wire)) {
					ok = true
					continue
				}
				out = append(out, blockedConn{s, d, wire, app, port.Protocol})
			}
			if f.OneOf && ok {
				out = out[:pair] // one allowed port satisfies the flow
			}
		}
	}
	return out
}

// wirePort maps a flow port to the port NetworkPolicy sees: for mesh
// transport between two meshed pods, the profile's TransportPort. sw and dw
// are workload indexes (-1: an external).
func (r *runner) wirePort(f mesh.Flow, sw, dw int, port mesh.Port) (wire, app int32) {
	if f.Transport != mesh.TransportMesh || sw < 0 || dw < 0 || !r.meshed[sw] || !r.meshed[dw] {
		return port.Port, 0
	}
	wire, rewrote := r.p.TransportPort(&r.c.Workloads[sw].Template, &r.c.Workloads[dw].Template, port.Port, port.Protocol)
	if !rewrote {
		return port.Port, 0
	}
	return wire, port.Port
}

func declares(w *model.Workload, port mesh.Port) bool {
	if w == nil {
		return false
	}
	return slices.ContainsFunc(w.Template.Ports(), func(cp model.ContainerPort) bool {
		return cp.Port == port.Port && cp.Protocol == port.Protocol
	})
}

// blockedConn is a connection the judge denied: endpoints, wire and
// application ports, protocol.
type blockedConn struct {
	s, d      int
	wire, app int32
	proto     model.Protocol
}

// blockedPairs explains every blocked connection (nil for none), on every
// core: the engine's explanations are independent and safe to ask at once.
func (r *runner) blockedPairs(bs []blockedConn) []Pair {
	if len(bs) == 0 {
		return nil
	}
	out := make([]Pair, len(bs))
	parallel.Ranges(len(bs), 64, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			b := &bs[i]
			out[i] = r.blockedPair(b.s, b.d, b.wire, b.app, b.proto)
		}
	})
	return out
}

func (r *runner) blockedPair(s, d int, wire, app int32, proto model.Protocol) Pair {
	dec := r.engine().Explain(s, d, proto, int(wire))
	p := Pair{From: dec.From, To: dec.To, Port: wire, AppPort: app, Protocol: proto, Undecided: dec.Verdict == policy.VerdictUnknown}
	side := deciding(&dec)
	p.Side, p.Policies = side.Direction, side.Isolating
	p.Tier, p.TierBy = tierBlock(side), tierDeny(side)
	if len(side.Misses) > 0 {
		p.Reason = side.Misses[0].Reason
		if len(side.Misses) > 1 {
			p.Reason = side.Misses[0].Policy + " " + p.Reason
		}
	}
	return p
}

func blockingPolicies(ps []Pair) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Policies...)
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// describeBlocked writes the cause lines: who is blocked (grouped by
// namespace), by which policies and why.
func describeBlocked(what string, total int, ps []Pair) []string {
	sources := map[string][]string{}
	var seen []string
	isSeen := map[string]bool{}
	for _, p := range ps {
		if !isSeen[p.From] {
			isSeen[p.From] = true
			seen = append(seen, p.From)
			ns, name, ok := strings.Cut(p.From, "/")
			if !ok {
				ns, name = "", p.From
			}
			sources[ns] = append(sources[ns], name)
		}
	}
	var groups []string
	for _, ns := range sortedKeys(sources) {
		names := sources[ns]
		slices.Sort(names)
		if ns == "" {
			groups = append(groups, strings.Join(names, ", "))
			continue
		}
		groups = append(groups, fmt.Sprintf("%s (%s)", ns, strings.Join(names, ", ")))
	}
	lines := []string{fmt.Sprintf("%d of %d source workloads (%s) are blocked: %s", len(seen), total, what, strings.Join(groups, "; "))}
	reasons := map[string]bool{}
	for _, p := range ps {
		if p.Tier != "" {
			lines = appendTierLine(lines, reasons, p)
			continue
		}
		key := p.Side.String() + strings.Join(p.Policies, ",")
		if reasons[key] || len(p.Policies) == 0 {
			continue
		}
		reasons[key] = true
		at := p.To
		if p.Side == policy.Egress {
			at = p.From
		}
		lines = append(lines, fmt.Sprintf("blocked by NetworkPolicy %s (%s at %s): %s", strings.Join(p.Policies, ", "), p.Side, at, p.Reason))
	}
	return lines
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
