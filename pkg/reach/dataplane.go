package reach

import (
	"fmt"
	"net/netip"
	"slices"
	"sync"

	networkingv1 "k8s.io/api/networking/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/policy/netpol"
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
	hit []bool // per endpoint: a pod an ipBlock (cidr minus excepts) holds an IP of
	// flags are, per endpoint, its part in the pairs the choice can
	// change (pairFlags).
	flags []uint8
	once  sync.Once
	alt   *policy.Engine // the engine of the other choice, built on first use
	err   error
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
	if d != nil {
		d.flags = pairFlags(c, eps)
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

// Which pairs the choice can change. The choice only decides whether an
// ipBlock peer matches a pod (policy.WithIPBlockPods): the policies that
// select a pod, and so which rules apply to a pair, are the same either
// way. The answer from s to d can then differ only when an ingress rule
// of a policy selecting d has an ipBlock matching s, or an egress rule of
// a policy selecting s has one matching d. pairFlags marks, per endpoint,
// both halves of each case, so that a matrix row asks the other choice
// only about the destinations where it can differ, and a row whose
// source is in neither case not at all.
const (
	heldIn   uint8 = 1 << iota // an ingress ipBlock (of a policy isolating ingress) matches its IPs
	heldEg                     // an egress ipBlock (of a policy isolating egress) matches its IPs
	guardsIn                   // a policy with an ingress ipBlock that matches a pod selects it
	guardsEg                   // a policy with an egress ipBlock that matches a pod selects it
	heldAll  = heldIn | heldEg | guardsIn | guardsEg
)

// pairFlags computes the flags above for every endpoint of eps; when c's
// policies do not compile (policy.New has refused them already), every
// endpoint gets every flag: every pair may differ.
func pairFlags(c *model.Cluster, eps []policy.Endpoint) []uint8 {
	flags := make([]uint8, len(eps))
	var pols []*netpol.Policy
	memo := netpol.NewSelectorMemo()
	for i := range c.Policies {
		if c.Policies[i].NetworkPolicy == nil {
			continue
		}
		p, err := netpol.Compile(&c.Policies[i], memo)
		if err != nil {
			for e := range flags {
				flags[e] = heldAll
			}
			return flags
		}
		pols = append(pols, p)
	}
	type blockKey struct {
		cidr   netip.Prefix
		except string
	}
	held := map[blockKey]bool{} // whether the block matches a pod
	guards := map[string][]*netpol.Policy{}
	guardSide := map[*netpol.Policy]uint8{}
	for _, p := range pols {
		for side, bits := range [2][2]uint8{{heldIn, guardsIn}, {heldEg, guardsEg}} {
			if !p.Isolates[side] {
				continue // its rules of that side do not apply
			}
			for _, r := range p.Rules[side] {
				for i := range r.Peers {
					pe := &r.Peers[i]
					if pe.Kind != netpol.PeerIPBlock {
						continue
					}
					k := blockKey{pe.CIDR, fmt.Sprint(pe.Except)}
					matches, seen := held[k]
					if !seen || matches {
						for e := range eps {
							if ep := &eps[e]; !ep.IsExternal() && pe.MatchesAddrs(ep.IPs) {
								flags[e] |= bits[0]
								matches = true
							}
						}
						held[k] = matches
					}
					if matches && guardSide[p]&bits[1] == 0 {
						if guardSide[p] == 0 {
							guards[p.Namespace] = append(guards[p.Namespace], p)
						}
						guardSide[p] |= bits[1]
					}
				}
			}
		}
	}
	for e := range eps {
		ep := &eps[e]
		if ep.IsExternal() || ep.HostNetwork {
			continue // selectors never select it
		}
		for _, p := range guards[ep.Namespace] {
			if flags[e]&guardSide[p] != guardSide[p] && p.Selects(ep.Namespace, labels.Set(ep.Labels)) {
				flags[e] |= guardSide[p]
			}
		}
	}
	return flags
}

// altMask is, for a row from endpoint s, the flags a destination needs
// for the pair to be one the choice can change (0: none can).
func (d *dataplane) altMask(s int) uint8 {
	var m uint8
	if d.flags[s]&heldIn != 0 {
		m |= guardsIn
	}
	if d.flags[s]&guardsEg != 0 {
		m |= heldEg
	}
	return m
}

// dataplaneRow marks, for source endpoint s over destination list k of
// the view, the destinations whose answers are dataplane-dependent; nil
// when none can be. ids are the engine's set ids of the row over the
// list (Scanner.IDs). The other choice's answers come from a scanner of
// its own engine over only the destinations of the list the choice can
// change (altMask: a row costs about one step per destination class
// scanned); pairs of ids are compared once.
func (b *Block) dataplaneRow(s, k int, ids []int32) []bool {
	d := b.a.dp
	if d == nil {
		return nil
	}
	m := d.altMask(s)
	if m == 0 {
		return nil // no pair of the row can differ
	}
	alt, pos, dsts := b.altScanner(k, m)
	if alt == nil {
		return nil // Dataplane says "may depend" pair by pair instead
	}
	if len(pos) == 0 {
		return nil
	}
	buf, list := b.buf, b.v.eps[k]
	if cap(buf.dp) < len(ids) {
		buf.dp, buf.altIDs = make([]bool, len(ids)), make([]int32, len(ids))
	}
	dp := buf.dp[:len(ids)]
	clear(dp)
	alt.Row(s)
	altIDs := buf.altIDs[:len(pos)]
	alt.IDs(dsts, altIDs)
	for i, j := range pos {
		if ids[j] == 0 || list[j] == s {
			continue
		}
		key := uint64(uint32(ids[j]))<<32 | uint64(uint32(altIDs[i]))
		e := &buf.same[(key*0x9e3779b97f4a7c15)>>(64-sameBits)]
		if e.key != key+1 {
			e.key, e.same = key+1, b.scs[k].Set(ids[j]).Equal(alt.Set(altIDs[i]))
		}
		dp[j] = !e.same
	}
	return dp
}

// altScanner returns the worker's scanner of the other choice's engine
// over the destinations of list k whose flags meet mask m (nil when that
// engine cannot be built), with their positions in the list and their
// endpoints.
func (b *Block) altScanner(k int, m uint8) (*policy.Scanner, []int32, []int) {
	buf := b.buf
	if buf.alts == nil {
		buf.alts = make([][heldAll + 1]altList, len(b.v.cols))
		buf.same = new([1 << sameBits]sameEntry)
	}
	l := &buf.alts[k][m]
	if l.sc == nil {
		alt, err := b.a.other()
		if err != nil {
			return nil, nil, nil
		}
		for j, e := range b.v.eps[k] {
			if b.a.dp.flags[e]&m != 0 {
				l.pos, l.eps = append(l.pos, int32(j)), append(l.eps, e)
			}
		}
		l.sc = alt.NewScanner(l.eps)
	}
	return l.sc, l.pos, l.eps
}

// altList is a scanner of the other choice over some destinations of a
// list: their positions in it and their endpoints.
type altList struct {
	sc  *policy.Scanner
	pos []int32
	eps []int
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
