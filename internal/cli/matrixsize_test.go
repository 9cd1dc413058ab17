package cli

import (
	"fmt"
	"strings"
	"testing"

	"github.com/podreach/podreach/pkg/load/manifest"
	"github.com/podreach/podreach/pkg/reach"
)

// deployments is a stream of n Deployments in namespace ns with replicas
// each, allowed to talk to each other (no policies).
func deployments(n int, replicas int64) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app-%d, namespace: ns}\n"+
			"spec:\n  replicas: %d\n  selector: {matchLabels: {app: a%d}}\n  template:\n    metadata: {labels: {app: a%d}}\n"+
			"    spec: {containers: [{name: c, image: i}]}\n", i, replicas, i, i)
	}
	return b.String()
}

// TestMatrixSizeGuard: a matrix estimated over 1 GiB is refused with the
// estimate and the flag to pass; --force writes it.
func TestMatrixSizeGuard(t *testing.T) {
	t.Parallel()
	// 3 workloads of 4000 replicas: 12,000 pods, 143,988,000 pairs.
	in := deployments(3, 4000)
	_, stderr, code := run(t, in, "matrix", "-f", "-", "--level", "pod", "--expand-replicas", "-o", "csv")
	if code != ExitInput {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, ExitInput, stderr)
	}
	for _, want := range []string{"the pod matrix of 12000 nodes has 143988000 ordered pairs", "GiB of csv output", "pass --force"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
	// The same at workload level is small.
	if _, stderr, code := run(t, in, "matrix", "-f", "-", "-o", "csv"); code != ExitOK {
		t.Errorf("workload level: exit %d:\n%s", code, stderr)
	}
}

func TestMatrixSizeGuardForce(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("writes a large matrix")
	}
	// 1 workload of 24,000 replicas: text is over 1 GiB estimated (and
	// refused); json-compact writes runs, is small, and is not checked.
	in := deployments(1, 24000)
	if _, stderr, code := run(t, in, "matrix", "-f", "-", "--level", "pod", "--expand-replicas"); code != ExitInput || !strings.Contains(stderr, "--force") {
		t.Fatalf("text without --force: exit %d, want %d:\n%s", code, ExitInput, stderr)
	}
	out, stderr, code := run(t, in, "matrix", "-f", "-", "--level", "pod", "--expand-replicas", "-o", "json-compact")
	if code != ExitOK || !strings.Contains(out, `"ns/app-0-23999"`) {
		t.Errorf("json-compact: exit %d, %d bytes out; stderr:\n%s", code, len(out), stderr)
	}
	c, _, err := manifest.Decode("in.yaml", []byte(in))
	if err != nil {
		t.Fatal(err)
	}
	a, err := reach.Analyze(c, reach.WithLevel(reach.LevelPod), reach.WithExpandReplicas(true))
	if err != nil {
		t.Fatal(err)
	}
	if checkMatrixSize(a, "text", false) == nil || checkMatrixSize(a, "text", true) != nil {
		t.Error("--force does not lift the refusal of text over 1 GiB")
	}
}

// TestExpandReplicasCapped: replicas: 2000000000 is valid, and expanding
// it is a located input error, not a 300 GB allocation.
func TestExpandReplicasCapped(t *testing.T) {
	t.Parallel()
	in := deployments(2, 2000000000)
	_, stderr, code := run(t, in, "matrix", "-f", "-", "--level", "pod", "--expand-replicas")
	want := "<stdin>:2: Deployment ns/app-0: spec.replicas: 2000000000 replicas: expanding every declared replica would list 4000000000 pods, more than the limit of 1000000"
	if code != ExitInput || !strings.Contains(stderr, want) {
		t.Errorf("exit %d, stderr:\n%s\nwant %q", code, stderr, want)
	}
	// Without --expand-replicas a workload stands for one pod.
	if _, stderr, code := run(t, in, "matrix", "-f", "-", "--level", "pod"); code != ExitOK {
		t.Errorf("without --expand-replicas: exit %d:\n%s", code, stderr)
	}
}

func TestMaxInputSizeFlag(t *testing.T) {
	t.Parallel()
	in := deployments(1, 1)
	_, stderr, code := run(t, in, "matrix", "-f", "-", "--max-input-size", "100")
	if code != ExitInput || !strings.Contains(stderr, "<stdin>: input larger than the limit of 100 B per file") {
		t.Errorf("exit %d, stderr:\n%s", code, stderr)
	}
	if _, stderr, code := run(t, in, "matrix", "-f", "-", "--max-input-size", "1Ki"); code != ExitOK {
		t.Errorf("1Ki: exit %d, stderr:\n%s", code, stderr)
	}
	for _, bad := range []string{"0", "-1", "lots", "3Ei"} {
		if _, stderr, code := run(t, in, "matrix", "-f", "-", "--max-input-size", bad); code != ExitInput || !strings.Contains(stderr, "--max-input-size: want a positive size") {
			t.Errorf("--max-input-size %s: exit %d, stderr:\n%s", bad, code, stderr)
		}
	}
}
