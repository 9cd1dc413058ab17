package check

import (
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/mesh"
	"github.com/podreach/podreach/pkg/policy"
)

// apiServerHint names the usual places API-server traffic comes from
// (linkerd.md §3.3).
const apiServerHint = "pass the API server's source address with --external apiserver=CIDR: " +
	"self-managed clusters: the control-plane node IPs (and overlay tunnel addresses); " +
	"GKE private clusters: the master CIDR (masterIpv4CidrBlock); " +
	"AKS and GKE with Konnectivity: traffic comes from konnectivity-agent pods in kube-system, so admit those pods instead; " +
	"EKS with the VPC CNI: the cluster's VPC subnets"

// unresolved handles a flow whose peer is not in the input (the API
// server's address was not given). It is allowed only if the pod side is
// not isolated in that direction; otherwise it cannot be proven: ‼.
func (r *runner) unresolved(f mesh.Flow, res Result, src, dst peerSet) Result {
	pods, dir, why := dst, policy.Ingress, src.unresolved
	if why == "" {
		pods, dir, why = src, policy.Egress, dst.unresolved
	}
	res.Sources = len(src.eps)
	var isolated, blocked []string
	policies := map[string]bool{}
	for _, ep := range pods.eps {
		if r.blockedAnyway(ep, dir, f) {
			blocked = append(blocked, r.engine().Endpoints()[ep].ID)
		}
		if ps := r.engine().Isolating(ep, dir); len(ps) > 0 {
			isolated = append(isolated, r.engine().Endpoints()[ep].ID)
			for _, p := range ps {
				policies[p] = true
			}
		}
	}
	if len(isolated) == 0 {
		res.Details = []string{fmt.Sprintf("%s, but no pod on the other side is isolated for %s, so any address is admitted", why, dir)}
		return res
	}
	res.Status, res.Fixable = StatusWarning, false
	res.Policies = sortedKeys(policies)
	if len(blocked) > 0 {
		res.Status, res.Fixable = severityStatus(f.Severity), false
		res.Details = []string{fmt.Sprintf("blocked whatever the other side is: %s is isolated for %s by NetworkPolicy %s, and no rule of it admits %s from anyone",
			strings.Join(blocked, ", "), dir, strings.Join(res.Policies, ", "), portList(f.Ports))}
		return res
	}
	res.Details = []string{
		fmt.Sprintf("cannot prove: %s, and %s is isolated for %s by NetworkPolicy %s", why, strings.Join(isolated, ", "), dir, strings.Join(res.Policies, ", ")),
	}
	if f.From.Kind == mesh.PeerAPIServer || f.To.Kind == mesh.PeerAPIServer {
		res.Details = append(res.Details, apiServerHint)
	}
	return res
}

// missingDestination handles a flow whose destination pods are not in the
// input (kube-dns is often left out of manifests). Only the sources' egress
// can be judged: open egress proves nothing is blocked at the source, but
// the destination's ingress stays unknown.
func (r *runner) missingDestination(f mesh.Flow, res Result, src peerSet) Result {
	var isolated, blocked []string
	for _, ep := range src.eps {
		if len(r.engine().Isolating(ep, policy.Egress)) > 0 {
			isolated = append(isolated, r.engine().Endpoints()[ep].ID)
		}
		if r.blockedAnyway(ep, policy.Egress, f) {
			blocked = append(blocked, r.engine().Endpoints()[ep].ID)
		}
	}
	if len(blocked) > 0 {
		res.Status, res.Fixable = severityStatus(f.Severity), false
		res.Details = []string{fmt.Sprintf("no %s in the input, but %d of %d source workloads are blocked whatever the destination: their egress policies admit %s to no one (e.g. %s)",
			f.To.Name, len(blocked), len(src.eps), portList(f.Ports), blocked[0])}
		return res
	}
	if len(isolated) == 0 {
		res.Details = []string{fmt.Sprintf("no %s in the input; the sources' egress is not isolated, so nothing on their side blocks it", f.To.Name)}
		return res
	}
	res.Status, res.Fixable = StatusWarning, false
	res.Details = []string{fmt.Sprintf("cannot prove: no %s in the input, and %d source workloads are isolated for egress (e.g. %s); add the destination's manifests", f.To.Name, len(isolated), isolated[0])}
	return res
}

// portList is "53/UDP, 53/TCP".
func portList(ps []mesh.Port) string {
	var out []string
	for _, p := range ps {
		out = append(out, fmt.Sprintf("%d/%s", p.Port, p.Protocol))
	}
	return strings.Join(out, ", ")
}
