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
	c, _, err := manifest.Load(context.Background(), []string{"../../examples/app-repo/"})
	if err != nil {
		t.Fatal(err)
	}
	a, err := reach.Analyze(c)
	if err != nil {
		t.Fatal(err)
	}
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
