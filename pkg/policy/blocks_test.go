package policy

import (
	"net/netip"
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/netpol"
)

// TestBlockIndex: the blocks found through the prefix index, one endpoint
// at a time or all at once on every core, are those matchesOne accepts.
func TestBlockIndex(t *testing.T) {
	t.Parallel()
	tables := map[string]*blockTable{}
	eps := map[string][]Endpoint{}
	for name, e := range synthEngines(t) {
		tables[name], eps[name] = &e.st.blocks, e.st.eps
	}
	edge := newBlockTable()
	for _, b := range []string{"0.0.0.0/0", "::/0", "10.0.0.0/8", "10.1.2.3/32", "10.1.0.0/16", "10.1.128.0/17",
		"fd00::/8", "fd00::1/128", "fd00:10::/64", "fd00:10::8000:0/97", "::ffff:10.0.0.0/104", "192.168.0.0/31"} {
		edge.intern(&netpol.Peer{Kind: netpol.PeerIPBlock, CIDR: netip.MustParsePrefix(b), Except: []netip.Prefix{netip.MustParsePrefix("10.1.2.3/32")}})
	}
	var edgeEps []Endpoint
	for _, a := range []string{"10.1.2.3", "10.1.2.4", "10.1.200.1", "0.0.0.0", "255.255.255.255", "192.168.0.1",
		"fd00::1", "fd00:10::8000:1", "fd00:10::1", "::ffff:10.1.2.4", "::", "2001:db8::1",
		// one bit past each block's length set
		"10.1.192.1", "10.128.0.1", "192.168.0.3", "fd80::1", "fd00:10:0:0:8000::1", "fd00:10::c000:1", "::ffff:10.128.0.1"} {
		edgeEps = append(edgeEps, Endpoint{ID: a, Kind: model.KindPod, IPs: []netip.Addr{netip.MustParseAddr(a)}})
	}
	for _, p := range []string{"10.0.0.0/8", "10.1.0.0/16", "0.0.0.0/0", "fd00::/16", "192.168.0.0/31", "::ffff:10.1.0.0/112"} {
		edgeEps = append(edgeEps, Endpoint{ID: p, Kind: model.KindExternal, Prefix: netip.MustParsePrefix(p)})
	}
	edgeEps = append(edgeEps, Endpoint{ID: "dual", Kind: model.KindPod,
		IPs: []netip.Addr{netip.MustParseAddr("10.1.2.4"), netip.MustParseAddr("fd00:10::1"), netip.MustParseAddr("10.1.7.7")}})
	tables["edge"], eps["edge"] = &edge, edgeEps
	for name, tb := range tables {
		all := eps[name]
		for len(all) < 3000 { // enough for matchAll to use every core
			all = append(all, all...)
		}
		for _, podIPs := range []bool{true, false} {
			par := tb.matchAll(all, podIPs)
			for i := range all {
				var want []int32
				for b := range tb.cidr {
					if tb.matchesOne(int32(b), &all[i], podIPs) {
						want = append(want, int32(b))
					}
				}
				if got := tb.matching(&all[i], podIPs); !slices.Equal(got, want) || !slices.Equal(par[i], want) {
					t.Fatalf("%s: %s (ipBlockPods %v): index finds %v, on every core %v; testing every block %v", name, all[i].ID, podIPs, got, par[i], want)
				}
			}
		}
	}
}
