package synth

import (
	"slices"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"

	"github.com/podreach/podreach/pkg/model"
)

// labelPool is the label values seen on some workloads, per key, sorted.
type labelPool map[string][]string

func poolOf(ws []*model.Workload) labelPool {
	p := labelPool{}
	for _, w := range ws {
		for k, v := range w.Template.Labels {
			if !slices.Contains(p[k], v) {
				p[k] = append(p[k], v)
			}
		}
	}
	for k := range p {
		slices.Sort(p[k])
	}
	return p
}

// value picks a value of key from the pool, or a made-up one when none.
func (g *gen) value(p labelPool, key string) string {
	if vs := p[key]; len(vs) > 0 {
		return pick(g, vs)
	}
	switch key {
	case "tier":
		return pick(g, []string{"frontend", "backend", "data"})
	case "version":
		return pick(g, []string{"v1", "v2"})
	}
	return pick(g, apps).app
}

// podSelector selects pods by app, tier or expressions drawn from the pool;
// {} when empty selectors are allowed and the dice say so.
func (g *gen) podSelector(p labelPool, allowEmpty bool) *metav1.LabelSelector {
	switch n := g.r.IntN(100); {
	case allowEmpty && n < 15:
		return &metav1.LabelSelector{}
	case g.has(FeatureMatchExpressions) && n < 35:
		return g.expressions(p, []string{"app", "tier", "version"})
	case n < 75:
		return &metav1.LabelSelector{MatchLabels: map[string]string{"app": g.value(p, "app")}}
	}
	return &metav1.LabelSelector{MatchLabels: map[string]string{"tier": g.value(p, "tier")}}
}

// nsSelector selects namespaces by team, env or name, {} or expressions.
func (g *gen) nsSelector() *metav1.LabelSelector {
	ns := pick(g, g.ns)
	switch n := g.r.IntN(100); {
	case g.has(FeatureEmptySelector) && n < 15:
		return &metav1.LabelSelector{}
	case g.has(FeatureMatchExpressions) && n < 35:
		return g.expressions(g.idx.nsPool, []string{"team", "env", "linkerd.io/inject"})
	case n < 60:
		return &metav1.LabelSelector{MatchLabels: map[string]string{model.NamespaceNameLabel: ns.name}}
	case n < 80:
		return &metav1.LabelSelector{MatchLabels: map[string]string{"team": pick(g, teams)}}
	}
	return &metav1.LabelSelector{MatchLabels: map[string]string{"env": pick(g, envs)}}
}

// expressions builds one or two requirements over keys with operators
// In, NotIn, Exists and DoesNotExist (NotIn and DoesNotExist also match
// objects without the key).
func (g *gen) expressions(p labelPool, keys []string) *metav1.LabelSelector {
	sel := &metav1.LabelSelector{}
	for i := range 1 + g.r.IntN(2) {
		key := keys[(i+g.r.IntN(len(keys)))%len(keys)]
		req := metav1.LabelSelectorRequirement{Key: key}
		switch g.r.IntN(4) {
		case 0:
			req.Operator = metav1.LabelSelectorOpIn
			req.Values = g.values(p, key)
		case 1:
			req.Operator = metav1.LabelSelectorOpNotIn
			req.Values = g.values(p, key)
		case 2:
			req.Operator = metav1.LabelSelectorOpExists
		default:
			req.Operator = metav1.LabelSelectorOpDoesNotExist
		}
		sel.MatchExpressions = append(sel.MatchExpressions, req)
	}
	return sel
}

func (g *gen) values(p labelPool, key string) []string {
	vs := []string{g.value(p, key)}
	if g.chance(0.4) {
		if v := g.value(p, key); v != vs[0] {
			vs = append(vs, v)
		}
	}
	return vs
}
