package check

// The rows of TestEveryFlowBlocked, one per flow of each band.
//
// Couplings (a check that necessarily fails with another):
//   - edge-26.8.3, web-to-metrics-api, metrics-api-to-prometheus and
//     prometheus-to-viz-admin: from 2.18 a meshed client reaches every port
//     of a meshed server on 4143, so denying the flow's wire port (4143)
//     between those viz pods also denies the client's connections to the
//     server's Service ports (metrics-api 8085, prometheus 9090, tap 8088,
//     web 8084/9994): meshed-app-traffic fails with it. No NetworkPolicy can
//     tell a scrape of an admin port from a call to the application port.
//   - Flows sharing a destination pod and port but not a source (the API
//     server and linkerd-web both on the seed controller's 8085; the
//     controller and grafana both on prometheus's 9090) are not coupled:
//     the blocker denies only the flow's own sources.
//
// Not blockable: meshed-app-traffic before 2.10, where meshed connections
// arrive on the application port. The check reports only connections the
// mesh moves to another port, so a policy denying an application port is
// the user's intent, not a mesh problem.

const (
	seedController = "linkerd/linkerd-controller"
	seedGrafana    = "linkerd/linkerd-grafana"
	seedPrometheus = "linkerd/linkerd-prometheus"
	seedWeb        = "linkerd/linkerd-web"
	injector       = "linkerd/linkerd-proxy-injector"
	identity       = "linkerd/linkerd-identity"
	destination    = "linkerd/linkerd-destination"
	heartbeat      = "linkerd/linkerd-heartbeat"
	vizPrometheus  = "linkerd-viz/prometheus"
	vizMetricsAPI  = "linkerd-viz/metrics-api"
	vizTap         = "linkerd-viz/tap"
	vizTapInjector = "linkerd-viz/tap-injector"
	vizWeb         = "linkerd-viz/web"
	collector      = "linkerd-jaeger/collector"
	jaegerInjector = "linkerd-jaeger/jaeger-injector"
	gateway        = "linkerd-multicluster/linkerd-gateway"
	mirror         = "linkerd-multicluster/linkerd-service-mirror-east"
	coredns        = "kube-system/coredns"
	apiserver      = "apiserver"
)

var (
	vizPods = idList(vizMetricsAPI, vizPrometheus, vizTap, vizTapInjector, vizWeb)
	errored = StatusError
	warned  = StatusWarning
)

var flowCases = map[string][]flowCase{
	seedBand.name: {
		blocks("proxy-to-destination", errored, seedBand.meshedExcept(seedController), idList(seedController), "8086/TCP"),
		blocks("proxy-to-dns", errored, seedBand.meshed, idList(coredns), "53/TCP", "53/UDP"),
		blocks("control-plane-to-apiserver", errored, idList(seedController, seedGrafana, seedPrometheus, injector, seedWeb),
			idList(apiserver), "443/TCP", "6443/TCP").atSource(),
		blocks("apiserver-to-proxy-injector", errored, idList(apiserver), idList(injector), "8443/TCP"),
		blocks("apiserver-to-public-api", errored, idList(apiserver), idList(seedController), "8085/TCP"),
		blocks("meshed-app-traffic", StatusOK, nil, nil, "8080/TCP").inside("emojivoto/web", "emojivoto/voting").
			notBlockable("before 2.10 meshed connections arrive on the application port"),
		blocks("prometheus-to-proxy-admin", errored, idList(seedPrometheus), seedBand.meshedExcept(seedPrometheus), "4191/TCP"),
		blocks("prometheus-to-control-plane-admin", warned, idList(seedPrometheus), idList(seedController, seedWeb),
			"9994/TCP", "9995/TCP", "9996/TCP", "9998/TCP"),
		blocks("tap-to-proxy-tap", warned, idList(seedController), seedBand.meshedExcept(seedController), "4190/TCP"),
		blocks("web-to-metrics-api", warned, idList(seedWeb), idList(seedController), "8085/TCP"),
		blocks("metrics-api-to-prometheus", errored, idList(seedController), idList(seedPrometheus), "9090/TCP"),
		blocks("web-to-grafana", warned, idList(seedWeb), idList(seedGrafana), "3000/TCP"),
		blocks("grafana-to-prometheus", warned, idList(seedGrafana), idList(seedPrometheus), "9090/TCP"),
	},
	stableBand.name: append(currentCases(stableBand, "9990/TCP", "9995/TCP", "9996/TCP", "9997/TCP"),
		blocks("meshed-app-traffic", errored, idList("books/app"), idList("books/mysql"), "4143/TCP").inside("books/app", "books/mysql"),
		blocks("prometheus-to-viz-admin", warned, idList(vizPrometheus), idList(vizMetricsAPI, vizTap, vizTapInjector, vizWeb),
			"9994/TCP", "9995/TCP", "9998/TCP"),
		blocks("web-to-metrics-api", warned, idList(vizWeb), idList(vizMetricsAPI), "8085/TCP"),
		blocks("metrics-api-to-prometheus", errored, idList(vizMetricsAPI), idList(vizPrometheus), "9090/TCP"),
		blocks("prometheus-to-multicluster-admin", warned, idList(vizPrometheus), idList(mirror), "9999/TCP"),
		blocks("proxy-to-trace-collector", warned, stableBand.meshedExcept(collector), idList(collector), "55678/TCP"),
		blocks("apiserver-to-jaeger-injector", warned, idList(apiserver), idList(jaegerInjector), "8443/TCP"),
	),
	edgeBand.name: append(currentCases(edgeBand, "4143/TCP"),
		blocks("meshed-app-traffic", errored, idList("emojivoto/web"), idList("emojivoto/voting"), "4143/TCP").
			inside("emojivoto/web", "emojivoto/voting"),
		blocks("prometheus-to-viz-admin", warned, idList(vizPrometheus), idList(vizMetricsAPI, vizTap, vizTapInjector, vizWeb), "4143/TCP").
			coupledWith(allToInbound, "meshed-app-traffic"),
		blocks("web-to-metrics-api", warned, idList(vizWeb), idList(vizMetricsAPI), "4143/TCP").coupledWith(allToInbound, "meshed-app-traffic"),
		blocks("metrics-api-to-prometheus", errored, idList(vizMetricsAPI), idList(vizPrometheus), "4143/TCP").
			coupledWith(allToInbound, "meshed-app-traffic"),
		blocks("prometheus-to-multicluster-admin", warned, idList(vizPrometheus), idList(mirror), "4143/TCP"),
	),
}

const allToInbound = "2.18+: the client's calls to the server's Service ports arrive on the same 4143"

// heartbeatCase blocks the unmeshed heartbeat's 9090 to prometheus. From
// 2.18 the blocker leaves 4143 open, where meshed clients of 9090 arrive:
// the heartbeat is then admitted on the proxy port only, which the line
// about unmeshed clients warns about.
func heartbeatCase(b band) flowCase {
	c := blocks("heartbeat-to-prometheus", warned, idList(heartbeat), idList(vizPrometheus), "9090/TCP")
	if b.name == edgeBand.name {
		c = c.coupledWith("2.18+: an unmeshed client admitted on 4143 but not on the application port", "meshed-app-traffic-unmeshed-clients")
	}
	return c
}

// currentCases are the rows 2.14 and edge share; cpAdmin are the wire
// ports of prometheus-to-control-plane-admin.
func currentCases(b band, cpAdmin ...string) []flowCase {
	return []flowCase{
		blocks("proxy-to-identity", errored, b.meshedExcept(identity), idList(identity), "8080/TCP"),
		blocks("proxy-to-destination", errored, b.meshedExcept(destination), idList(destination), "8086/TCP"),
		blocks("proxy-to-policy", errored, b.meshedExcept(destination), idList(destination), "8090/TCP"),
		blocks("proxy-to-dns", errored, b.meshed, idList(coredns), "53/TCP", "53/UDP"),
		blocks("control-plane-to-apiserver", errored, idList(destination, heartbeat, identity, injector), idList(apiserver),
			"443/TCP", "6443/TCP").atSource(),
		blocks("heartbeat-to-versioncheck", warned, idList(heartbeat), idList("versioncheck.linkerd.io"), "443/TCP").atSource(),
		blocks("apiserver-to-proxy-injector", errored, idList(apiserver), idList(injector), "8443/TCP"),
		blocks("apiserver-to-sp-validator", warned, idList(apiserver), idList(destination), "8443/TCP"),
		blocks("apiserver-to-policy-validator", warned, idList(apiserver), idList(destination), "9443/TCP"),
		blocks("apiserver-to-tap", warned, idList(apiserver), idList(vizTap), "8089/TCP"),
		blocks("apiserver-to-tap-injector", warned, idList(apiserver), idList(vizTapInjector), "8443/TCP"),
		blocks("prometheus-to-proxy-admin", errored, idList(vizPrometheus), b.meshedExcept(vizPrometheus), "4191/TCP"),
		blocks("prometheus-to-control-plane-admin", warned, idList(vizPrometheus), idList(destination, identity, injector), cpAdmin...),
		blocks("tap-to-proxy-tap", warned, idList(vizTap), b.meshedExcept(vizTap), "4190/TCP"),
		heartbeatCase(b),
		blocks("viz-to-apiserver", errored, vizPods, idList(apiserver), "443/TCP", "6443/TCP").atSource(),
		blocks("multicluster-gateway-ingress", errored, idList("anywhere"), idList(gateway), "4143/TCP", "4191/TCP"),
		blocks("multicluster-to-apiserver", errored, idList(mirror), idList(apiserver), "443/TCP", "6443/TCP").atSource(),
	}
}
