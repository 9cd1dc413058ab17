package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/load/live"
	"github.com/podreach/podreach/pkg/model"
)

// TestLiveSourceAddsExternals: each model the live guard builds from the
// watched objects gets the --external peers, as the manifests mode's.
func TestLiveSourceAddsExternals(t *testing.T) {
	t.Parallel()
	in := &inputFlags{externals: []string{"partner=203.0.113.0/24"}}
	var built *model.Cluster
	l := &liveSource{externals: func(c *model.Cluster) error {
		built = c
		return in.addExternals(c)
	}}
	fill := func(s live.Sink) {
		s.DecodeServed("live", []byte(`{"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}}`))
	}
	l.rebuild(slog.New(slog.NewTextHandler(io.Discard, nil)), nil, fill)
	if l.Guard() == nil || built == nil {
		t.Fatal("no model built")
	}
	if !slices.ContainsFunc(built.Externals, func(e model.External) bool { return e.Name == "partner" && e.Prefix.String() == "203.0.113.0/24" }) {
		t.Errorf("externals %v, want partner=203.0.113.0/24", built.Externals)
	}
}

// TestGuardLiveBadExternal: watching a cluster, a --external that does not
// parse is an input error at start, before any list.
func TestGuardLiveBadExternal(t *testing.T) {
	dir, _ := servingCerts(t)
	var out bytes.Buffer
	code := Run(context.Background(), "podreach", []string{"guard", "--external", "partner=not-a-cidr", "--listen", "127.0.0.1:0",
		"--tls-cert-file", filepath.Join(dir, "tls.crt"), "--tls-key-file", filepath.Join(dir, "tls.key")},
		Streams{In: strings.NewReader(""), Out: &out, ErrOut: &out})
	if code != 2 || !strings.Contains(out.String(), "--external") {
		t.Errorf("exit %d, output %q; want 2 and the flag named", code, out.String())
	}
}
