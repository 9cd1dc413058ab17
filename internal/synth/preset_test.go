package synth_test

import (
	"bytes"
	"fmt"
	"testing"

	"github.com/podreach/podreach/internal/synth"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/model"
	"github.com/podreach/podreach/pkg/reach"
)

func TestSizes(t *testing.T) {
	t.Parallel()
	for _, s := range []synth.Size{synth.SizeS, synth.SizeM} {
		t.Run(s.String(), func(t *testing.T) {
			t.Parallel()
			c := synth.Generate(s.Config(1))
			pods := 0
			for _, w := range c.Workloads {
				pods += len(w.Pods)
			}
			if lo, hi := s.Pods()*9/10, s.Pods()*11/10; pods < lo || pods > hi {
				t.Errorf("%d pods, want %d±10%%", pods, s.Pods())
			}
			if len(c.Policies) != s.Policies() {
				t.Errorf("%d policies, want %d", len(c.Policies), s.Policies())
			}
			if !hasWorkload(c, "linkerd", "linkerd-destination") {
				t.Error("no Linkerd control plane")
			}
		})
	}
	for _, name := range []string{"s", "XXL", "Dense"} {
		if _, err := synth.ParseSize(name); err != nil {
			t.Errorf("ParseSize(%q): %v", name, err)
		}
	}
	if _, err := synth.ParseSize("huge"); err == nil {
		t.Error("ParseSize(huge) accepted")
	}
}

func hasWorkload(c *model.Cluster, ns, name string) bool {
	for _, w := range c.Workloads {
		if w.Namespace == ns && w.Name == name {
			return true
		}
	}
	return false
}

// TestWriteRoundTrip: the manifests Write produces load back into a
// cluster with the same matrix (externals, which manifests cannot hold,
// added back), in YAML and in JSON.
func TestWriteRoundTrip(t *testing.T) {
	t.Parallel()
	c := synth.Generate(synth.SizeS.Config(5))
	want := matrix(t, c)
	for _, f := range []synth.Format{synth.FormatYAML, synth.FormatJSON} {
		t.Run(f.String(), func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			if err := synth.Write(&buf, c, f); err != nil {
				t.Fatal(err)
			}
			loaded, diags, err := manifest.Decode("s."+f.String(), buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range diags {
				t.Errorf("diagnostic: %s", d)
			}
			loaded.Externals = c.Externals
			if len(loaded.Workloads) != len(c.Workloads) || len(loaded.Policies) != len(c.Policies) {
				t.Fatalf("loaded %d workloads, %d policies; generated %d, %d",
					len(loaded.Workloads), len(loaded.Policies), len(c.Workloads), len(c.Policies))
			}
			got := matrix(t, loaded)
			if len(got) != len(want) {
				t.Errorf("%d connections, want %d", len(got), len(want))
			}
			for k, v := range want {
				if got[k] != v {
					t.Errorf("%s: %q, want %q", k, got[k], v)
				}
			}
		})
	}
}

// matrix is every allowed connection at pod level, as text.
func matrix(t *testing.T, c *model.Cluster) map[string]string {
	t.Helper()
	a, err := reach.Analyze(c, reach.WithLevel(reach.LevelPod))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	a.Matrix(func(cn reach.Connection) error {
		out[fmt.Sprintf("%s -> %s", cn.From, cn.To)] = cn.Allowed.String()
		return nil
	})
	return out
}
