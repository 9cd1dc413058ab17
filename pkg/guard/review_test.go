package guard

import (
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/podreach/podreach/pkg/model"
)

// reviewCase is one change judged against a state of the example.
type reviewCase struct {
	name   string
	extra  []string             // files added to the example
	tweak  func(*model.Cluster) // edits of the state before
	mode   Mode
	req    func(t *testing.T) Request
	denied bool
	broken []string // IDs of the mesh check lines broken
	warn   []string // substrings of the warnings, in order
	noEval bool     // the change is not evaluated
}

func denyAll(ns string) func(t *testing.T) Request {
	return func(t *testing.T) Request {
		return Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: ns, Name: "deny-all-ingress",
			Object: object(t, examplePath("deny-all-ingress.yaml"), "NetworkPolicy", ns, "deny-all-ingress")}
	}
}

var controlPlaneFlows = []string{"proxy-to-identity", "proxy-to-destination", "proxy-to-policy"}

func TestReview(t *testing.T) {
	t.Parallel()
	for _, tc := range []reviewCase{{
		name: "deny-all-ingress in linkerd warns of the control-plane flows", mode: ModeWarn, req: denyAll("linkerd"),
		broken: append(controlPlaneFlows, "prometheus-to-proxy-admin"),
		warn: []string{"✔→× meshed pods can reach linkerd-identity (identity gRPC, 8080/TCP): 9/12 sources blocked by linkerd/deny-all-ingress; see: podreach explain -f FILE --from emojivoto/emoji --to linkerd/linkerd-identity --port 8080",
			"linkerd-destination (destination gRPC", "linkerd-destination (policy gRPC",
			"✔→× viz prometheus can scrape the proxy metrics of meshed pods (4191/TCP): 1/1 sources blocked",
			"podreach: this change removes 27 connections (workload pairs losing a port)"},
	}, {
		name: "enforce denies deny-all-ingress", mode: ModeEnforce, req: denyAll("linkerd"), denied: true,
		broken: append(controlPlaneFlows, "prometheus-to-proxy-admin"),
		warn:   []string{"linkerd-identity", "linkerd-destination", "linkerd-destination", "prometheus", "removes"},
	}, {
		name: "a harmless policy passes without warnings", mode: ModeEnforce,
		req: func(t *testing.T) Request {
			return Request{Operation: OpCreate, Kind: "NetworkPolicy", Namespace: "emojivoto", Name: "allow-all",
				Object: object(t, "testdata/allow-all-emojivoto.yaml", "NetworkPolicy", "emojivoto", "allow-all")}
		},
	}, {
		name: "deleting the deny-all-ingress breaks nothing", mode: ModeEnforce, extra: []string{examplePath("deny-all-ingress.yaml")},
		req: func(t *testing.T) Request {
			return Request{Operation: OpDelete, Kind: "NetworkPolicy", Namespace: "linkerd", Name: "deny-all-ingress",
				OldObject: object(t, examplePath("deny-all-ingress.yaml"), "NetworkPolicy", "linkerd", "deny-all-ingress")}
		},
	}, {
		name: "deleting an allowing policy breaks the flows it admitted", mode: ModeEnforce, denied: true,
		extra:  []string{examplePath("deny-all-ingress.yaml"), "testdata/allow-labelled-namespaces.yaml"},
		tweak:  func(c *model.Cluster) { labelNamespaces(c, "mesh", "on", "emojivoto", "linkerd-viz") },
		broken: controlPlaneFlows, warn: []string{"--delete networkpolicy/linkerd/allow-labelled-namespaces", "", "", "removes"},
		req: func(t *testing.T) Request {
			return Request{Operation: OpDelete, Kind: "NetworkPolicy", Namespace: "linkerd", Name: "allow-labelled-namespaces",
				OldObject: object(t, "testdata/allow-labelled-namespaces.yaml", "NetworkPolicy", "linkerd", "allow-labelled-namespaces")}
		},
	}, {
		name: "relabelling a namespace out of an allowing selector", mode: ModeEnforce, denied: true,
		extra:  []string{examplePath("deny-all-ingress.yaml"), "testdata/allow-labelled-namespaces.yaml"},
		tweak:  func(c *model.Cluster) { labelNamespaces(c, "mesh", "on", "emojivoto", "linkerd-viz") },
		broken: controlPlaneFlows, warn: []string{"4/12 sources", "", "", "removes"},
		req: func(t *testing.T) Request {
			return Request{Operation: OpUpdate, Kind: "Namespace", Name: "emojivoto",
				Object: object(t, examplePath("namespaces.yaml"), "Namespace", "", "emojivoto")}
		},
	}, {
		name: "relabelling a workload's template out of an allowing selector", mode: ModeEnforce, denied: true,
		extra:  []string{examplePath("deny-all-ingress.yaml"), "testdata/allow-destination.yaml"},
		broken: []string{"proxy-to-destination", "proxy-to-policy"}, warn: []string{"linkerd-destination", "linkerd-destination", "removes"},
		req: func(t *testing.T) Request {
			return Request{Operation: OpUpdate, Kind: "Deployment", Namespace: "linkerd", Name: "linkerd-destination",
				Object: object(t, examplePath("linkerd-control-plane.yaml"), "Deployment", "linkerd", "linkerd-destination",
					dropLabel("linkerd.io/workload-ns", "spec", "template", "metadata", "labels"))}
		},
	}, {
		name: "an image bump is not evaluated", mode: ModeEnforce, noEval: true,
		req: func(t *testing.T) Request {
			return Request{Operation: OpUpdate, Kind: "Deployment", Namespace: "emojivoto", Name: "web",
				Object: object(t, examplePath("emojivoto.yaml"), "Deployment", "emojivoto", "web", func(d map[string]any) {
					cs := at(d, "spec", "template", "spec")["containers"].([]any)
					cs[0].(map[string]any)["image"] = "example/web:v2"
				})}
		},
	}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := exampleCluster(t, tc.extra...)
			if tc.tweak != nil {
				tc.tweak(c)
			}
			g, _, err := New(c, WithMode(tc.mode))
			if err != nil {
				t.Fatal(err)
			}
			v, err := g.Review(tc.req(t))
			if err != nil {
				t.Fatal(err)
			}
			checkVerdict(t, tc, v)
		})
	}
}

func checkVerdict(t *testing.T, tc reviewCase, v Verdict) {
	t.Helper()
	if v.Allowed == tc.denied {
		t.Errorf("allowed = %v, want %v (message %q)", v.Allowed, !tc.denied, v.Message)
	}
	if tc.denied && !strings.Contains(v.Message, "goes from ✔ to ×") {
		t.Errorf("message %q does not give the reason", v.Message)
	}
	if v.Evaluated == tc.noEval {
		t.Errorf("evaluated = %v, want %v", v.Evaluated, !tc.noEval)
	}
	var ids []string
	for _, r := range v.Broken {
		ids = append(ids, r.ID)
	}
	if diff := cmp.Diff(tc.broken, ids); diff != "" {
		t.Errorf("broken flows (-want +got):\n%s", diff)
	}
	if len(v.Warnings) != len(tc.warn) {
		t.Fatalf("%d warnings, want %d:\n%s", len(v.Warnings), len(tc.warn), strings.Join(v.Warnings, "\n"))
	}
	for i, w := range tc.warn {
		if !strings.Contains(v.Warnings[i], w) || len(v.Warnings[i]) > maxWarning {
			t.Errorf("warning %d = %q, want it to contain %q (≤ %d bytes)", i, v.Warnings[i], w, maxWarning)
		}
	}
	if (v.Removed > 0) != slices.ContainsFunc(tc.warn, func(w string) bool { return strings.Contains(w, "removes") }) {
		t.Errorf("removed %d connections; warnings %q", v.Removed, v.Warnings)
	}
}
