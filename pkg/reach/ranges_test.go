package reach_test

import (
	"fmt"
	"net/netip"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

// TestRangesAreUniform: every address of an induced range gets the
// range's answer. On generated clusters (IPv4 and IPv6 blocks with
// excepts), the first, last and a middle address of every range, asked
// about as single-address externals, are allowed exactly what the range
// node is, toward and from every pod.
func TestRangesAreUniform(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 3; seed++ {
		c := synth.Generate(synth.SizeS.Config(seed))
		c.Externals = nil // the ranges are nodes only without named externals
		a := analyzeWith(t, c, reach.WithExternalRanges(true))
		probe := *c
		var ranges []string
		for _, n := range a.Nodes() {
			if n.Kind != model.KindExternal {
				continue
			}
			ranges = append(ranges, n.ID)
			for k, addr := range samples(t, n.IPs[0]) {
				probe.Externals = append(probe.Externals, model.External{Name: fmt.Sprintf("%s#%d", n.ID, k), Prefix: netip.PrefixFrom(addr, addr.BitLen())})
			}
		}
		if len(ranges) < 4 {
			t.Fatalf("seed %d: only %d ranges", seed, len(ranges))
		}
		b := analyzeWith(t, &probe, reach.WithExternalRanges(true))
		pods := map[string]bool{}
		for _, n := range a.Nodes() {
			if n.Kind != model.KindExternal {
				pods[n.ID] = true
			}
		}
		for _, x := range probe.Externals {
			rangeID := x.Name[:len(x.Name)-2]
			for p := range pods {
				for _, dir := range [][2]string{{rangeID, p}, {p, rangeID}} {
					probeDir := [2]string{x.Name, p}
					if dir[0] == p {
						probeDir = [2]string{p, x.Name}
					}
					want, got := allowed(t, a, dir[0], dir[1]), allowed(t, b, probeDir[0], probeDir[1])
					if want != got {
						t.Errorf("seed %d: %s → %s allows %s, but %s → %s allows %s", seed, dir[0], dir[1], want, probeDir[0], probeDir[1], got)
					}
				}
			}
		}
	}
}

// samples are the first, last and a middle address of a range written as
// Range.String writes it.
func samples(t *testing.T, s string) []netip.Addr {
	t.Helper()
	var r reach.Range
	if p, err := netip.ParsePrefix(s); err == nil {
		r = reach.RangeOf(p)
	} else {
		first, last, _ := strings.Cut(s, "-")
		r = reach.Range{First: netip.MustParseAddr(first), Last: netip.MustParseAddr(last)}
	}
	mid := r.First
	for range 3 {
		if n := mid.Next(); n.IsValid() && n.Compare(r.Last) < 0 {
			mid = n
		}
	}
	return []netip.Addr{r.First, mid, r.Last}
}

// allowed is what from may open to to in a's engine, as a string.
func allowed(t *testing.T, a *reach.Analysis, from, to string) string {
	t.Helper()
	i, ok := a.EndpointIndex(from)
	j, ok2 := a.EndpointIndex(to)
	if !ok || !ok2 {
		t.Fatalf("no endpoint %q or %q", from, to)
	}
	return a.Engine().Allowed(i, j).String()
}

// FuzzParseAddress: ParseAddress never panics; what it accepts is a valid,
// masked prefix that reads back the same from its own text; a bare
// address is a single-address prefix; what it does not take as an address
// has no IP before its first "/".
func FuzzParseAddress(f *testing.F) {
	for _, s := range []string{"8.8.8.8", "8.8.8.8/32", "10.0.0.0/8", "10.1.2.3/8", "2001:db8::/32", "2001:db8::1",
		"::ffff:1.2.3.4", "fe80::1%eth0", "8.8.8.8/33", "8.8.8.8/08", "shop/web", "svc/ns/name", "::/0", "0.0.0.0/0", "1.2.3.4/+8"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, ok, err := reach.ParseAddress(s)
		if !ok {
			if err != nil {
				t.Fatalf("%q: not an address, but error %v", s, err)
			}
			return
		}
		if err != nil {
			return
		}
		if !p.IsValid() || p != p.Masked() || p.Addr().Is4In6() || p.Addr().Zone() != "" {
			t.Fatalf("%q: accepted %v", s, p)
		}
		q, ok, err := reach.ParseAddress(p.String())
		if !ok || err != nil || q != p {
			t.Fatalf("%q: %v reads back as %v %v %v", s, p, q, ok, err)
		}
		if a, err := netip.ParseAddr(s); err == nil && (!p.IsSingleIP() || p.Addr() != a) {
			t.Fatalf("%q: address read as %v", s, p)
		}
	})
}
