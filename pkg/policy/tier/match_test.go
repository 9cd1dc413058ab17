package tier_test

import (
	"net/netip"
	"testing"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy/tier"
)

// TestPeerCover: a networks or nodes peer matches an endpoint when it
// holds every address of it (an external: its whole range), may match
// (Maybe) when it holds only some, and does not when it holds none. Maybe
// is what keeps a partly covered range from being answered "allowed"
// where a Deny or Pass rule acts on some of its addresses.
func TestPeerCover(t *testing.T) {
	t.Parallel()
	nets := func(cidrs ...string) tier.Peer {
		p := tier.Peer{Kind: tier.PeerNetworks}
		for _, c := range cidrs {
			p.Networks = append(p.Networks, netip.MustParsePrefix(c))
		}
		return p
	}
	control := tier.Peer{Kind: tier.PeerNodes, Nodes: labels.SelectorFromSet(labels.Set{"role": "control"})}
	anyNode := tier.Peer{Kind: tier.PeerNodes, Nodes: labels.Everything()}
	nodes := []model.Node{
		{Name: "n1", Labels: map[string]string{"role": "worker"}, Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.10")}},
		{Name: "n2", Labels: map[string]string{"role": "control"}, Addresses: []netip.Addr{netip.MustParseAddr("192.168.0.11"), netip.MustParseAddr("fd00::11")}},
	}
	ext := func(cidr string) tier.Endpoint { return tier.Endpoint{Prefix: netip.MustParsePrefix(cidr)} }
	ips := func(as ...string) tier.Endpoint {
		ep := tier.Endpoint{Pod: true}
		for _, a := range as {
			ep.IPs = append(ep.IPs, netip.MustParseAddr(a))
		}
		return ep
	}
	cases := []struct {
		name string
		peer tier.Peer
		ep   tier.Endpoint
		want tier.Match
	}{
		{"networks_hold_range", nets("8.0.0.0/8"), ext("8.8.0.0/16"), tier.Yes},
		{"networks_equal_range", nets("8.8.0.0/16"), ext("8.8.0.0/16"), tier.Yes},
		{"networks_cover_range_together", nets("8.8.128.0/17", "8.8.0.0/18", "8.8.64.0/18"), ext("8.8.0.0/16"), tier.Yes},
		{"networks_part_of_range", nets("8.8.8.0/24"), ext("8.8.0.0/16"), tier.Maybe},
		{"networks_part_with_gap", nets("8.8.0.0/18", "8.8.128.0/17"), ext("8.8.0.0/16"), tier.Maybe},
		{"networks_part_at_end", nets("8.8.0.0/17"), ext("8.8.0.0/16"), tier.Maybe},
		{"networks_miss_range", nets("9.0.0.0/8", "8.9.0.0/16"), ext("8.8.0.0/16"), tier.No},
		{"networks_other_family", nets("::/0"), ext("8.8.0.0/16"), tier.No},
		{"networks_all_addresses", nets("10.0.0.0/8"), ips("10.0.0.1", "10.9.0.1"), tier.Yes},
		{"networks_some_addresses", nets("10.0.0.0/16"), ips("10.0.0.1", "10.9.0.1"), tier.Maybe},
		{"networks_no_address", nets("10.0.0.0/16"), ips(), tier.No},
		{"nodes_single_address", control, ext("192.168.0.11/32"), tier.Yes},
		{"nodes_part_of_range", control, ext("192.168.0.8/30"), tier.Maybe},
		{"nodes_cover_range", anyNode, ext("192.168.0.10/31"), tier.Yes},
		{"nodes_unselected_in_range", control, ext("192.168.0.10/32"), tier.No},
		{"nodes_miss_range", anyNode, ext("192.168.1.0/24"), tier.No},
		{"nodes_huge_range", anyNode, ext("::/0"), tier.Maybe},
		{"nodes_all_host_addresses", control, ips("192.168.0.11", "fd00::11"), tier.Yes},
		{"nodes_some_host_addresses", control, ips("192.168.0.11", "192.168.0.12"), tier.Maybe},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := tc.peer.Matches(&tc.ep, nodes); got != tc.want {
				t.Errorf("%s matches %v: %s, want %s", tc.peer.Kind, tc.ep, got, tc.want)
			}
		})
	}
}
