package policy_test

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/policy"
)

// describeCluster renders a cluster and its endpoints for failure messages
// (fuzz findings become semantic rows from this).
func describeCluster(c *model.Cluster, eps []policy.Endpoint) string {
	var b strings.Builder
	for _, ns := range c.Namespaces {
		fmt.Fprintf(&b, "namespace %s %v\n", ns.Name, ns.Labels)
	}
	for _, ep := range eps {
		if ep.Kind == model.KindExternal {
			fmt.Fprintf(&b, "external %s %s\n", ep.ID, ep.Prefix)
			continue
		}
		fmt.Fprintf(&b, "endpoint %s labels=%v ports=%v ips=%v hostNetwork=%v single=%v\n",
			ep.ID, ep.Labels, ep.Ports, ep.IPs, ep.HostNetwork, ep.Single)
	}
	for _, p := range c.Policies {
		spec, err := json.Marshal(p.NetworkPolicy.Spec)
		if err != nil {
			spec = []byte(err.Error())
		}
		fmt.Fprintf(&b, "policy %s %s\n", p.ID(), spec)
	}
	return b.String()
}
