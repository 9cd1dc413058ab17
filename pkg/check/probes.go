package check

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/linkerdauthz"
)

// probeAnchor is where the probe lines link to.
const probeAnchor = "docs/linkerd-authz.md#kubelet-probes"

// kubelet is the client of httpGet probes as a destination's proxy sees
// it: unmeshed, from its node's address, which the input does not give
// (any IPv4 address: `podreach explain --from 0.0.0.0/0` asks the same).
// NetworkPolicy always admits it ("traffic to and from the node where a Pod
// is running is always allowed",
// https://kubernetes.io/docs/concepts/services-networking/network-policies/),
// so only the Linkerd layer can refuse it.
var kubelet = linkerdauthz.Client{ID: "kubelet", Addr: netip.MustParsePrefix("0.0.0.0/0")}

// probes checks that the kubelet can still probe every meshed pod through
// its proxy: one line per httpGet probe (port and path) on a port whose
// Server has routes attached — "once a route is attached, probes are no
// longer authorized automatically" (https://linkerd.io/2/features/server-policy/,
// "Default authorizations"; linkerd2 #8945, 2.12) — and one per probe the
// proxy refuses or may refuse elsewhere (2.11 authorizes no probe
// automatically, linkerd2 #7143; a probe network that may not hold the
// node). Probes Linkerd admits on a port without routes give no line.
func (r *runner) probes() []Result {
	if !r.a.HasLinkerdLayer() {
		return nil
	}
	var out []Result
	for i := range r.c.Workloads {
		if !r.meshed[i] || r.ep[i] < 0 {
			continue
		}
		w := &r.c.Workloads[i]
		for _, pt := range probeTargets(&w.Template) {
			ld, ok := r.a.LinkerdDecisionFor(kubelet, r.ep[i], int(pt.port))
			if !ok {
				continue
			}
			st, why := probeStatus(ld, pt.path)
			if st == StatusOK && len(ld.AttachedRoutes) == 0 {
				continue
			}
			res := Result{Category: linkerd.CategoryDataPlane, ID: fmt.Sprintf("kubelet-probe %s %d%s", w.ID(), pt.port, pt.path),
				Description: fmt.Sprintf("kubelet → %s probe %d%s", w.ID(), pt.port, pt.path), Status: st, Sources: 1, Anchor: probeAnchor,
				Hint: "attach an HTTPRoute matching the probe path (GET) to the Server, with an AuthorizationPolicy on it whose NetworkAuthentication holds the nodes' addresses"}
			res.Details = []string{why}
			if st != StatusOK {
				line := fmt.Sprintf("kubelet → %s:%d%s: Linkerd %s (%s)%s", w.ID(), pt.port, pt.path, ld.Verdict, ld.Code, authzWhy(ld))
				def, _, _ := strings.Cut(ld.Default, " ")
				// From is what explain takes for the kubelet.
				res.Refused = []Refusal{{From: kubelet.Addr.String(), To: w.ID(), Port: pt.port, Path: pt.path, Unknown: st != StatusError,
					Server: ld.Server, Default: def, Code: ld.Code, Line: line}}
				res.Details = append(res.Details, line)
			}
			out = append(out, res)
		}
	}
	return out
}

// probeStatus is the answer for a probe of path from the kubelet, given
// the proxy's decision on the connection, and why.
func probeStatus(ld linkerdauthz.Decision, path string) (Status, string) {
	routes := strings.Join(ld.AttachedRoutes, ", ")
	switch {
	case ld.Verdict == linkerdauthz.NoDecision:
		return StatusOK, "no Linkerd decision (" + ld.Code + ")"
	case len(ld.AttachedRoutes) > 0 && ld.Verdict == linkerdauthz.Deny:
		return StatusError, fmt.Sprintf("Server %s has routes attached (%s): Linkerd no longer authorizes probes automatically, and no authorization admits the kubelet (unauthenticated, from its node's address)", ld.Server, routes)
	case len(ld.AttachedRoutes) > 0 && ld.Verdict == linkerdauthz.VerdictUnknown:
		return StatusWarning, fmt.Sprintf("Server %s has routes attached (%s): whether they admit the kubelet depends on its node's address, which the input does not give", ld.Server, routes)
	case len(ld.AttachedRoutes) > 0:
		return StatusWarning, fmt.Sprintf("Server %s has routes attached (%s) that admit the kubelet's connection; podreach does not match request paths against routes, so it cannot tell whether GET %s matches one (a request no route matches gets 404)", ld.Server, routes, path)
	case ld.Verdict == linkerdauthz.Allow || ld.Verdict == linkerdauthz.Audit:
		return StatusOK, "Linkerd admits the kubelet (" + ld.Code + ")"
	case ld.Verdict == linkerdauthz.Deny && slices.Contains(ld.ProbePaths, path) && ld.ProbeClient == linkerdauthz.Yes:
		return StatusOK, "Linkerd authorizes the probe path automatically"
	case ld.Verdict == linkerdauthz.Deny && slices.Contains(ld.ProbePaths, path) && ld.ProbeClient == linkerdauthz.Maybe:
		return StatusWarning, "Linkerd authorizes probe paths from the probe networks only; whether they hold the node's address the input does not say"
	case ld.Verdict == linkerdauthz.Deny && len(ld.ProbePaths) == 0:
		return StatusError, "the proxy refuses the kubelet, and this Linkerd release authorizes no probe automatically (2.12+ does, linkerd2 #8945; #7143)"
	case ld.Verdict == linkerdauthz.Deny:
		return StatusError, "the proxy refuses the kubelet (" + ld.Code + ")"
	}
	return StatusWarning, "podreach cannot know whether the proxy admits the kubelet (" + ld.Code + ")"
}

// probeTarget is one httpGet probe: its port and path (query dropped,
// "/" when empty, as the policy controller reads it).
type probeTarget struct {
	port int32
	path string
}

// probeTargets lists the httpGet probes of spec as the policy controller
// reads them, sorted and deduplicated.
func probeTargets(spec *model.PodSpec) []probeTarget {
	var out []probeTarget
	for _, pr := range spec.Probes {
		if port := linkerdauthz.ProbePort(spec, pr); port != 0 {
			out = append(out, probeTarget{port, linkerdauthz.ProbePath(pr)})
		}
	}
	slices.SortFunc(out, func(a, b probeTarget) int {
		if a.port != b.port {
			return int(a.port - b.port)
		}
		return strings.Compare(a.path, b.path)
	})
	return slices.Compact(out)
}
