package reach

import (
	"encoding/json"

	"k8s.io/apimachinery/pkg/labels"

	"github.com/podreach/podreach/pkg/policy"
)

// egressNetworkClients reads whom a Linkerd EgressNetwork (2.17+) governs:
// "EgressNetworks are namespaced resources, which means that they affect
// only clients within the namespace that they reside in. The only
// exception is EgressNetworks created in the global egress namespace:
// these EgressNetworks affect clients in all namespaces"
// (https://linkerd.io/2/reference/egress-network/). That namespace is a
// Helm value (egress.globalEgressNetworkNamespace, default linkerd-egress)
// podreach does not read, so any EgressNetwork may be global: it could
// change an answer from any pod. One with trafficPolicy Allow lets
// through what no route matches and refuses nothing; it selects no pod.
func egressNetworkClients(spec []byte, ns string) (func(*policy.Endpoint, labels.Set) bool, string) {
	var s struct {
		TrafficPolicy string `json:"trafficPolicy"`
	}
	if json.Unmarshal(spec, &s) == nil && s.TrafficPolicy == "Allow" {
		return func(*policy.Endpoint, labels.Set) bool { return false }, "no pod (trafficPolicy Allow)"
	}
	return everyPodIn("", "the meshed clients of namespace "+ns+", or of every namespace if "+ns+
		" is the global egress namespace; its networks and routes are not evaluated")
}
