package reach_test

import (
	"fmt"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

const cluster = `
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, labels: {app: web}}
spec: {containers: [{name: web, image: web, ports: [{name: http, containerPort: 8080}]}]}
---
apiVersion: v1
kind: Pod
metadata: {name: db, namespace: shop, labels: {app: db}}
spec: {containers: [{name: db, image: db, ports: [{name: pg, containerPort: 5432}]}]}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-from-web, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: pg}]
`

// Explain one connection, then list every allowed one.
func Example() {
	c, _, err := manifest.Decode("cluster.yaml", []byte(cluster))
	if err != nil {
		panic(err)
	}
	a, err := reach.Analyze(c)
	if err != nil {
		panic(err)
	}
	x, err := a.Explain("shop/web", "shop/db", reach.PortSpec{Number: 5432, Protocol: model.TCP}, "default")
	if err != nil {
		panic(err)
	}
	d := x.Decisions[0]
	fmt.Println(d.Verdict, d.Ingress.Admitted[0].Policy, "rule", d.Ingress.Admitted[0].Rule)
	_ = a.Matrix(func(c reach.Connection) error {
		fmt.Println(c.From, "→", c.To, c.Allowed)
		return nil
	})
	// Output:
	// allowed shop/db-from-web rule 0
	// shop/db → shop/web all ports
	// shop/web → shop/db TCP:5432
}
