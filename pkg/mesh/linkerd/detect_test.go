package linkerd

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

// detected is what a Detect test compares.
type detected struct {
	Namespace, Version, Source string
	Extensions                 []Extension
	Components                 []string
	Mode                       TransportMode
	Native, CNI                bool
	OpaquePorts                string
	Diagnostics                []string
}

func summarize(in *Install, ds model.Diagnostics) detected {
	d := detected{Namespace: in.Namespace, Version: in.Version(), Source: in.VersionSource.String(),
		Extensions: in.Extensions, Components: in.Components, Mode: in.TransportMode,
		Native: in.NativeSidecar, CNI: in.CNI, OpaquePorts: in.OpaquePorts}
	for _, diag := range ds {
		d.Diagnostics = append(d.Diagnostics, diag.String())
	}
	return d
}

func TestDetect(t *testing.T) {
	t.Parallel()
	cpNS := namespace("linkerd", nsLabel(labelIsControlPlane, "true"))
	values := func(body string) model.Object { return configMap("linkerd", map[string]string{"values": body}) }
	tests := []struct {
		name     string
		c        *model.Cluster
		override string
		want     detected
	}{{
		name: "config values",
		c: cluster([]model.Namespace{cpNS}, nil, values(
			"linkerdVersion: edge-26.8.3\nproxy:\n  outboundTransportMode: transparent\n  nativeSidecar: false\n  opaquePorts: 25,3306\ncniEnabled: true\n")),
		want: detected{Namespace: "linkerd", Version: "edge-26.8.3",
			Source: "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)",
			Mode:   Transparent, CNI: true, OpaquePorts: "25,3306"},
	}, {
		name: "config install key (2.4-2.9 JSON)",
		c:    cluster(nil, nil, configMap("linkerd", map[string]string{"install": `{"cliVersion":"stable-2.8.1","flags":[]}`})),
		want: detected{Namespace: "linkerd", Version: "stable-2.8.1", Mode: TransportHeader,
			Source: "linkerd-config (ConfigMap linkerd/linkerd-config data.install cliVersion)"},
	}, {
		name: "created-by annotation",
		c: cluster(nil, []model.Workload{controlPlane("linkerd", "destination",
			annotation(annotationCreatedBy, "linkerd/cli edge-25.4.4"))}),
		want: detected{Namespace: "linkerd", Version: "edge-25.4.4", Mode: TransportHeader,
			Components: []string{"destination"},
			Source:     "annotation (linkerd.io/created-by on Deployment linkerd/linkerd-destination)"},
	}, {
		name: "proxy-version annotation",
		c: cluster(nil, []model.Workload{controlPlane("l5d", "identity",
			annotation(annotationProxyVersion, "stable-2.14.10"))}),
		want: detected{Namespace: "l5d", Version: "stable-2.14.10", Mode: TransportHeader,
			Components: []string{"identity"},
			Source:     "annotation (linkerd.io/proxy-version on Deployment l5d/linkerd-identity)"},
	}, {
		name: "image tag (seed era); proxy-init tag skipped",
		c: cluster(nil, []model.Workload{controlPlane("linkerd", "controller",
			image("proxy-init", "gcr.io/linkerd-io/proxy-init:v1.0.0"),
			image("public-api", "gcr.io/linkerd-io/controller:edge-19.1.2"))}),
		want: detected{Namespace: "linkerd", Version: "edge-19.1.2", Mode: TransportHeader,
			Components: []string{"controller"},
			Source:     "image (gcr.io/linkerd-io/controller:edge-19.1.2 in Deployment linkerd/linkerd-controller)"},
	}, {
		name: "sources disagree: config wins, warning",
		c: cluster([]model.Namespace{cpNS}, []model.Workload{controlPlane("linkerd", "destination",
			annotation(annotationCreatedBy, "linkerd/helm edge-26.8.3"),
			image("destination", "cr.l5d.io/linkerd/controller:edge-26.7.1@sha256:abc"))},
			values("linkerdVersion: edge-26.8.3\n")),
		want: detected{Namespace: "linkerd", Version: "edge-26.8.3", Mode: TransportHeader,
			Native: true, Components: []string{"destination"},
			Source: "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)",
			Diagnostics: []string{"warning: Linkerd version sources disagree: using edge-26.8.3 from " +
				"linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion), but " +
				"image (cr.l5d.io/linkerd/controller:edge-26.7.1@sha256:abc in Deployment linkerd/linkerd-destination) says edge-26.7.1"}},
	}, {
		name:     "override wins, notice",
		c:        cluster([]model.Namespace{cpNS}, nil, values("linkerdVersion: stable-2.14.10\n")),
		override: "2.18",
		want: detected{Namespace: "linkerd", Version: "2.18", Mode: TransportHeader,
			Source: "override (--linkerd-version)",
			Diagnostics: []string{"notice: using Linkerd 2.18 as given; the input says stable-2.14.10 " +
				"(linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion))"}},
	}, {
		name:     "override without control plane: namespace from meshed pods",
		c:        cluster(nil, []model.Workload{deploy("app", "web", label(labelControlPlaneNS, "mesh"), withProxy)}),
		override: "edge-19.1.2",
		want: detected{Namespace: "mesh", Version: "edge-19.1.2", Mode: TransportHeader,
			Source: "override (--linkerd-version)", Components: []string{"controller", "grafana", "prometheus", "web"},
			Diagnostics: []string{"notice: no Linkerd control plane in the input: modelling the control plane of Linkerd edge-19.1.2 " +
				"(override (--linkerd-version)) in namespace mesh (controller, grafana, prometheus, web) from podreach's flow data; " +
				"the NetworkPolicies of mesh are not in the input, so flows into it are judged on the sending side"}},
	}, {
		name: "no control plane, no version: the proxy-version annotation of meshed pods",
		c: cluster(nil, []model.Workload{deploy("app", "web", label(labelControlPlaneNS, "linkerd"), withProxy,
			annotation(annotationProxyVersion, "stable-2.14.10"))}),
		want: detected{Namespace: "linkerd", Version: "stable-2.14.10", Mode: TransportHeader,
			Source: "annotation (linkerd.io/proxy-version on Deployment app/web)", Components: []string{"destination", "identity", "proxy-injector"},
			Diagnostics: []string{"notice: no Linkerd control plane in the input: modelling the control plane of Linkerd stable-2.14.10 " +
				"(annotation (linkerd.io/proxy-version on Deployment app/web)) in namespace linkerd (destination, identity, proxy-injector) from podreach's flow data; " +
				"the NetworkPolicies of linkerd are not in the input, so flows into it are judged on the sending side"}},
	}, {
		name: "no control plane, no version anywhere: the documented default",
		c:    cluster([]model.Namespace{namespace("app", nsAnnotation(annotationInject, "enabled"))}, []model.Workload{deploy("app", "web")}),
		want: detected{Namespace: "linkerd", Version: DefaultVersion, Mode: TransportHeader, Native: true,
			Source: "podreach's default (no version in the input)", Components: []string{"destination", "identity", "proxy-injector"},
			Diagnostics: []string{"notice: no Linkerd control plane in the input: modelling the control plane of Linkerd " + DefaultVersion +
				" (podreach's default (no version in the input)) in namespace linkerd (destination, identity, proxy-injector) from podreach's flow data; " +
				"the NetworkPolicies of linkerd are not in the input, so flows into it are judged on the sending side"}},
	}, {
		name: "extensions by namespace label and by pods",
		c: cluster([]model.Namespace{cpNS, namespace("linkerd-viz", nsLabel(labelExtension, "viz")),
			namespace("tracing", nsLabel(labelExtension, "jaeger")), namespace("other", nsLabel(labelExtension, "smi"))},
			[]model.Workload{
				deploy("mc", "linkerd-gateway", label("app", "linkerd-gateway")),
				deploy("viz2", "prometheus", label(labelExtension, "viz")),
			}, values("linkerdVersion: stable-2.14.10\n")),
		want: detected{Namespace: "linkerd", Version: "stable-2.14.10", Mode: TransportHeader,
			Source:      "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)",
			Extensions:  []Extension{{"jaeger", "tracing"}, {"multicluster", "mc"}, {"viz", "linkerd-viz"}},
			Diagnostics: []string{`warning: Linkerd viz extension found in namespaces "linkerd-viz" and "viz2"; using "linkerd-viz"`}},
	}, {
		name: "YAML number version stays 2.10, not 2.1",
		c:    cluster(nil, nil, values("linkerdVersion: 2.10\n")),
		want: detected{Namespace: "linkerd", Version: "2.10", Mode: TransportHeader,
			Source: "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)"},
	}, {
		name: "control planes in two namespaces: warning, pods first",
		c: cluster([]model.Namespace{namespace("other", nsLabel(labelIsControlPlane, "true"))},
			[]model.Workload{controlPlane("l5d", "identity", annotation(annotationCreatedBy, "linkerd/helm 2.18.2"))}),
		want: detected{Namespace: "l5d", Version: "2.18.2", Mode: TransportHeader, Components: []string{"identity"},
			Source:      "annotation (linkerd.io/created-by on Deployment l5d/linkerd-identity)",
			Diagnostics: []string{`warning: Linkerd control planes in several namespaces (l5d, other); using "l5d"`}},
	}, {
		name: "newer than the data: notice",
		c:    cluster(nil, nil, values("linkerdVersion: edge-27.2.1\n")),
		want: detected{Namespace: "linkerd", Version: "edge-27.2.1", Mode: TransportHeader, Native: true,
			Source:      "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)",
			Diagnostics: []string{"notice: Linkerd edge-27.2.1 is newer than podreach's flow data (edge-26.8.3); assuming it needs the same flows"}},
	}, {
		name: "unknown transport mode: warning, default kept",
		c:    cluster(nil, nil, values("linkerdVersion: 2.18\nproxy:\n  outboundTransportMode: sideways\n")),
		want: detected{Namespace: "linkerd", Version: "2.18", Mode: TransportHeader,
			Source:      "linkerd-config (ConfigMap linkerd/linkerd-config data.values linkerdVersion)",
			Diagnostics: []string{`warning: ConfigMap linkerd/linkerd-config: data.values.proxy.outboundTransportMode: unknown mode "sideways"; assuming transport-header`}},
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, ds, err := Detect(tt.c, tt.override)
			if err != nil {
				t.Fatalf("Detect: %v", err)
			}
			if diff := cmp.Diff(tt.want, summarize(in, ds)); diff != "" {
				t.Errorf("Detect (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDetectErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, override string
		c              *model.Cluster
		want           []string // substrings of the error
	}{
		{"control plane without version", "", cluster(nil, []model.Workload{controlPlane("linkerd", "identity")}),
			[]string{`namespace "linkerd"`, "cannot tell the Linkerd version", "--linkerd-version"}},
		{"bad override", "2.x", cluster(nil, nil), []string{"override", `"2.x"`}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			in, _, err := Detect(tt.c, tt.override)
			if err == nil {
				t.Fatalf("Detect = %+v, want an error", in)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	for name, opts := range map[string][]Option{
		"bad namespace":     {WithNamespace("Linkerd_NS")},
		"unknown extension": {WithExtension("smi", "linkerd-smi")},
		"extension twice":   {WithExtension("viz", "a"), WithExtension("viz", "b")},
		"unknown mode":      {WithTransportMode(TransportModeUnknown)},
	} {
		if _, err := New(MustParseVersion("2.18"), opts...); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
	if _, err := New(Version{}); err == nil {
		t.Error("New(zero Version) succeeded")
	}
}
