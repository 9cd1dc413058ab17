package lint

import (
	"fmt"
	"slices"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// destinations returns the workloads a rule's ports resolve on: for
// ingress, the pods the policy selects; for egress, the pods its peers
// match (every pod for a rule without peers). ipBlock peers add none:
// "a named port matches only if that pod declares a container port with
// that name" — an address outside the cluster declares none.
func (s *scope) destinations(pol, side int, r *netpol.Rule) []int {
	if side == netpol.IngressSide {
		return s.selected[pol]
	}
	if r.AllPeers {
		return s.everyPod
	}
	if out, ok := s.peerMemo[r]; ok {
		return out
	}
	var out []int
	for j := range r.Peers {
		if pe := &r.Peers[j]; pe.Kind == netpol.PeerPods {
			out = append(out, s.peerWorkloads(pe, s.policies[pol].Namespace)...)
		}
	}
	slices.Sort(out)
	out = slices.Compact(out)
	s.peerMemo[r] = out
	return out
}

// declared returns the container ports workloads ws declare (templates
// and known pods) of protocol proto.
func (s *scope) declared(ws []int, proto model.Protocol) []model.ContainerPort {
	var out []model.ContainerPort
	for _, i := range ws {
		for _, cp := range s.ports[i] {
			if cp.Protocol == proto {
				out = append(out, cp)
			}
		}
	}
	return out
}

// declares reports whether a workload of ws declares the named port.
func (s *scope) declares(ws []int, k portName) bool {
	by := s.byPort[k]
	if len(by) < len(ws) {
		return slices.ContainsFunc(by, func(i int) bool { _, ok := slices.BinarySearch(ws, i); return ok })
	}
	return slices.ContainsFunc(ws, func(i int) bool { _, ok := slices.BinarySearch(by, i); return ok })
}

// portField is "spec.ingress[i].ports[k]".
func portField(side, i, k int) string { return fmt.Sprintf("%s.ports[%d]", ruleField(side, i), k) }

// checkNamedPorts: named-port-undeclared. "If this is a string, it refers
// to a named port on the pod" and matches only a pod that declares a
// container port of that name and the rule's protocol: when no pod the
// rule resolves on does, the entry admits nothing.
func checkNamedPorts(s *scope) []Finding {
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		if !r.Named {
			return
		}
		dst := s.destinations(pol, side, r)
		if len(dst) == 0 {
			return
		}
		for k, pm := range r.Ports {
			if pm.Name == "" {
				continue
			}
			if s.declares(dst, portName{pm.Name, pm.Protocol}) {
				continue
			}
			// Each name once, in the order first declared (nearest
			// breaks ties by order).
			names, seen := []string{}, map[string]bool{}
			for _, cp := range s.declared(dst, pm.Protocol) {
				if !seen[cp.Name] {
					seen[cp.Name] = true
					names = append(names, cp.Name)
				}
			}
			msg := fmt.Sprintf("no pod this %s rule reaches (%s) declares a %s container port named %q: this entry admits nothing",
				direction(side), s.workloadNames(dst, 3), pm.Protocol, pm.Name)
			hint := "name a container port the pods declare, or give the port number"
			if near, ok := nearest(pm.Name, names); ok {
				hint = fmt.Sprintf("did you mean %q? (declared by the pods as %s)", near, pm.Protocol)
			}
			out = append(out, s.onPolicy(pol, portField(side, r.Index, k)+".port", msg, hint))
		}
	})
	return out
}

// checkEndPorts: endport-unserved. "endPort indicates that the range of
// ports from port to endPort if set, inclusive, should be allowed": when
// every pod the range reaches declares its ports of that protocol and none
// lies in the range, the range admits nothing those pods serve. Pods that
// declare no port of the protocol may serve undeclared ones, so they keep
// the rule quiet.
func checkEndPorts(s *scope) []Finding {
	var out []Finding
	s.eachRule(func(pol, side int, r *netpol.Rule) {
		var dst []int
		for k, pm := range r.Ports {
			if pm.Name != "" || pm.Any || pm.Hi == pm.Lo {
				continue
			}
			if dst == nil {
				dst = s.destinations(pol, side, r)
			}
			if len(dst) == 0 || !s.allDeclare(dst, pm.Protocol) || s.serves(dst, pm) {
				continue
			}
			out = append(out, s.onPolicy(pol, portField(side, r.Index, k)+".endPort",
				fmt.Sprintf("%s ports %d-%d: none of the ports the pods this rule reaches declare (%s) is in the range",
					pm.Protocol, pm.Lo, pm.Hi, s.workloadNames(dst, 3)),
				"set port and endPort to the range the pods serve, or declare the ports they listen on"))
		}
	})
	return out
}

// allDeclare reports whether every workload of ws declares a port of
// proto.
func (s *scope) allDeclare(ws []int, proto model.Protocol) bool {
	for _, i := range ws {
		if !slices.ContainsFunc(s.ports[i], func(cp model.ContainerPort) bool { return cp.Protocol == proto }) {
			return false
		}
	}
	return true
}

// serves reports whether a workload of ws declares a port in pm's range.
func (s *scope) serves(ws []int, pm netpol.Port) bool {
	return slices.ContainsFunc(ws, func(i int) bool {
		return slices.ContainsFunc(s.ports[i], func(cp model.ContainerPort) bool {
			return cp.Protocol == pm.Protocol && int(cp.Port) >= pm.Lo && int(cp.Port) <= pm.Hi
		})
	})
}
