package lab

import (
	"context"
	"net/netip"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/internal/golden"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
)

func TestParsePairs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in   string
		want Pairs
		err  bool
	}{
		{"all", Pairs{}, false},
		{"sample:25", Pairs{Sample: 25}, false},
		{"sample:0", Pairs{}, true},
		{"sample:x", Pairs{}, true},
		{"25", Pairs{}, true},
	} {
		got, err := ParsePairs(tt.in)
		if (err != nil) != tt.err || got != tt.want {
			t.Errorf("ParsePairs(%q) = %v, %v; want %v, error %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestCells(t *testing.T) {
	t.Parallel()
	pfx := netip.MustParsePrefix
	for _, tt := range []struct {
		name   string
		p      netip.Prefix
		blocks []netip.Prefix
		want   []string
	}{
		{"no blocks", pfx("203.0.113.0/24"), nil, []string{"203.0.113.0-203.0.113.255"}},
		{"block covers it", pfx("203.0.113.0/24"), []netip.Prefix{pfx("203.0.0.0/16")}, []string{"203.0.113.0-203.0.113.255"}},
		{"except splits it", pfx("203.0.113.0/24"), []netip.Prefix{pfx("203.0.113.0/24"), pfx("203.0.113.128/25")},
			[]string{"203.0.113.0-203.0.113.127", "203.0.113.128-203.0.113.255"}},
		{"a /32 inside", pfx("203.0.113.0/24"), []netip.Prefix{pfx("203.0.113.10/32")},
			[]string{"203.0.113.0-203.0.113.9", "203.0.113.10-203.0.113.10", "203.0.113.11-203.0.113.255"}},
		{"other family ignored", pfx("2001:db8::/48"), []netip.Prefix{pfx("10.0.0.0/8")}, []string{"2001:db8::-2001:db8:0:ffff:ffff:ffff:ffff:ffff"}},
	} {
		var got []string
		for _, c := range cells(tt.p, tt.blocks) {
			got = append(got, c.lo.String()+"-"+c.hi.String())
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%s: cells (-want +got):\n%s", tt.name, diff)
		}
	}
}

func TestCellPick(t *testing.T) {
	t.Parallel()
	held := map[netip.Addr]bool{netip.MustParseAddr("0.0.0.1"): true}
	host := func(a netip.Addr) (string, bool) {
		if held[a] {
			return "someone", true
		}
		return "", false
	}
	c := cell{netip.MustParseAddr("0.0.0.0"), netip.MustParseAddr("9.255.255.255")}
	a, ok := c.pick(host)
	if !ok || a.String() != "9.255.255.255" {
		t.Errorf("pick in 0.0.0.0-9.255.255.255 = %v, %v; want the first usable address from the top", a, ok)
	}
	one := cell{netip.MustParseAddr("0.0.0.1"), netip.MustParseAddr("0.0.0.1")}
	if a, ok := one.pick(host); ok {
		t.Errorf("pick in a cell held by a pod = %v; want none", a)
	}
}

// TestRuleset pins the compiled nftables programs of the shipped example,
// fixed by the seed's policies: a destination isolated for ingress with a
// namespaceSelector ∧ podSelector peer, and one with a namespaceSelector.
func TestRuleset(t *testing.T) {
	t.Parallel()
	c, _, err := manifest.Load(context.Background(), []string{"../../examples/emojivoto-linkerd/", "../../examples/seed-fix/seed-fix.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	c.Externals = append(c.Externals, model.External{Name: "apiserver", Prefix: netip.MustParsePrefix("172.16.0.2/32")})
	for _, id := range []string{"linkerd/linkerd-destination", "emojivoto/web"} {
		got, err := Ruleset(c, id)
		if err != nil {
			t.Fatal(err)
		}
		golden.Assert(t, "ruleset-"+strings.ReplaceAll(id, "/", "-")+".nft", []byte(got))
	}
}

// TestProbeCrash: a panic in an attempt becomes a failed outcome and an
// error from run, so that Run tears the lab down and reports it.
func TestProbeCrash(t *testing.T) {
	t.Parallel()
	c := &conn{target: target{model.TCP, 80}, attempts: []attempt{{src: netip.MustParseAddr("10.0.0.1")}}} // no holder: nil dereference
	err := (&prober{}).run(context.Background(), []*conn{c}, 1)
	if err == nil || !strings.Contains(err.Error(), "crashed") {
		t.Fatalf("run = %v, want a crash error", err)
	}
	if got := c.attempts[0].outcome; got != Failed {
		t.Errorf("outcome = %v, want %v", got, Failed)
	}
}
