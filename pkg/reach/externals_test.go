package reach_test

import (
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
	"github.com/podreach/podreach/pkg/reach"
)

// extShop: web may open 443 to everything but 10.0.0.0/8, and anything to
// db; db admits web and 10.20.0.0/16; a bare pod (with an IP) is in
// 10.20.0.0/16; api (in fd00::/8 terms) has an IPv6 egress block.
const extShop = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 8080}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 5432}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: shop, labels: {app: tool}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.20.0.7, podIPs: [{ip: 10.20.0.7}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 0.0.0.0/0, except: [10.0.0.0/8]}}]
    ports: [{port: 443}]
  - to: [{podSelector: {matchLabels: {app: db}}}]
  - to: [{ipBlock: {cidr: "2001:db8::/32"}}]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  policyTypes: [Ingress]
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}, {ipBlock: {cidr: 10.20.0.0/16}}]
`

func loadCluster(t *testing.T, docs ...string) *model.Cluster {
	t.Helper()
	b := manifest.NewBuilder()
	for i, d := range docs {
		b.Decode("in"+string(rune('a'+i))+".yaml", []byte(d))
	}
	c, _, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func analyzeWith(t *testing.T, c *model.Cluster, opts ...reach.Option) *reach.Analysis {
	t.Helper()
	a, err := reach.Analyze(c, opts...)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// connections lists a's matrix as "from → to: ports".
func connections(t *testing.T, a *reach.Analysis) []string {
	t.Helper()
	var out []string
	err := a.Matrix(func(c reach.Connection) error {
		out = append(out, c.From+" → "+c.To+": "+c.Allowed.String())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func nodeIDs(a *reach.Analysis) []string {
	var out []string
	for _, n := range a.Nodes() {
		out = append(out, n.ID)
	}
	return out
}

// TestRangeString: a range that is exactly one CIDR is written as it; any
// other as FIRST-LAST.
func TestRangeString(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ first, last, want string }{
		{"0.0.0.0", "9.255.255.255", "0.0.0.0-9.255.255.255"},
		{"10.0.0.0", "10.255.255.255", "10.0.0.0/8"},
		{"10.20.0.7", "10.20.0.7", "10.20.0.7/32"},
		{"0.0.0.0", "255.255.255.255", "0.0.0.0/0"},
		{"2001:db8::", "2001:db8:ffff:ffff:ffff:ffff:ffff:ffff", "2001:db8::/32"},
		{"::", "2001:db7:ffff:ffff:ffff:ffff:ffff:ffff", "::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff"},
		{"10.0.0.1", "10.0.0.0", "invalid range"},
	} {
		r := reach.Range{First: netip.MustParseAddr(tc.first), Last: netip.MustParseAddr(tc.last)}
		if got := r.String(); got != tc.want {
			t.Errorf("%s-%s: %q, want %q", tc.first, tc.last, got, tc.want)
		}
	}
}

// TestInducedRanges: without --external, the blocks' cidrs and excepts
// cut each family's address space (IPv4 and IPv6 apart) into ranges that
// are matrix nodes; a family with no block is not cut and not listed.
func TestInducedRanges(t *testing.T) {
	t.Parallel()
	a := analyzeWith(t, loadCluster(t, extShop), reach.WithExternalRanges(true))
	var got []string
	for _, n := range a.Nodes() {
		if n.Kind == model.KindExternal {
			got = append(got, n.ID+"="+n.IPs[0])
		}
	}
	want := []string{
		"0.0.0.0-9.255.255.255=0.0.0.0-9.255.255.255",
		"10.0.0.0-10.19.255.255=10.0.0.0-10.19.255.255",
		"10.20.0.0/16=10.20.0.0/16",
		"10.21.0.0-10.255.255.255=10.21.0.0-10.255.255.255",
		"11.0.0.0-255.255.255.255=11.0.0.0-255.255.255.255",
		"2001:db8::/32=2001:db8::/32",
		"2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff=2001:db9::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
		"::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff=::-2001:db7:ffff:ffff:ffff:ffff:ffff:ffff",
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("external nodes (-want +got):\n%s", d)
	}
	conns := connections(t, a)
	for _, c := range []string{"shop/web → 0.0.0.0-9.255.255.255: TCP:443", "shop/web → 2001:db8::/32: all ports",
		"10.20.0.0/16 → shop/db: all ports", "11.0.0.0-255.255.255.255 → shop/web: all ports"} {
		if !slices.Contains(conns, c) {
			t.Errorf("missing %q in %q", c, conns)
		}
	}
	for _, c := range conns {
		if strings.HasPrefix(c, "shop/web → 10.0.0.0-10.19") || strings.HasPrefix(c, "shop/web → 2001:db9") {
			t.Errorf("listed %q: the ipBlock does not admit it", c)
		}
	}
}

// TestExternalPairsAreNotConnections: two externals never form a pair
// (no NetworkPolicy governs traffic between two addresses outside the pod
// network); Pairs counts only the others.
func TestExternalPairsAreNotConnections(t *testing.T) {
	t.Parallel()
	a := analyzeWith(t, loadCluster(t, extShop), reach.WithExternalRanges(true))
	ext := map[string]bool{}
	pods := 0
	for _, n := range a.Nodes() {
		ext[n.ID] = n.Kind == model.KindExternal
		if !ext[n.ID] {
			pods++
		}
	}
	err := a.Matrix(func(c reach.Connection) error {
		if ext[c.From] && ext[c.To] {
			t.Errorf("pair of two externals listed: %s → %s", c.From, c.To)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	n, e := len(a.Nodes()), len(a.Nodes())-pods
	if got, want := a.Pairs(), n*(n-1)-e*(e-1); got != want || e != 8 {
		t.Errorf("Pairs() = %d, want %d (%d externals)", got, want, e)
	}
}

// TestNoBlocksNoRanges: a cluster without ipBlocks has the same nodes and
// matrix with external ranges on as off (the ranges are not listed).
func TestNoBlocksNoRanges(t *testing.T) {
	t.Parallel()
	c := loadCluster(t, shop, onlyAPIOn80)
	on, off := analyzeWith(t, c, reach.WithExternalRanges(true)), analyzeWith(t, c)
	if d := cmp.Diff(nodeIDs(off), nodeIDs(on)); d != "" {
		t.Errorf("nodes (-off +on):\n%s", d)
	}
	if d := cmp.Diff(connections(t, off), connections(t, on)); d != "" {
		t.Errorf("matrix (-off +on):\n%s", d)
	}
}

// TestExternalCutAtBoundaries: --external internet=0.0.0.0/0 against
// "0.0.0.0/0 except 10.0.0.0/8" is not one (denied) answer: its pieces
// are answered apart, and those outside 10.0.0.0/8 are allowed 443.
func TestExternalCutAtBoundaries(t *testing.T) {
	t.Parallel()
	c := loadCluster(t, extShop)
	c.Externals = []model.External{{Name: "internet", Prefix: netip.MustParsePrefix("0.0.0.0/0")},
		{Name: "partner", Prefix: netip.MustParsePrefix("192.0.2.0/24")}}
	a := analyzeWith(t, c, reach.WithExternalRanges(true))
	conns := connections(t, a)
	for _, want := range []string{"shop/web → internet[0.0.0.0-9.255.255.255]: TCP:443",
		"shop/web → internet[11.0.0.0-255.255.255.255]: TCP:443", "shop/web → partner: TCP:443"} {
		if !slices.Contains(conns, want) {
			t.Errorf("missing %q in %q", want, conns)
		}
	}
	if slices.ContainsFunc(nodeIDs(a), func(id string) bool { return id == "internet" || strings.HasPrefix(id, "2001") }) {
		t.Errorf("nodes %q: internet is cut, and the induced ranges are not nodes with --external", nodeIDs(a))
	}
	x, err := a.Explain("shop/web", "internet", reach.PortSpec{Number: 443, Protocol: model.TCP}, "default")
	if err != nil {
		t.Fatal(err)
	}
	if len(x.Decisions) != 5 || x.Allowed() || !slices.ContainsFunc(x.Notes, func(n string) bool {
		return strings.HasPrefix(n, "partly allowed: allowed for internet[0.0.0.0-9.255.255.255]")
	}) {
		t.Errorf("explain → internet: %d decisions, allowed %v, notes %q", len(x.Decisions), x.Allowed(), x.Notes)
	}
}

// TestResolveAddress: one row per form of a typed address.
func TestResolveAddress(t *testing.T) {
	t.Parallel()
	a := analyzeWith(t, loadCluster(t, extShop))
	for _, tc := range []struct {
		ref, what string
		names     []string // the names the decisions carry (nil: the endpoints' own)
		err       string
	}{
		{"8.8.8.8", "external 8.8.8.8/32", []string{"8.8.8.8"}, ""},
		{"8.8.8.8/32", "external 8.8.8.8/32", []string{"8.8.8.8/32"}, ""},
		{"2001:db8::1", "external 2001:db8::1/128", []string{"2001:db8::1"}, ""},
		{"10.20.0.7", "Pod shop/tool (IP 10.20.0.7)", nil, ""},
		{"10.0.0.0/8", "external 10.0.0.0/8, cut at the policies' ipBlock boundaries",
			[]string{"10.0.0.0-10.19.255.255", "10.20.0.0/16", "10.21.0.0-10.255.255.255"}, ""},
		{"10.1.2.3/8", "", nil, "host bits set: write 10.0.0.0/8 for the network or 10.1.2.3 for the address"},
		{"8.8.8.8/33", "", nil, `invalid prefix length "33"`},
		{"::ffff:10.0.0.1", "", nil, "IPv4-mapped IPv6 address: write 10.0.0.1"},
		{"fe80::1%eth0", "", nil, "zone"},
		{"2001:db8::zz", "", nil, "no workload, pod or Service named 2001:db8::zz"},
	} {
		got, err := a.Resolve(tc.ref, "default")
		if tc.err != "" {
			if err == nil || !strings.Contains(err.Error(), tc.err) {
				t.Errorf("%s: error %v, want %q", tc.ref, err, tc.err)
			}
			continue
		}
		if err != nil || got.What != tc.what || !slices.Equal(got.Names, tc.names) {
			t.Errorf("%s: %q %q %v, want %q %q", tc.ref, got.What, got.Names, err, tc.what, tc.names)
		}
	}
}

// TestExplainTypedAddress: a typed address is named as typed in the
// decision and its misses (the range answering for it is exact), and an
// address in an except says so.
func TestExplainTypedAddress(t *testing.T) {
	t.Parallel()
	a := analyzeWith(t, loadCluster(t, extShop))
	x, err := a.Explain("shop/web", "10.1.2.3", reach.PortSpec{Number: 443, Protocol: model.TCP}, "default")
	if err != nil {
		t.Fatal(err)
	}
	d := x.Decisions[0]
	if d.To != "10.1.2.3" || d.Verdict != policy.Deny || len(d.Egress.Misses) != 1 ||
		!strings.HasSuffix(d.Egress.Misses[0].Reason, "10.1.2.3 is inside except 10.0.0.0/8") {
		t.Errorf("decision %+v", d)
	}
	x, err = a.Explain("shop/web", "8.8.8.8", reach.PortSpec{Number: 443, Protocol: model.TCP}, "default")
	if err != nil || !x.Allowed() || x.Decisions[0].To != "8.8.8.8" {
		t.Errorf("web → 8.8.8.8:443: %v %+v", err, x)
	}
}

// TestDataplaneDependent: the bare pod's IP is in db's ingress ipBlock
// (and web's egress block holds nothing of it): tool → db is allowed only
// if ipBlocks match pod IPs, so it is marked in explain and the matrix,
// in both modes; web → db (a podSelector) is not.
func TestDataplaneDependent(t *testing.T) {
	t.Parallel()
	for _, match := range []bool{true, false} {
		a := analyzeWith(t, loadCluster(t, extShop), reach.WithIPBlockPods(match))
		x, err := a.Explain("shop/tool", "shop/db", reach.PortSpec{}, "default")
		if err != nil {
			t.Fatal(err)
		}
		if got := x.Decisions[0].Contested; !strings.HasPrefix(got, "dataplane-dependent: ") {
			t.Errorf("match=%v: tool → db contested %q", match, got)
		}
		x, err = a.Explain("shop/web", "shop/db", reach.PortSpec{}, "default")
		if err != nil || x.Decisions[0].Contested != "" {
			t.Errorf("match=%v: web → db contested %q, %v", match, x.Decisions[0].Contested, err)
		}
		var marked []string
		err = a.Matrix(func(c reach.Connection) error {
			if c.Dataplane != c.Contested {
				t.Errorf("%s → %s: dataplane %v, contested %v", c.From, c.To, c.Dataplane, c.Contested)
			}
			if c.Dataplane {
				marked = append(marked, c.From+" → "+c.To)
			}
			return nil
		})
		if err != nil || (match && !slices.Equal(marked, []string{"shop/tool → shop/db"})) {
			t.Errorf("match=%v: marked %q, %v", match, marked, err)
		}
	}
}
