package report

import (
	"bytes"
	"context"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

// TestLintBesidePolicies: lint's findings about a policy are on its page
// (the application repository's default deny cuts api off DNS), none
// without WithLint.
func TestLintBesidePolicies(t *testing.T) {
	a := analyzeFiles(t, "../../examples/app-repo/")
	for _, on := range []bool{true, false} {
		var buf bytes.Buffer
		if err := Write(&buf, a, WithLint(on)); err != nil {
			t.Fatal(err)
		}
		var got []lintData
		for _, p := range decode(t, buf.Bytes()).Policies {
			if p.NS+"/"+p.Name == "shop/default-deny" {
				got = p.Lint
			}
		}
		switch {
		case on && (len(got) != 1 || got[0].Rule != "dns-egress-blocked" || got[0].Severity != "error" || got[0].Hint == ""):
			t.Errorf("WithLint(true): shop/default-deny has %+v, want its dns-egress-blocked error", got)
		case !on && len(got) > 0:
			t.Errorf("WithLint(false): shop/default-deny has %+v, want none", got)
		}
	}
}

// TestExposureSection: the page's Exposure view has, per workload, the
// policies isolating it and each peer they admit in the rules' words, and
// marks the workloads no policy protects; none without WithLint.
func TestExposureSection(t *testing.T) {
	a := analyzeFiles(t, "../../examples/app-repo/", "../lint/testdata/namespace-unisolated/fires.yaml")
	for _, on := range []bool{true, false} {
		var buf bytes.Buffer
		if err := Write(&buf, a, WithLint(on)); err != nil {
			t.Fatal(err)
		}
		d := decode(t, buf.Bytes())
		if !on {
			if len(d.Exposure) > 0 {
				t.Errorf("WithLint(false): exposure %+v, want none", d.Exposure)
			}
			continue
		}
		got := map[string]exposureData{}
		for _, x := range d.Exposure {
			got[d.Namespaces[d.Nodes[x.Node].NS].Name+"/"+d.Nodes[x.Node].Name] = x
		}
		api := got["shop/api"]
		if api.Unprotected || len(api.Isolating) != 3 || len(api.Admits) != 1 ||
			api.Admits[0].From != "pods labelled app=web in namespace shop" || api.Admits[0].Policy != "shop/web-to-api" {
			t.Errorf("shop/api: %+v, want isolated by 3 policies (shop/deny of the fixture too), admitting pods labelled app=web", api)
		}
		if wp := got["blog/wordpress"]; !wp.Unprotected || len(wp.Admits) > 0 {
			t.Errorf("blog/wordpress: %+v, want unprotected", wp)
		}
	}
}

// analyzeFiles loads paths and analyses them at workload level.
func analyzeFiles(t *testing.T, paths ...string) *reach.Analysis {
	t.Helper()
	c, _, err := manifest.Load(context.Background(), paths)
	if err != nil {
		t.Fatal(err)
	}
	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
