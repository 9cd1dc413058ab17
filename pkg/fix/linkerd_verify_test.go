package fix

import (
	"context"
	"errors"
	"maps"
	"slices"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/check"
	manifestload "github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

// TestLinkerdVerifyCatches guards verify against vacuity: with the
// proposal for Prometheus under a deny default, forgetting that one of
// its connections was meant to open makes verify fail and name it.
func TestLinkerdVerifyCatches(t *testing.T) {
	t.Parallel()
	const ex = "../../examples/emojivoto-linkerd/"
	c, _, err := manifestload.Load(context.Background(), []string{ex + "namespaces.yaml", ex + "linkerd-control-plane.yaml", ex + "linkerd-viz.yaml", ex + "emojivoto.yaml", "../check/testdata/deny-default.yaml"})
	if err != nil {
		t.Fatal(err)
	}
	in, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	before, a, err := check.Run(c, in)
	if err != nil {
		t.Fatal(err)
	}
	b := newAuthzBuilder(a, in)
	for _, r := range before.Results {
		if len(r.Refused) > 0 {
			b.add(r)
		}
	}
	_, after, err := check.Run(withMeshPolicies(c, b.policies()), in)
	if err != nil {
		t.Fatal(err)
	}
	if err := b.verify(after); err != nil {
		t.Fatalf("verify of the proposal: %v", err)
	}
	forgotten := slices.Sorted(maps.Keys(b.intended))[0]
	delete(b.intended, forgotten)
	err = b.verify(after)
	from, rest, _ := strings.Cut(forgotten, "|")
	to, _, _ := strings.Cut(rest, "|")
	if !errors.Is(err, ErrIncomplete) || !strings.Contains(err.Error(), from+" → "+to) {
		t.Errorf("verify without %q: %v, want ErrIncomplete naming it", forgotten, err)
	}
}
