package reach

import (
	"fmt"
	"net/netip"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// Whether an ipBlock matches pod IPs is left to the implementation. The
// API reference says an ipBlock "describes a particular CIDR ... that is
// allowed to the pods matched by a NetworkPolicySpec's podSelector"
// (https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/),
// and the concepts page: "ipBlock: This selects particular IP CIDR ranges
// to allow as ingress sources or egress destinations. These should be
// cluster-external IPs, since Pod IPs are ephemeral and unpredictable."
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource).
// Calico and the SIG reference implementation match pod IPs; Cilium
// applies CIDR rules only to traffic leaving the cluster. An answer that
// differs between the two (WithIPBlockPods true and false) is
// dataplane-dependent and says so, as answers about host-network pods do.

// dataplane finds the answers that depend on ipBlocks matching pod IPs.
// nil when no ipBlock holds a known pod IP (then none does).
type dataplane struct {
	hit   []bool  // per endpoint: a pod an ipBlock (cidr minus excepts) holds an IP of
	nodes []int32 // positions in Analysis.nodes of the hit endpoints
	once  sync.Once
	alt   *policy.Engine // the engine of the other choice, built on first use
	err   error
}

// newDataplane returns nil when no ipBlock of c holds an IP of eps.
func newDataplane(c *model.Cluster, eps []policy.Endpoint) *dataplane {
	blocks := ipBlocks(c)
	if len(blocks) == 0 {
		return nil
	}
	var d *dataplane
	for i := range eps {
		ep := &eps[i]
		if ep.IsExternal() || len(ep.IPs) == 0 || !anyBlockHolds(blocks, ep.IPs) {
			continue
		}
		if d == nil {
			d = &dataplane{hit: make([]bool, len(eps))}
		}
		d.hit[i] = true
	}
	return d
}

// ipBlocks lists the ipBlocks of c's policies that parse.
func ipBlocks(c *model.Cluster) []*networkingv1.IPBlock {
	var out []*networkingv1.IPBlock
	peers := func(ps []networkingv1.NetworkPolicyPeer) {
		for _, p := range ps {
			if p.IPBlock != nil {
				out = append(out, p.IPBlock)
			}
		}
	}
	for i := range c.Policies {
		if np := c.Policies[i].NetworkPolicy; np != nil {
			for _, r := range np.Spec.Ingress {
				peers(r.From)
			}
			for _, r := range np.Spec.Egress {
				peers(r.To)
			}
		}
	}
	return out
}

func anyBlockHolds(blocks []*networkingv1.IPBlock, ips []netip.Addr) bool {
	for _, b := range blocks {
		cidr, err := netip.ParsePrefix(b.CIDR)
		if err != nil {
			continue
		}
		for _, ip := range ips {
			if cidr.Masked().Contains(ip) && !inExcept(b.Except, ip) {
				return true
			}
		}
	}
	return false
}

func inExcept(except []string, ip netip.Addr) bool {
	for _, e := range except {
		if p, err := netip.ParsePrefix(e); err == nil && p.Masked().Contains(ip) {
			return true
		}
	}
	return false
}

// markNodes records where the hit endpoints are among the sorted nodes.
func (d *dataplane) markNodes(nodes []int) {
	for k, n := range nodes {
		if d.hit[n] {
			d.nodes = append(d.nodes, int32(k))
		}
	}
}

// other returns the engine of the other choice about ipBlocks and pods.
func (a *Analysis) other() (*policy.Engine, error) {
	d := a.dp
	d.once.Do(func() {
		d.alt, d.err = policy.New(a.cluster, a.engine.Endpoints(), policy.WithIPBlockPods(!a.opts.ipBlockPods))
	})
	return d.alt, d.err
}

// Dataplane reports whether what endpoint s may open to d (indexes into
// Engine().Endpoints()) depends on whether ipBlocks match pod IPs.
func (a *Analysis) Dataplane(s, d int) bool {
	if a.dp == nil || !a.dp.hit[s] && !a.dp.hit[d] {
		return false
	}
	alt, err := a.other()
	if err != nil {
		return true // cannot tell: say it may depend
	}
	return !alt.Allowed(s, d).Equal(a.engine.Allowed(s, d))
}

// markDataplane adds to dec (s to d on proto/port) the note that its
// answer depends on ipBlocks matching pod IPs, when it does.
func (a *Analysis) markDataplane(dec *policy.Decision, s, d int, proto model.Protocol, port int) {
	if a.dp == nil || !a.dp.hit[s] && !a.dp.hit[d] {
		return
	}
	alt, err := a.other()
	if err != nil {
		return
	}
	other := alt.Explain(s, d, proto, port)
	if other.Allowed.Equal(dec.Allowed) {
		return
	}
	now, then := "match", "did not"
	if !a.opts.ipBlockPods {
		now, then = "do not match", "did"
	}
	what := "nothing"
	if !other.Allowed.IsEmpty() {
		what = other.Allowed.String()
	}
	note := fmt.Sprintf("dataplane-dependent: an ipBlock holds a pod IP of this connection, and whether ipBlocks match pod IPs is up to the network plugin; podreach assumed they %s (--ipblock-pods); if they %s, the answer would be: %s",
		now, then, what)
	if dec.Contested != "" {
		note = dec.Contested + "; " + note
	}
	dec.Contested = note
}

// dataplaneRow marks, for the source at node position i, the destinations
// of its row ids whose answers are dataplane-dependent; nil when none can be.
func (b *Block) dataplaneRow(i int, ids []int32) []bool {
	d := b.a.dp
	if d == nil {
		return nil
	}
	if len(b.buf.dp) != len(ids) {
		b.buf.dp = make([]bool, len(ids))
	}
	dp := b.buf.dp
	clear(dp)
	s := b.a.nodes[i]
	mark := func(j int) {
		if ids[j] != 0 && j != i && b.a.Dataplane(s, b.a.nodes[j]) {
			dp[j] = true
		}
	}
	if d.hit[s] {
		for j := range ids {
			mark(j)
		}
		return dp
	}
	for _, j := range d.nodes {
		mark(int(j))
	}
	return dp
}
