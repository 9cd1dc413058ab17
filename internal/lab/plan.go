package lab

import (
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// labRange is where pods without an address in the input get one. The
// addresses exist only inside lab namespaces.
var labRange = netip.MustParsePrefix("10.213.0.0/16")

// node is a source or destination of probes: a pod (or, in mesh mode, a
// workload's one pod) or an external peer.
type node struct {
	id       string // the engine endpoint's ID
	ep       int    // index into the engine's endpoints
	kns      string // Kubernetes namespace; "" for externals
	external bool
	labels   map[string]string
	ports    []model.ContainerPort
	addrs    []netip.Addr // a pod's addresses; an external's representatives
	own      []netip.Addr // the addresses its lab namespace holds
	netns    string       // its lab namespace, when it holds addresses
	unprobed string       // why no probe can involve it, if so
}

// family returns n's first address of the family of a (4 or 6).
func (n *node) addrOf(v4 bool) (netip.Addr, bool) {
	for _, a := range n.addrs {
		if a.Is4() == v4 {
			return a, true
		}
	}
	return netip.Addr{}, false
}

// labCluster returns a copy of c whose workloads carry the pods the lab
// runs: their known instances, else one pod built from the template (with
// expand, one per declared replica, named as package reach names them).
// onePer keeps a single pod per workload (mesh mode analyses workloads).
// Pods without an address get one from labRange, so that the engine and the
// lab see the same addresses.
func labCluster(c *model.Cluster, expand, onePer bool) (*model.Cluster, []string, error) {
	if expand && !onePer {
		if err := reach.CheckExpansion(c); err != nil {
			return nil, nil, err
		}
	}
	out := *c
	out.Workloads = slices.Clone(c.Workloads)
	used := map[netip.Addr]string{}
	for i := range out.Workloads {
		w := &out.Workloads[i]
		w.Pods = labPods(w, expand, onePer)
		for _, p := range w.Pods {
			for _, ip := range p.IPs {
				if prev, dup := used[ip]; dup && !w.Template.HostNetwork {
					return nil, nil, fmt.Errorf("pods %s and %s/%s share the address %s: the lab needs distinct pod addresses", prev, w.Namespace, p.Name, ip)
				}
				used[ip] = w.Namespace + "/" + p.Name
			}
		}
	}
	next, assigned := labRange.Addr().Next(), 0
	for i := range out.Workloads {
		w := &out.Workloads[i]
		for j := range w.Pods {
			if p := &w.Pods[j]; len(p.IPs) == 0 && !p.Spec.HostNetwork {
				for _, taken := used[next]; taken; _, taken = used[next] {
					next = next.Next()
				}
				if !labRange.Contains(next) {
					return nil, nil, fmt.Errorf("more pods than addresses in the lab range %s", labRange)
				}
				p.IPs, used[next] = []netip.Addr{next}, w.Namespace+"/"+p.Name
				next, assigned = next.Next(), assigned+1
			}
		}
	}
	var notes []string
	if assigned > 0 {
		notes = append(notes, fmt.Sprintf("%d pods have no address in the input: the lab gave them addresses from %s (the engine is told the same)", assigned, labRange))
	}
	return &out, notes, nil
}

func labPods(w *model.Workload, expand, onePer bool) []model.Pod {
	if len(w.Pods) > 0 {
		pods := slices.Clone(w.Pods)
		if onePer {
			pods = pods[:1]
		}
		for i := range pods {
			pods[i].IPs = slices.Clone(pods[i].IPs)
		}
		return pods
	}
	if onePer || !expand || w.Replicas <= 1 {
		return []model.Pod{{Name: w.Name, Spec: w.Template}}
	}
	pods := make([]model.Pod, w.Replicas)
	for i := range pods {
		pods[i] = model.Pod{Name: w.Name + "-" + strconv.Itoa(i), Spec: w.Template}
	}
	return pods
}

// plan is what the lab will build: its nodes and who holds each address.
type plan struct {
	analysis *reach.Analysis
	nodes    []*node // pods, then externals, each sorted by ID
	hosts    map[netip.Addr]*node
	notices  []string
}

// newPlan takes the matrix nodes of a as the lab's nodes. Host-network
// pods are left out, and every external gets one address per cell.
func newPlan(a *reach.Analysis) *plan {
	p := &plan{analysis: a, hosts: map[netip.Addr]*node{}}
	eps := a.Engine().Endpoints()
	var excluded []string
	for _, n := range a.Nodes() {
		i, _ := a.EndpointIndex(n.ID)
		ep := &eps[i]
		nd := &node{id: ep.ID, ep: i, kns: ep.Namespace, external: ep.IsExternal(), labels: ep.Labels, ports: ep.Ports}
		switch {
		case ep.HostNetwork:
			excluded = append(excluded, ep.ID)
			continue
		case nd.external:
		default:
			nd.addrs, nd.own = ep.IPs, ep.IPs
			for _, ip := range ep.IPs {
				p.hosts[ip] = nd
			}
		}
		p.nodes = append(p.nodes, nd)
	}
	if len(excluded) > 0 {
		p.notices = append(p.notices, fmt.Sprintf("not in the lab: %s: host-network pods share their node's network; implementations differ (the engine marks their connections contested) and the lab has no node to model them",
			strings.Join(excluded, ", ")))
	}
	p.placeExternals(blocksOf(a.Cluster()))
	p.notices = append(p.notices, tierNotices(a.Cluster())...)
	return p
}

// placeExternals gives every external one representative per cell.
func (p *plan) placeExternals(blocks []netip.Prefix) {
	eps := p.analysis.Engine().Endpoints()
	host := func(a netip.Addr) (string, bool) {
		if h, ok := p.hosts[a]; ok {
			return h.id, !h.external
		}
		return "", false
	}
	for _, n := range p.nodes {
		if !n.external {
			continue
		}
		prefix := eps[n.ep].Prefix
		for _, c := range cells(prefix, blocks) {
			a, ok := c.pick(host)
			if !ok {
				n.unprobed = fmt.Sprintf("not probed: no address in %s-%s can stand for %s in the lab (they are pods' or not usable as host addresses)", c.lo, c.hi, n.id)
				p.notices = append(p.notices, n.unprobed)
				break
			}
			if _, held := p.hosts[a]; !held {
				p.hosts[a] = n
				n.own = append(n.own, a)
			}
			n.addrs = append(n.addrs, a)
		}
	}
}

// blocksOf lists every ipBlock cidr and except of the cluster's policies,
// and the tiers' networks and Node addresses (tierBlocks).
func blocksOf(c *model.Cluster) []netip.Prefix {
	out := tierBlocks(c)
	add := func(s string) {
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked())
		}
	}
	for _, pol := range c.Policies {
		for _, pr := range allPeers(pol.NetworkPolicy) {
			if b := pr.IPBlock; b != nil {
				add(b.CIDR)
				for _, e := range b.Except {
					add(e)
				}
			}
		}
	}
	return out
}
