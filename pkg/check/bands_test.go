package check

import (
	"slices"
	"testing"

	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// A band is a representative cluster for one Linkerd release band: its
// control plane, the extensions that release has, a kube-dns, meshed
// applications in two namespaces (emojivoto on 8080, books with a MySQL on
// the opaque port 3306), and the API server and versioncheck.linkerd.io
// as externals. It has no NetworkPolicy: every check passes.
type band struct {
	name    string
	version string
	opts    []linkerd.Option
	build   func() *model.Cluster
	meshed  []string // every meshed workload, sorted
}

func (b band) install(t testing.TB) *linkerd.Install { return install(t, b.version, b.opts...) }

// meshedExcept lists the meshed workloads but the given ones.
func (b band) meshedExcept(ids ...string) []string {
	return slices.DeleteFunc(slices.Clone(b.meshed), func(id string) bool { return slices.Contains(ids, id) })
}

var apps = []string{"books/app", "books/mysql", "emojivoto/emoji", "emojivoto/voting", "emojivoto/web"}

// seedBand is the seed's cluster (edge-19.1.2, i.e. 2.1): everything in
// linkerd, the controller pod serving the public API (8085), the proxy API
// (8086) and tap; the proxy injector installed (--proxy-auto-inject).
var seedBand = band{
	name: "edge-19.1.2", version: "edge-19.1.2",
	opts: []linkerd.Option{linkerd.WithComponents("controller", "grafana", "prometheus", "proxy-injector", "web")},
	build: func() *model.Cluster {
		c := base(namespace("linkerd"))
		c.Workloads = append(c.Workloads,
			deploy("linkerd", "linkerd-controller", component("controller"), listens("8085", "8086", "8088", "9995", "9996", "9998"), proxied),
			deploy("linkerd", "linkerd-grafana", component("grafana"), listens("3000"), proxied),
			deploy("linkerd", "linkerd-prometheus", component("prometheus"), listens("9090"), proxied),
			deploy("linkerd", "linkerd-proxy-injector", component("proxy-injector"), listens("8443"), proxied),
			deploy("linkerd", "linkerd-web", component("web"), listens("8084", "9994"), proxied),
		)
		c.Services = append(c.Services,
			service("linkerd", "linkerd-controller-api", "linkerd-controller", "8085"),
			service("linkerd", "linkerd-proxy-api", "linkerd-controller", "8086"),
			service("linkerd", "linkerd-grafana", "linkerd-grafana", "3000"),
			service("linkerd", "linkerd-prometheus", "linkerd-prometheus", "9090"),
			service("linkerd", "linkerd-proxy-injector", "linkerd-proxy-injector", "443:8443"),
			service("linkerd", "linkerd-web", "linkerd-web", "8084", "9994"),
		)
		return c
	},
	meshed: sortedIDs(apps, "linkerd/linkerd-controller", "linkerd/linkerd-grafana", "linkerd/linkerd-prometheus",
		"linkerd/linkerd-proxy-injector", "linkerd/linkerd-web"),
}

// stableBand is 2.14 with viz, jaeger and multicluster: the last stable
// release, before meshed traffic moved to 4143 (opaque ports only).
var stableBand = band{
	name: "stable-2.14.10", version: "stable-2.14.10",
	opts: extensions(linkerd.ExtensionViz, linkerd.ExtensionJaeger, linkerd.ExtensionMulticluster),
	build: func() *model.Cluster {
		c := currentCluster()
		addJaeger(c)
		return c
	},
	meshed: sortedIDs(currentMeshed, "linkerd-jaeger/collector", "linkerd-jaeger/jaeger-injector"),
}

// edgeBand is edge-26.8.3 (2.20 era) with viz and multicluster (jaeger is
// gone): every meshed connection arrives on 4143.
var edgeBand = band{
	name: "edge-26.8.3", version: "edge-26.8.3",
	opts:   extensions(linkerd.ExtensionViz, linkerd.ExtensionMulticluster),
	build:  currentCluster,
	meshed: currentMeshed,
}

var bands = []band{seedBand, stableBand, edgeBand}

func extensions(names ...string) []linkerd.Option {
	opts := []linkerd.Option{linkerd.WithComponents("destination", "heartbeat", "identity", "proxy-injector")}
	for _, n := range names {
		opts = append(opts, linkerd.WithExtension(n, "linkerd-"+n))
	}
	return opts
}

func sortedIDs(base []string, more ...string) []string {
	return slices.Sorted(slices.Values(append(slices.Clone(base), more...)))
}

// base is what every band shares: kube-dns, the applications (meshed at
// admission by their namespaces' annotation) and the externals.
func base(linkerdNS model.Namespace) *model.Cluster {
	return &model.Cluster{
		Namespaces: []model.Namespace{linkerdNS, namespace("kube-system"),
			namespace("emojivoto", injectNS), namespace("books", injectNS)},
		Workloads: []model.Workload{
			deploy("kube-system", "coredns", label("k8s-app", "kube-dns"), listens("53/UDP", "53", "9153")),
			deploy("emojivoto", "web", listens("8080")),
			deploy("emojivoto", "voting", listens("8080")),
			deploy("emojivoto", "emoji", listens("8080")),
			deploy("books", "app", listens("7000")),
			deploy("books", "mysql", kind(model.KindStatefulSet), listens("3306")),
		},
		Services: []model.Service{
			service("kube-system", "kube-dns", "coredns", "53"),
			service("emojivoto", "web-svc", "web", "80:8080"),
			service("emojivoto", "voting-svc", "voting", "8080"),
			service("emojivoto", "emoji-svc", "emoji", "8080"),
			service("books", "app", "app", "7000"),
			service("books", "mysql", "mysql", "3306"),
		},
		Externals: []model.External{externalPeer("apiserver", apiserverCIDR), externalPeer("versioncheck.linkerd.io", versioncheckIP)},
	}
}

var currentMeshed = sortedIDs(apps,
	"linkerd/linkerd-destination", "linkerd/linkerd-identity", "linkerd/linkerd-proxy-injector",
	"linkerd-viz/metrics-api", "linkerd-viz/prometheus", "linkerd-viz/tap", "linkerd-viz/tap-injector", "linkerd-viz/web",
	"linkerd-multicluster/linkerd-gateway", "linkerd-multicluster/linkerd-service-mirror-east")

// currentCluster is the control plane of 2.11+ (identity; destination with the
// sp-validator and policy containers; injector; the unmeshed heartbeat),
// viz and multicluster.
func currentCluster() *model.Cluster {
	c := base(namespace("linkerd", nsLabel("linkerd.io/is-control-plane", "true"),
		nsLabel("config.linkerd.io/admission-webhooks", "disabled"), nsLabel(labelCPNS, "linkerd"),
		nsAnnotation("linkerd.io/inject", "disabled")))
	c.Namespaces = append(c.Namespaces,
		namespace("linkerd-viz", nsLabel("linkerd.io/extension", "viz")),
		namespace("linkerd-multicluster", nsLabel("linkerd.io/extension", "multicluster")))
	viz := func(name string, ps ...string) model.Workload {
		return deploy("linkerd-viz", name, label("linkerd.io/extension", "viz"), label("component", name), listens(ps...), proxied)
	}
	c.Workloads = append(c.Workloads,
		deploy("linkerd", "linkerd-identity", component("identity"), listens("8080", "9990"), proxied),
		deploy("linkerd", "linkerd-destination", component("destination"),
			listens("8086", "8090", "8443", "9443", "9990", "9996", "9997"), proxied),
		deploy("linkerd", "linkerd-proxy-injector", component("proxy-injector"), listens("8443", "9995"), proxied),
		deploy("linkerd", "linkerd-heartbeat", kind(model.KindCronJob), component("heartbeat")),
		viz("metrics-api", "8085", "9995"), viz("prometheus", "9090"), viz("tap", "8088", "8089", "9998"),
		viz("tap-injector", "8443", "9995"), viz("web", "8084", "9994"),
		deploy("linkerd-multicluster", "linkerd-gateway", proxied),
		deploy("linkerd-multicluster", "linkerd-service-mirror-east", label("component", "linkerd-service-mirror"), listens("9999"), proxied),
	)
	c.Services = append(c.Services,
		service("linkerd", "linkerd-identity", "linkerd-identity", "8080"),
		service("linkerd", "linkerd-dst", "linkerd-destination", "8086"),
		service("linkerd", "linkerd-policy", "linkerd-destination", "8090"),
		service("linkerd", "linkerd-sp-validator", "linkerd-destination", "443:8443"),
		service("linkerd", "linkerd-policy-validator", "linkerd-destination", "443:9443"),
		service("linkerd", "linkerd-proxy-injector", "linkerd-proxy-injector", "443:8443"),
		service("linkerd-viz", "metrics-api", "metrics-api", "8085"),
		service("linkerd-viz", "prometheus", "prometheus", "9090"),
		service("linkerd-viz", "tap", "tap", "8088", "443:8089"),
		service("linkerd-viz", "tap-injector", "tap-injector", "443:8443"),
		service("linkerd-viz", "web", "web", "8084", "9994"),
		service("linkerd-multicluster", "linkerd-gateway", "linkerd-gateway", "4143", "4191"),
	)
	return c
}

// addJaeger adds the jaeger extension (2.10-2.18).
func addJaeger(c *model.Cluster) {
	c.Namespaces = append(c.Namespaces, namespace("linkerd-jaeger", nsLabel("linkerd.io/extension", "jaeger")))
	c.Workloads = append(c.Workloads,
		deploy("linkerd-jaeger", "collector", label("component", "collector"), listens("55678", "4317", "14268"), proxied),
		deploy("linkerd-jaeger", "jaeger-injector", label("linkerd.io/extension", "jaeger"), label("component", "jaeger-injector"),
			listens("8443"), proxied),
	)
	c.Services = append(c.Services,
		service("linkerd-jaeger", "collector", "collector", "55678", "4317"),
		service("linkerd-jaeger", "jaeger-injector", "jaeger-injector", "443:8443"))
}

// namespaceNames lists the namespaces of c.
func namespaceNames(c *model.Cluster) []string {
	var out []string
	for _, ns := range c.Namespaces {
		out = append(out, ns.Name)
	}
	return out
}

// TestBandsPass: with no NetworkPolicy every check of every band passes,
// every flow resolves its peers, and the expected workloads are meshed.
func TestBandsPass(t *testing.T) {
	t.Parallel()
	for _, b := range bands {
		t.Run(b.name, func(t *testing.T) {
			t.Parallel()
			in := b.install(t)
			rep := mustRun(t, b.build(), in)
			if bad := notOK(rep); len(bad) > 0 {
				t.Errorf("checks not passing without policies: %v", bad)
			}
			for _, r := range rep.Results {
				if r.ID != "meshed-workloads" && r.Category != "linkerd-mesh" && r.Sources == 0 && r.ID != "meshed-app-traffic-port-bypass" {
					t.Errorf("%s: no source resolved (%v)", r.ID, r.Details)
				}
			}
			c := in.Inject(b.build())
			var meshed []string
			for i := range c.Workloads {
				if in.Meshed(c, &c.Workloads[i]) {
					meshed = append(meshed, c.Workloads[i].ID())
				}
			}
			slices.Sort(meshed)
			if !slices.Equal(meshed, b.meshed) {
				t.Errorf("meshed = %v, want %v", meshed, b.meshed)
			}
		})
	}
}
