package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"net/netip"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/podreach/podreach/internal/cli"
	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/pkg/check"
	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
	"github.com/podreach/podreach/pkg/model"
)

// The seed story's three states of the shipped example.
var (
	broken    = []string{"examples/emojivoto-linkerd/"}
	seedFixed = []string{"examples/emojivoto-linkerd/", "examples/seed-fix/seed-fix.yaml"}
	apiserver = "apiserver=172.16.0.2/32"
)

// podreachFixed is the example plus what `podreach fix --mesh linkerd
// --external apiserver=…` writes for it (generated once per test run).
var podreachFixed = sync.OnceValues(func() ([]string, error) {
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), "podreach", []string{"fix", "--mesh", "linkerd", "-f", broken[0], "--external", apiserver},
		cli.Streams{In: os.Stdin, Out: &out, ErrOut: &errOut})
	if code != 0 {
		return nil, fmt.Errorf("podreach fix exited %d: %s", code, errOut.String())
	}
	dir, err := os.MkdirTemp("", "prlab-e2e-")
	if err != nil {
		return nil, err
	}
	path := filepath.Join(dir, "fix.yaml")
	return []string{broken[0], path}, os.WriteFile(path, out.Bytes(), 0o644)
})

func loadCluster(files []string, externals ...string) (*model.Cluster, error) {
	c, _, err := manifest.Load(context.Background(), files)
	if err != nil {
		return nil, err
	}
	for _, x := range externals {
		name, cidr, _ := cut(x)
		c.Externals = append(c.Externals, model.External{Name: name, Prefix: netip.MustParsePrefix(cidr)})
	}
	return c, nil
}

func cut(s string) (string, string, bool) {
	for i := range s {
		if s[i] == '=' {
			return s[:i], s[i+1:], true
		}
	}
	return s, "", false
}

func loadExample(t *testing.T, files []string, externals ...string) *model.Cluster {
	t.Helper()
	c, err := loadCluster(files, externals...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// hostState is what the lab must not change in the host's namespace.
func hostState(t *testing.T) string {
	t.Helper()
	var b bytes.Buffer
	for _, args := range [][]string{{"-o", "link"}, {"-o", "addr"}, {"route"}, {"-6", "route"}, {"rule"}} {
		out, err := exec.Command("ip", args...).CombinedOutput()
		if err != nil {
			t.Fatalf("ip %v: %v: %s", args, err, out)
		}
		b.Write(out)
	}
	out, _ := exec.Command("nft", "list", "ruleset").CombinedOutput()
	b.Write(out)
	return b.String()
}

// TestExample replays the three states of the seed story, every pair and
// port (Run) and the mesh's flows (RunMesh): the kernel must agree with the
// engine everywhere, the host's namespace must be untouched, and the check
// from real packets must tell the story: broken, still broken for viz
// after the seed's fix, fixed by podreach fix.
func TestExample(t *testing.T) {
	requireLab(t)
	fixed, err := podreachFixed()
	if err != nil {
		t.Fatalf("podreach fix: %v", err)
	}
	for _, tt := range []struct {
		name      string
		files     []string
		externals []string
		failing   []string // checks that fail (×) with real packets
	}{
		{"broken", broken, nil, []string{"prometheus-to-proxy-admin", "proxy-to-destination", "proxy-to-identity", "proxy-to-policy"}},
		{"seed-fixed", seedFixed, nil, []string{"prometheus-to-proxy-admin"}},
		{"podreach-fixed", fixed, []string{apiserver}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			before := hostState(t)
			c := loadExample(t, tt.files, tt.externals...)
			rep, err := lab.Run(context.Background(), c)
			if err != nil {
				t.Fatal(err)
			}
			assertAgreement(t, rep)
			assertPromptDenials(t, rep)
			inst, _, err := linkerd.Detect(c, "")
			if err != nil {
				t.Fatal(err)
			}
			m, err := lab.RunMesh(context.Background(), c, inst)
			if err != nil {
				t.Fatal(err)
			}
			assertAgreement(t, m.Report)
			if len(m.Changed) > 0 {
				t.Errorf("checks that differ between the engine and the kernel: %v", m.Changed)
			}
			if got := failedIDs(m.Kernel); !slices.Equal(got, tt.failing) {
				t.Errorf("failing checks with real packets: %v, want %v", got, tt.failing)
			}
			if after := hostState(t); after != before {
				t.Errorf("the host's network namespace changed:\nbefore:\n%s\nafter:\n%s", before, after)
			}
			if left := ours(t, os.Getpid()); len(left) > 0 {
				t.Errorf("left behind: %v", left)
			}
		})
	}
}

func failedIDs(r *check.Report) []string {
	var out []string
	for _, res := range r.Failed() {
		out = append(out, res.ID)
	}
	slices.Sort(out)
	return out
}

// assertAgreement fails with the agreement table and every disagreement,
// explained, unless the kernel agreed with the engine on every probe.
func assertAgreement(t *testing.T, rep *lab.Report) {
	t.Helper()
	if rep.Summary.OK() && rep.Summary.Agreed() > 0 {
		return
	}
	var b bytes.Buffer
	rep.WriteText(&b)
	t.Errorf("the kernel disagrees with the engine:\n%s", b.String())
}

// assertPromptDenials: a denied connection fails at once (ICMP
// admin-prohibited), not after SYN retransmissions. It failed when the
// kernel rate-limited the ICMP errors of the rejecting namespaces, a lab
// bug the first runs on the example showed (denials taking 1–3 s).
func assertPromptDenials(t *testing.T, rep *lab.Report) {
	t.Helper()
	for _, r := range rep.Results {
		if r.Kernel == lab.Blocked && r.Took >= time.Second {
			t.Errorf("%s → %s %d/%s: blocked after %s, want at once", r.From, r.To, r.Port, r.Protocol, r.Took)
		}
	}
}
