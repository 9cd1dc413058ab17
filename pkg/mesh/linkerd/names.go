package linkerd

// Labels and annotations Linkerd reads or writes (linkerd.md §1.3, §1.8, §4,
// §6.2).
const (
	labelComponent      = "linkerd.io/control-plane-component" // on control-plane pods
	labelControlPlaneNS = "linkerd.io/control-plane-ns"        // on every meshed pod
	labelWorkloadNS     = "linkerd.io/workload-ns"             // on every meshed pod, 2.9+
	labelIsControlPlane = "linkerd.io/is-control-plane"        // on the control-plane namespace, 2.4+
	labelExtension      = "linkerd.io/extension"               // on extension namespaces and pods, 2.10+
	labelWebhooks       = "config.linkerd.io/admission-webhooks"
	labelProxyPrefix    = "linkerd.io/proxy-" // + kind: linkerd.io/proxy-deployment

	annotationInject       = "linkerd.io/inject"
	annotationCreatedBy    = "linkerd.io/created-by"
	annotationProxyVersion = "linkerd.io/proxy-version"
	annotationOpaquePorts  = "config.linkerd.io/opaque-ports"
	annotationSkipInbound  = "config.linkerd.io/skip-inbound-ports"
	annotationSkipOutbound = "config.linkerd.io/skip-outbound-ports"

	containerProxy = "linkerd-proxy"
	containerInit  = "linkerd-init"

	configMapName = "linkerd-config"

	portInbound = 4143 // proxy inbound listener (linkerd.md §2)
	portAdmin   = 4191 // proxy admin listener
	portControl = 4190 // proxy tap listener
)

// Extension names (the values of the linkerd.io/extension label).
const (
	ExtensionViz          = "viz"
	ExtensionJaeger       = "jaeger"
	ExtensionMulticluster = "multicluster"
)

// Check categories of the flows, in the order a check should print them.
const (
	CategoryControlPlane = "linkerd-control-plane-reachability"
	CategoryWebhooks     = "linkerd-webhooks-reachability"
	CategoryDataPlane    = "linkerd-data-plane-reachability"
	CategoryViz          = "linkerd-viz-reachability"
	CategoryJaeger       = "linkerd-jaeger-reachability"
	CategoryMulticluster = "linkerd-multicluster-reachability"
)

// Categories lists the categories in print order.
func Categories() []string {
	return []string{CategoryControlPlane, CategoryWebhooks, CategoryDataPlane,
		CategoryViz, CategoryJaeger, CategoryMulticluster}
}

func knownExtension(name string) bool {
	switch name {
	case ExtensionViz, ExtensionJaeger, ExtensionMulticluster:
		return true
	}
	return false
}
