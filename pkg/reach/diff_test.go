package reach_test

import (
	"context"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	networkingv1 "k8s.io/api/networking/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/ports"
	"github.com/podreach/podreach/pkg/reach"
)

const shop = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: c, image: i, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec: {containers: [{name: c, image: i}]}
`

const onlyAPIOn80 = `apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: api}}}]
    ports: [{port: 80}, {port: 8000, endPort: 8080}]
`

func analyze(t *testing.T, docs ...string) *reach.Analysis {
	t.Helper()
	b := manifest.NewBuilder()
	for i, d := range docs {
		b.Decode("in"+string(rune('a'+i))+".yaml", []byte(d))
	}
	c, _, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// changes renders a delta as "from → to: -lost +gained" lines.
func changes(d *reach.Delta) []string {
	var out []string
	for _, c := range d.Changes {
		out = append(out, c.From+" → "+c.To+": -"+c.Lost.String()+" +"+c.Gained.String())
	}
	return out
}

func TestDiff(t *testing.T) {
	t.Parallel()
	open, closed := analyze(t, shop), analyze(t, shop, onlyAPIOn80)
	tests := []struct {
		name          string
		before, after *reach.Analysis
		want          []string
		lost, gained  bool
	}{
		{"same state", open, open, nil, false, false},
		{"a policy closes everything but two ranges", open, closed,
			[]string{"shop/api → shop/web: -TCP:1-79,81-7999,8081-65535 UDP:all SCTP:all +none"}, true, false},
		{"removing it opens them again", closed, open,
			[]string{"shop/api → shop/web: -none +TCP:1-79,81-7999,8081-65535 UDP:all SCTP:all"}, false, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			d, err := reach.Diff(tt.before, tt.after)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, changes(d)); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			if d.Lost() != tt.lost || d.Gained() != tt.gained {
				t.Errorf("Lost, Gained = %v, %v; want %v, %v", d.Lost(), d.Gained(), tt.lost, tt.gained)
			}
		})
	}
}

// TestDiffNodes: a workload only in one state is listed, and so are its
// connections (all lost, or all gained).
func TestDiffNodes(t *testing.T) {
	t.Parallel()
	extra := `apiVersion: v1
kind: Pod
metadata: {name: debug, namespace: shop, labels: {app: debug}}
spec: {containers: [{name: c, image: i}]}
`
	d, err := reach.Diff(analyze(t, shop, onlyAPIOn80), analyze(t, shop, onlyAPIOn80, extra))
	if err != nil {
		t.Fatal(err)
	}
	if !cmp.Equal(d.Added, []string{"shop/debug"}) || d.Removed != nil {
		t.Errorf("Added %v, Removed %v", d.Added, d.Removed)
	}
	want := []string{
		"shop/api → shop/debug: -none +all ports",
		"shop/debug → shop/api: -none +all ports",
		"shop/web → shop/debug: -none +all ports",
	}
	if diff := cmp.Diff(want, changes(d)); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestDiffExamples: the seed's fix only opens connections.
func TestDiffExamples(t *testing.T) {
	t.Parallel()
	load := func(srcs ...string) *reach.Analysis {
		c, _, err := manifest.Load(context.Background(), srcs)
		if err != nil {
			t.Fatal(err)
		}
		a, err := reach.Analyze(c)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	d, err := reach.Diff(load("../../examples/emojivoto-linkerd/"), load("../../examples/emojivoto-linkerd/", "../../examples/seed-fix/seed-fix.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if lost, gained := d.Counts(); lost != 0 || gained == 0 {
		t.Errorf("lost %d, gained %d pairs; want 0 and some", lost, gained)
	}
	if _, err := reach.Diff(load("../../examples/emojivoto-linkerd/"), mustAnalyzePods(t)); err == nil {
		t.Error("comparing a pod matrix with a workload matrix should fail")
	}
}

func mustAnalyzePods(t *testing.T) *reach.Analysis {
	a, err := reach.Analyze(&model.Cluster{}, reach.WithLevel(reach.LevelPod))
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// TestDiffMatchesMatrices: Diff (two row scans side by side) finds
// exactly the pairs whose connections differ between the two matrices,
// compared pair by pair through a map, on generated clusters: small edits
// (policies dropped or changed, workloads dropped, namespaces relabelled)
// and unrelated clusters (node sets that barely overlap), at both levels.
func TestDiffMatchesMatrices(t *testing.T) {
	t.Parallel()
	for seed := int64(1); seed <= 6; seed++ {
		size := synth.SizeS
		if seed == 1 && !testing.Short() {
			size = synth.SizeM
		}
		before := synth.Generate(size.Config(seed))
		afters := map[string]*model.Cluster{
			"edited":    edited(before, seed),
			"unrelated": synth.Generate(size.Config(seed + 100)),
		}
		for name, after := range afters {
			for _, lvl := range []reach.Level{reach.LevelWorkload, reach.LevelPod} {
				if size == synth.SizeM && lvl == reach.LevelPod {
					continue // the reference's maps of a million pairs take long
				}
				cut := reach.WithRangesOf(before, after) // one set of externals for both
				b, err := reach.Analyze(before, reach.WithLevel(lvl), cut)
				if err != nil {
					t.Fatal(err)
				}
				a, err := reach.Analyze(after, reach.WithLevel(lvl), cut)
				if err != nil {
					t.Fatal(err)
				}
				d, err := reach.Diff(b, a)
				if err != nil {
					t.Fatal(err)
				}
				want := matrixDiff(t, b, a)
				if diff := cmp.Diff(want, changes(d)); diff != "" || len(want) == 0 {
					t.Errorf("seed %d %s %s: %d changes, want %d (-want +got):\n%.2000s", seed, name, lvl, len(d.Changes), len(want), diff)
				}
			}
		}
	}
}

// matrixDiff is the reference: both matrices in maps, compared pair by
// pair, as "from → to: -lost +gained" sorted by from, to.
func matrixDiff(t *testing.T, before, after *reach.Analysis) []string {
	t.Helper()
	type pair struct{ from, to string }
	collect := func(a *reach.Analysis) map[pair]ports.Set {
		m := map[pair]ports.Set{}
		if err := a.Matrix(func(c reach.Connection) error { m[pair{c.From, c.To}] = c.Allowed; return nil }); err != nil {
			t.Fatal(err)
		}
		return m
	}
	b, a := collect(before), collect(after)
	var keys []pair
	for k := range b {
		keys = append(keys, k)
	}
	for k := range a {
		if _, ok := b[k]; !ok {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(x, y pair) int { return strings.Compare(x.from+"\x00"+x.to, y.from+"\x00"+y.to) })
	var out []string
	for _, k := range keys {
		if !b[k].Equal(a[k]) {
			out = append(out, k.from+" → "+k.to+": -"+b[k].Subtract(a[k]).String()+" +"+a[k].Subtract(b[k]).String())
		}
	}
	return out
}

// edited returns a copy of c with some policies dropped and some changed
// to select everything, some workloads dropped and a namespace relabelled.
func edited(c *model.Cluster, seed int64) *model.Cluster {
	r := rand.New(rand.NewPCG(uint64(seed), 7))
	out := *c
	out.Policies = nil
	for _, p := range c.Policies {
		switch r.IntN(6) {
		case 0: // dropped
		case 1:
			np := p.NetworkPolicy.DeepCopy()
			np.Spec.PodSelector = metav1.LabelSelector{}
			out.Policies = append(out.Policies, model.Policy{NetworkPolicy: np, Source: p.Source})
		default:
			out.Policies = append(out.Policies, p)
		}
	}
	out.Workloads = nil
	for _, w := range c.Workloads {
		if r.IntN(8) != 0 {
			out.Workloads = append(out.Workloads, w)
		}
	}
	out.Namespaces = slices.Clone(c.Namespaces)
	if len(out.Namespaces) > 0 {
		ns := &out.Namespaces[r.IntN(len(out.Namespaces))]
		l := maps.Clone(ns.Labels)
		l["team"] = "moved"
		ns.Labels = l
	}
	return &out
}

// TestDiffRecutsNewBoundaries: a NetworkPolicy edit whose ipBlock cuts the
// external ranges at new boundaries is compared on the common refinement
// of both states' cuts: the same changes, node for node, as the two states
// analysed each with the other's boundaries (WithRangesOf), and those are
// the matrices' differences pair by pair.
func TestDiffRecutsNewBoundaries(t *testing.T) {
	t.Parallel()
	before := synth.Generate(synth.SizeS.Config(3))
	before.Externals = append(slices.Clip(before.Externals), model.External{Name: "partner", Prefix: netip.MustParsePrefix("203.0.113.0/24")})
	after := *before
	after.Policies = slices.Clone(before.Policies)
	np := after.Policies[0].NetworkPolicy.DeepCopy()
	np.Spec.PolicyTypes = []networkingv1.PolicyType{networkingv1.PolicyTypeIngress, networkingv1.PolicyTypeEgress}
	np.Spec.Egress = append(np.Spec.Egress, networkingv1.NetworkPolicyEgressRule{To: []networkingv1.NetworkPolicyPeer{{
		IPBlock: &networkingv1.IPBlock{CIDR: "203.0.113.0/25", Except: []string{"203.0.113.64/26"}}}}})
	after.Policies[0].NetworkPolicy = np
	for _, opts := range [][]reach.Option{{reach.WithExternalRanges(true)}, {reach.WithExternalRanges(true), reach.WithLevel(reach.LevelPod)}} {
		b, err := reach.Analyze(before, opts...)
		if err != nil {
			t.Fatal(err)
		}
		a, err := reach.Analyze(&after, opts...)
		if err != nil {
			t.Fatal(err)
		}
		got, err := reach.Diff(b, a)
		if err != nil {
			t.Fatal(err)
		}
		cut := append(slices.Clip(opts), reach.WithRangesOf(before, &after))
		bc, err := reach.Analyze(before, cut...)
		if err != nil {
			t.Fatal(err)
		}
		ac, err := reach.Analyze(&after, cut...)
		if err != nil {
			t.Fatal(err)
		}
		want := matrixDiff(t, bc, ac)
		if diff := cmp.Diff(want, changes(got)); diff != "" || len(want) == 0 {
			t.Errorf("%d options: %d changes, want %d (-want +got):\n%.2000s", len(opts), len(got.Changes), len(want), diff)
		}
		if !slices.ContainsFunc(got.Changes, func(c reach.Change) bool { return strings.HasPrefix(c.To, "partner[203.0.113.64") }) {
			t.Errorf("%d options: no change names a range cut at the new boundaries", len(opts))
		}
	}
	if reach.SameCuts(before, &after) || !reach.SameCuts(before, before) {
		t.Errorf("SameCuts does not see the new boundaries")
	}
}
