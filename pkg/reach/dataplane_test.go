package reach

import (
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/model"
)

// TestDataplaneMarksAgree: the matrix asks the other --ipblock-pods
// choice only about the pairs pairFlags says it can change; its marks
// must be exactly those of Dataplane, which compares the two engines on
// every pair. Generated clusters whose ipBlocks hold pod IPs, with and
// without cluster policy tiers, at workload and pod level, both choices.
func TestDataplaneMarksAgree(t *testing.T) {
	t.Parallel()
	clusters := map[string]*model.Cluster{
		"S":        synth.Generate(synth.SizeS.Config(1)),
		"S-tiered": synth.Generate(synth.SizeS.Tiered(2)),
		"S-seed3":  synth.Generate(synth.SizeS.Config(3)),
		"egress":   egressBlockCluster(t),
	}
	for name, c := range clusters {
		for _, level := range []Level{LevelWorkload, LevelPod} {
			for _, match := range []bool{true, false} {
				t.Run(name+"/"+level.String()+"/"+map[bool]string{true: "match", false: "ignore"}[match], func(t *testing.T) {
					t.Parallel()
					a, err := Analyze(c, WithLevel(level), WithIPBlockPods(match))
					if err != nil {
						t.Fatal(err)
					}
					if a.dp == nil {
						t.Fatal("no ipBlock holds a pod IP: the test would not test anything")
					}
					marked, pairs := 0, 0
					err = a.Matrix(func(cn Connection) error {
						pairs++
						s, _ := a.endpoint(cn.From)
						d, _ := a.endpoint(cn.To)
						if want := a.Dataplane(s, d); cn.Dataplane != want {
							t.Errorf("%s → %s: matrix marks dataplane %v, Dataplane says %v", cn.From, cn.To, cn.Dataplane, want)
						}
						if cn.Dataplane {
							marked++
						}
						return nil
					})
					if err != nil {
						t.Fatal(err)
					}
					t.Logf("%d of %d pairs dataplane-dependent", marked, pairs)
				})
			}
		}
	}
}

// egressBlockCluster: web's egress admits 10.20.0.0/16, which holds the
// pod tool; db's ingress admits web by podSelector only.
func egressBlockCluster(t *testing.T) *model.Cluster {
	b := manifest.NewBuilder()
	b.Decode("egress.yaml", []byte(`apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.30.0.2, podIPs: [{ip: 10.30.0.2}]}
---
apiVersion: v1
kind: Pod
metadata: {name: tool, namespace: shop, labels: {app: tool}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.20.0.7, podIPs: [{ip: 10.20.0.7}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: c, image: i}]}
status: {podIP: 10.30.0.9, podIPs: [{ip: 10.30.0.9}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-out, namespace: shop}
spec:
  podSelector: {matchLabels: {app: web}}
  policyTypes: [Egress]
  egress:
  - to: [{ipBlock: {cidr: 10.20.0.0/16}}, {podSelector: {matchLabels: {app: db}}}]
`))
	c, _, err := b.Finish()
	if err != nil {
		t.Fatal(err)
	}
	return c
}
