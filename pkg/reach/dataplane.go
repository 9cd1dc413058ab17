package reach

import (
	"fmt"
	"net/netip"
	"slices"
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
	hit  []bool // per endpoint: a pod an ipBlock (cidr minus excepts) holds an IP of
	once sync.Once
	alt  *policy.Engine // the engine of the other choice, built on first use
	err  error
}

// newDataplane returns nil when no ipBlock of c holds an IP of eps.
func newDataplane(c *model.Cluster, eps []policy.Endpoint) *dataplane {
	blocks := parsedBlocks(c)
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

// block is an ipBlock's cidr and excepts, parsed.
type block struct {
	cidr   netip.Prefix
	except []netip.Prefix
}

// parsedBlocks lists the ipBlocks of c's policies whose cidr parses.
func parsedBlocks(c *model.Cluster) []block {
	var out []block
	peers := func(ps []networkingv1.NetworkPolicyPeer) {
		for _, p := range ps {
			if p.IPBlock == nil {
				continue
			}
			cidr, err := netip.ParsePrefix(p.IPBlock.CIDR)
			if err != nil {
				continue
			}
			b := block{cidr: cidr.Masked()}
			for _, e := range p.IPBlock.Except {
				if x, err := netip.ParsePrefix(e); err == nil {
					b.except = append(b.except, x.Masked())
				}
			}
			out = append(out, b)
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

// anyBlockHolds reports whether an address of ips is inside a block's
// cidr and outside its excepts.
func anyBlockHolds(blocks []block, ips []netip.Addr) bool {
	for _, b := range blocks {
		for _, ip := range ips {
			if b.cidr.Contains(ip) && !slices.ContainsFunc(b.except, func(x netip.Prefix) bool { return x.Contains(ip) }) {
				return true
			}
		}
	}
	return false
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

// sameBits sizes the cache of set-id pairs compared (a row asks the same
// few pairs again and again).
const sameBits = 12

// sameEntry caches whether the sets of a pair of ids (key-1: engine id <<
// 32 | other's id) are equal; key 0 is empty.
type sameEntry struct {
	key  uint64
	same bool
}

// dataplaneRow marks, for source endpoint s over destination list k of
// the view, the destinations whose answers are dataplane-dependent; nil
// when none can be. ids are the engine's set ids of the row over the
// list (Scanner.IDs). The other choice's row comes from a scanner of its
// own engine; pairs of ids are compared once.
func (b *Block) dataplaneRow(s, k int, ids []int32) []bool {
	d := b.a.dp
	if d == nil {
		return nil
	}
	alt := b.altScanner(k)
	if alt == nil {
		return nil // Dataplane says "may depend" pair by pair instead
	}
	buf, list := b.buf, b.v.eps[k]
	if !d.hit[s] && len(buf.hits[k]) == 0 {
		return nil // no pair of the row has an end an ipBlock holds
	}
	if cap(buf.dp) < len(ids) {
		buf.dp, buf.altIDs = make([]bool, len(ids)), make([]int32, len(ids))
	}
	dp := buf.dp[:len(ids)]
	clear(dp)
	alt.Row(s)
	mark := func(j int, other int32) {
		if ids[j] == 0 || list[j] == s {
			return
		}
		key := uint64(uint32(ids[j]))<<32 | uint64(uint32(other))
		e := &buf.same[(key*0x9e3779b97f4a7c15)>>(64-sameBits)]
		if e.key != key+1 {
			e.key, e.same = key+1, b.scs[k].Set(ids[j]).Equal(alt.Set(other))
		}
		dp[j] = !e.same
	}
	if d.hit[s] {
		altIDs := buf.altIDs[:len(ids)]
		alt.IDs(list, altIDs)
		for j, other := range altIDs {
			mark(j, other)
		}
		return dp
	}
	for _, j := range buf.hits[k] {
		_, other := alt.At(list[j])
		mark(int(j), int32(other))
	}
	return dp
}

// altScanner returns the worker's scanner of the other choice's engine
// over destination list k (nil when that engine cannot be built), and
// notes where the list's endpoints an ipBlock holds are.
func (b *Block) altScanner(k int) *policy.Scanner {
	buf := b.buf
	if buf.alts == nil {
		buf.alts, buf.hits = make([]*policy.Scanner, len(b.v.cols)), make([][]int32, len(b.v.cols))
		buf.same = new([1 << sameBits]sameEntry)
	}
	if buf.alts[k] == nil {
		alt, err := b.a.other()
		if err != nil {
			return nil
		}
		buf.alts[k], buf.hits[k] = alt.NewScanner(b.v.eps[k]), b.a.dp.positions(b.v.eps[k])
	}
	return buf.alts[k]
}

// positions returns the positions in list of the endpoints an ipBlock
// holds an IP of.
func (d *dataplane) positions(list []int) []int32 {
	var out []int32
	for j, e := range list {
		if d.hit[e] {
			out = append(out, int32(j))
		}
	}
	return out
}

// rowMarks is dataplaneRow for Each: the ids of the row of s over
// destination list k (the scanner's current row) first.
func (b *Block) rowMarks(s, k int) []bool {
	if b.a.dp == nil {
		return nil
	}
	list := b.v.eps[k]
	if cap(b.buf.ids) < len(list) {
		b.buf.ids = make([]int32, len(list))
	}
	ids := b.buf.ids[:len(list)]
	b.scs[k].IDs(list, ids)
	return b.dataplaneRow(s, k, ids)
}
