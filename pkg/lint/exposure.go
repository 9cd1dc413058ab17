package lint

import (
	"fmt"
	"slices"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
	"github.com/podreach/podreach/pkg/reach"
)

// Exposure says who may open connections to one workload, in terms of
// what the rules say (their selectors and CIDRs), not only the pods
// present today.
type Exposure struct {
	Workload string       `json:"workload"` // "ns/name"
	Kind     string       `json:"kind"`
	Source   model.Source `json:"-"`
	// Unprotected: no policy isolates it for ingress; every source may
	// connect on every port.
	Unprotected bool `json:"unprotected"`
	// Isolating are the policies that isolate it for ingress.
	Isolating []string `json:"isolating,omitempty"`
	// Admits are the ingress rules of those policies, one per peer.
	Admits []Admission `json:"admits,omitempty"`
}

// Admission is one peer of one ingress rule, in words.
type Admission struct {
	Policy string `json:"policy"` // "ns/name"
	Field  string `json:"field"`  // "spec.ingress[0].from[1]"
	From   string `json:"from"`   // "pods labelled app=web in namespace shop"
	Ports  string `json:"ports"`  // "8080/TCP, 4143/TCP" or "every port"
	// Reach is how wide the peer is: "world" (every address), "cluster"
	// (every pod of every namespace), "namespaces", "pods" or "addresses".
	Reach string `json:"reach"`
}

// Exposures returns the exposure of every workload of the input (not on
// the host network, which policies do not select), in cluster order.
func Exposures(a *reach.Analysis) ([]Exposure, error) {
	s, err := newScope(a)
	if err != nil {
		return nil, err
	}
	var out []Exposure
	for i := range s.c.Workloads {
		w := &s.c.Workloads[i]
		if w.Template.HostNetwork || !s.given[w.ID()] {
			continue
		}
		out = append(out, s.exposure(i))
	}
	return out, nil
}

// exposure describes workload i.
func (s *scope) exposure(i int) Exposure {
	w := &s.c.Workloads[i]
	x := Exposure{Workload: w.ID(), Kind: w.Kind.String(), Source: w.Source}
	for pol, p := range s.policies {
		if !p.Isolates[netpol.IngressSide] || !containsSorted(s.selected[pol], i) {
			continue
		}
		x.Isolating = append(x.Isolating, p.ID)
		for k := range p.Rules[netpol.IngressSide] {
			x.Admits = append(x.Admits, s.admissions(pol, &p.Rules[netpol.IngressSide][k])...)
		}
	}
	x.Unprotected = len(x.Isolating) == 0
	return x
}

func containsSorted(xs []int, x int) bool {
	_, ok := slices.BinarySearch(xs, x)
	return ok
}

// admissions describes the peers of ingress rule r of policy pol.
func (s *scope) admissions(pol int, r *netpol.Rule) []Admission {
	p := s.policies[pol]
	ports := portsText(r)
	if r.AllPeers {
		return []Admission{{Policy: p.ID, Field: ruleField(netpol.IngressSide, r.Index), Ports: ports, Reach: "world",
			From: "every source: every pod of the cluster and every external address"}}
	}
	var out []Admission
	for j := range r.Peers {
		from, reach := peerWords(&r.Peers[j], p.Namespace)
		out = append(out, Admission{Policy: p.ID, Field: peerField(netpol.IngressSide, r.Index, j), From: from, Ports: ports, Reach: reach})
	}
	return out
}

// peerWords says what a peer admits, and how wide it is.
func peerWords(pe *netpol.Peer, policyNS string) (string, string) {
	if pe.Kind == netpol.PeerIPBlock {
		what := "addresses in " + pe.CIDR.String()
		reach := "addresses"
		if pe.CIDR.Bits() == 0 {
			what, reach = "every external address", "world"
		}
		if len(pe.Except) > 0 {
			ex := make([]string, len(pe.Except))
			for i, e := range pe.Except {
				ex[i] = e.String()
			}
			what += " except " + strings.Join(ex, ", ")
		}
		return what, reach
	}
	pods := "every pod"
	if pe.PodSelector != nil && !pe.PodSelector.Empty() {
		pods = "pods labelled " + pe.PodSelector.Key
	}
	switch {
	case pe.NamespaceSelector == nil:
		return fmt.Sprintf("%s in namespace %s", pods, policyNS), "pods"
	case pe.NamespaceSelector.Empty() && pods == "every pod":
		return "every pod of every namespace", "cluster"
	case pe.NamespaceSelector.Empty():
		return pods + " in every namespace", "pods"
	}
	reach := "pods"
	if pods == "every pod" {
		reach = "namespaces"
	}
	return fmt.Sprintf("%s in namespaces labelled %s", pods, pe.NamespaceSelector.Key), reach
}
