package lint

import (
	"fmt"
	"slices"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// proxyDeploymentLabel is the label Linkerd's injector puts only on the
// pods of Deployments; StatefulSets, DaemonSets, Jobs and CronJobs get
// linkerd.io/proxy-statefulset and so on, bare pods none
// (https://github.com/linkerd/linkerd2/blob/main/pkg/inject/inject.go).
const proxyDeploymentLabel = "linkerd.io/proxy-deployment"

// meshedAll reports whether the mesh meshes every workload of ws (and ws
// is not empty); false without a mesh.
func (s *scope) meshedAll(ws []int) bool {
	p := s.a.Mesh()
	if p == nil || len(ws) == 0 {
		return false
	}
	return !slices.ContainsFunc(ws, func(i int) bool { return !p.Meshed(s.c, &s.c.Workloads[i]) })
}

// checkProxyDeployment: mesh-proxy-deployment-selector.
func checkProxyDeployment(s *scope) []Finding {
	var out []Finding
	report := func(pol int, field string, sel labels.Selector) {
		reqs, _ := sel.Requirements()
		if !slices.ContainsFunc(reqs, func(r labels.Requirement) bool { return r.Key() == proxyDeploymentLabel }) {
			return
		}
		out = append(out, s.onPolicy(pol, field,
			fmt.Sprintf("selector %s reads %s, which Linkerd's injector sets only on the pods of Deployments: meshed StatefulSets, DaemonSets, Jobs, CronJobs and bare pods never match", sel.String(), proxyDeploymentLabel),
			"select on the application's own labels, or on linkerd.io/control-plane-ns / linkerd.io/workload-ns, which every meshed pod carries"))
	}
	for i, p := range s.policies {
		report(i, "spec.podSelector", p.PodSelector)
	}
	s.eachPeer(func(at peerAt) {
		if at.peer.PodSelector != nil {
			report(at.pol, at.field+".podSelector", at.peer.PodSelector)
		}
	})
	return out
}

// maxPairs bounds the workload pairs a mesh rule examines per rule entry;
// beyond it the rule stays quiet (it reports only what it proved).
const maxPairs = 4096

// rewrites returns the port every meshed connection from a workload of
// from to port/proto of a workload of to arrives on, and whether the mesh
// rewrites it for every such pair.
func (s *scope) rewrites(from, to []int, port int, proto model.Protocol) (int, bool) {
	p := s.a.Mesh()
	if p == nil || len(from)*len(to) > maxPairs {
		return 0, false
	}
	wire := 0
	for _, a := range from {
		for _, b := range to {
			w, ok := p.TransportPort(&s.c.Workloads[a].Template, &s.c.Workloads[b].Template, int32(port), proto)
			if !ok || wire != 0 && int(w) != wire {
				return 0, false
			}
			wire = int(w)
		}
	}
	return wire, wire != 0
}

// meshedIngress returns, for an ingress rule whose peers are only pods and
// whose selected pods and peer pods are all meshed, the peer workloads;
// nil otherwise.
func (s *scope) meshedIngress(pol, side int, r *netpol.Rule) []int {
	if side != netpol.IngressSide || r.AllPeers || r.AllPorts || !s.meshedAll(s.selected[pol]) {
		return nil
	}
	if slices.ContainsFunc(r.Peers, func(pe netpol.Peer) bool { return pe.Kind != netpol.PeerPods }) {
		return nil
	}
	from := s.destinations(pol, netpol.EgressSide, r)
	if !s.meshedAll(from) {
		return nil
	}
	return from
}

// checkMeshAppPorts: mesh-app-port-unused. From Linkerd 2.18 "communication
// between two meshed pods will always have its original target port
// replaced with the proxy's inbound port"
// (https://linkerd.io/2.18/common-errors/network-policy/): an ingress rule
// between meshed pods that admits application ports but not that port
// admits none of their traffic.
func checkMeshAppPorts(s *scope) []Finding {
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		from := s.meshedIngress(pol, side, r)
		if from == nil {
			return
		}
		for k, pm := range r.Ports {
			if pm.Name != "" || pm.Any || pm.Lo != pm.Hi {
				continue
			}
			wire, ok := s.rewrites(from, s.selected[pol], pm.Lo, pm.Protocol)
			if !ok || r.Static.Contains(model.TCP, wire) {
				continue // not rewritten, or the rule also admits where it arrives (mesh-port-bypass)
			}
			out = append(out, s.onPolicy(pol, portField(side, r.Index, k)+".port",
				fmt.Sprintf("every client this rule admits (%s) and every pod it protects (%s) is meshed: their connections to %d/%s arrive on the proxy's inbound port %d/TCP, so this entry admits none of them",
					s.workloadNames(from, 3), s.workloadNames(s.selected[pol], 3), pm.Lo, pm.Protocol, wire),
				fmt.Sprintf("admit %d/TCP from these clients (and restrict ports with Linkerd authorization policy); keep %d only for unmeshed clients", wire, pm.Lo)))
		}
	})
	return out
}

// checkMeshBypass: mesh-port-bypass. A rule that admits the proxy's
// inbound port together with application ports means to restrict meshed
// clients to those ports, but "opening 4143 lets a meshed client reach
// every port the proxy fronts" (docs/linkerd.md §4): the restriction
// holds only for unmeshed clients.
func checkMeshBypass(s *scope) []Finding {
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		from := s.meshedIngress(pol, side, r)
		if from == nil {
			return
		}
		var app []string
		wire := 0
		for _, pm := range r.Ports {
			if pm.Name != "" || pm.Any || pm.Lo != pm.Hi {
				continue
			}
			if w, ok := s.rewrites(from, s.selected[pol], pm.Lo, pm.Protocol); ok && w != pm.Lo && r.Static.Contains(model.TCP, w) {
				wire = w
				app = append(app, fmt.Sprintf("%d/%s", pm.Lo, pm.Protocol))
			}
		}
		if wire == 0 {
			return
		}
		out = append(out, s.onPolicy(pol, ruleField(side, r.Index)+".ports",
			fmt.Sprintf("this rule admits %d/TCP, the proxy's inbound port, to meshed pods (%s) from meshed clients (%s): those clients reach every port the proxy fronts, not only %s",
				wire, s.workloadNames(s.selected[pol], 3), s.workloadNames(from, 3), listOrNone(app)),
			"restrict meshed clients per port with Linkerd authorization policy (Server + AuthorizationPolicy); the NetworkPolicy port list binds only unmeshed clients"))
	})
	return out
}
