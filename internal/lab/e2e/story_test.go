package e2e_test

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/cli"
	"github.com/podreach/podreach/internal/lab"
	"github.com/podreach/podreach/pkg/mesh/linkerd"
)

var update = flag.Bool("update", false, "rewrite docs/lab.md with the transcript of this run")

// storyDoc is the transcript TestSeedStory writes (with -update) and checks.
const storyDoc = "docs/lab.md"

// durations are masked when the transcript is compared: they differ from
// run to run.
var durations = regexp.MustCompile(`\b\d+(\.\d+)?(ns|µs|ms|s)\b`)

// TestSeedStory replays the seed story with the podreach command, in the
// lab, and keeps the transcript in docs/lab.md: go test ./internal/lab/e2e
// -run TestSeedStory -update regenerates it from a real run.
func TestSeedStory(t *testing.T) {
	requireLab(t)
	if _, err := lab.Cleanup(context.Background()); err != nil { // no "removed leftovers" notice in the transcript
		t.Fatal(err)
	}
	dir, err := os.MkdirTemp("", "prlab-story-")
	if err != nil {
		t.Fatal(err)
	}
	defer os.RemoveAll(dir)
	fix := filepath.Join(dir, "fix.yaml")
	var doc strings.Builder
	doc.WriteString(storyHeader)
	steps := []struct{ text, cmd, redirect string }{
		{"Every pod of the broken example, every ordered pair, every declared port and every port a policy names, probed with real connections:",
			"lab -f examples/emojivoto-linkerd/", ""},
		{"The seed's symptom, from real packets: `deny-all-ingress` in `linkerd` and `emojivoto` breaks the mesh.",
			"lab --mesh linkerd -f examples/emojivoto-linkerd/", ""},
		{"The seed's own fix: the control plane is reachable again, but Prometheus in `linkerd-viz` (2.10+) still cannot scrape the proxies, and tap cannot reach them:",
			"lab --mesh linkerd -f examples/emojivoto-linkerd/ -f examples/seed-fix/seed-fix.yaml", ""},
		{"podreach writes the fix (the API server's address is needed for the webhooks):",
			"fix --mesh linkerd -f examples/emojivoto-linkerd/ --external apiserver=172.16.0.2/32", fix},
		{"and the kernel confirms it: every flow the mesh needs passes, and the kernel agrees with the engine on every connection:",
			"lab --mesh linkerd -f examples/emojivoto-linkerd/ -f " + fix + " --external apiserver=172.16.0.2/32", ""},
	}
	for _, s := range steps {
		fmt.Fprintf(&doc, "%s\n\n```console\n", s.text)
		doc.WriteString(runStep(t, s.cmd, s.redirect))
		doc.WriteString("```\n\n")
	}
	doc.WriteString(rulesetSection(t, fix))
	doc.WriteString(tieredSection(t))
	got := strings.ReplaceAll(doc.String(), fix, "fix.yaml")
	if *update {
		if err := os.WriteFile(storyDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(storyDoc)
	if err != nil {
		t.Fatalf("reading %s (go test ./internal/lab/e2e -run TestSeedStory -update writes it): %v", storyDoc, err)
	}
	if mask(string(want)) != mask(got) {
		t.Errorf("%s is out of date: go test ./internal/lab/e2e -run TestSeedStory -update\n--- got:\n%s", storyDoc, got)
	}
}

func mask(s string) string { return durations.ReplaceAllString(s, "<duration>") }

// runStep runs one podreach command in-process and returns the console
// text: the prompt, stdout (or a redirect), stderr and the exit code.
func runStep(t *testing.T, cmd, redirect string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Run(context.Background(), "podreach", strings.Fields(cmd), cli.Streams{In: os.Stdin, Out: &out, ErrOut: &errOut})
	var b strings.Builder
	prompt := "$ sudo podreach "
	if !strings.HasPrefix(cmd, "lab") {
		prompt = "$ podreach "
	}
	b.WriteString(prompt + cmd)
	if redirect != "" {
		b.WriteString(" > " + redirect + "\n")
		if err := os.WriteFile(redirect, out.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	} else {
		b.WriteString("\n" + out.String())
	}
	b.WriteString(errOut.String())
	fmt.Fprintf(&b, "$ echo $?\n%d\n", code)
	return b.String()
}

// rulesetSection shows what the kernel enforced for one pod in the fixed
// cluster.
func rulesetSection(t *testing.T, fix string) string {
	t.Helper()
	c := loadExample(t, []string{broken[0], fix}, apiserver)
	inst, _, err := linkerd.Detect(c, "")
	if err != nil {
		t.Fatal(err)
	}
	rs, err := lab.MeshRuleset(c, inst, "linkerd/linkerd-destination")
	if err != nil {
		t.Fatal(err)
	}
	return "## What the kernel enforced\n\nThe nftables program the last run loaded into the namespace of `linkerd/linkerd-destination` " +
		"(`lab.MeshRuleset`; with `--keep`, `ip netns exec prlab-<pid>-<run>-p<n> nft list ruleset` shows it live). " +
		"The mesh is injected, so every meshed pod carries the proxy's labels and ports. " +
		"Each accept rule is one (peer, port) pair of one policy rule, named in its comment; what no rule admits is rejected " +
		"with ICMP admin-prohibited, so a denied connection fails at once and is never mistaken for a closed port:\n\n```\n" + rs + "```\n"
}

const storyHeader = `# podreach lab: the seed story on real packets

This file is generated by a real run: ` + "`go test ./internal/lab/e2e -run TestSeedStory -update`" + `
(root, ip and nft needed). Without ` + "`-update`" + ` the test checks that the file still
matches a fresh run, durations aside.

` + "`podreach lab`" + ` builds the cluster on this Linux host: one network namespace per pod
(addresses from 10.213.0.0/16, since the manifests have none) and per
` + "`--external`" + ` peer, joined by a bridge in a lab namespace; the NetworkPolicies
compiled into nftables chains inside each pod's namespace; a responder on
every probed port. Then it opens real TCP and UDP connections and compares
each with the engine's verdict. Nothing touches the host's network namespace.

## The seed story

`

// tieredSection replays the seed's cluster written with cluster policy
// tiers (TestTieredSeed) with the podreach command, and shows the chains
// of one pod.
func tieredSection(t *testing.T) string {
	t.Helper()
	cmd := "lab"
	for _, f := range tieredSeed {
		cmd += " -f " + f
	}
	for _, x := range tieredSeedExternals {
		cmd += " --external " + x
	}
	c := loadExample(t, tieredSeed, tieredSeedExternals...)
	rs, err := lab.Ruleset(c, "linkerd/linkerd-destination")
	if err != nil {
		t.Fatal(err)
	}
	return tieredIntro + "```console\n" + runStep(t, cmd, "") + "```\n\n" + tieredChains + "```\n" + rs + "```\n"
}

const tieredIntro = `
## The seed story with cluster policy tiers

A platform team would write the seed's lockdown today as a Baseline tier and the
mesh's exceptions as an Admin tier (` + "`internal/lab/e2e/testdata/tiered-seed`" + `: ClusterNetworkPolicy
v1alpha2 and AdminNetworkPolicy / BaselineAdminNetworkPolicy v1alpha1, with an Admin ` + "`Deny`" + `,
` + "`Pass`" + `, port ranges, a named port, a ` + "`nodes`" + ` peer and a ` + "`networks`" + ` peer). When the cluster has
cluster policies the lab compares the kernel with the engine the verbs use, which
evaluates the tiers (` + "`TestTierDifferential`" + ` keeps it equal to the reference evaluator,
package ` + "`reference`" + `, which walks the tiers one connection at a time). ` + "`TestGeneratedTiered`" + ` does the same for 30 generated clusters with 4 to 10
ClusterNetworkPolicies each (every action in both tiers, namespaces, pods, nodes and networks
peers, port numbers, ranges and named ports) and requires agreement on every connection;
` + "`TestTieredFix`" + ` replays what ` + "`podreach fix --tier admin`" + ` writes and checks the blocked
flow opens:

`

const tieredChains = `The tiers become chains in each pod's namespace, in the API's order, per
direction: the Admin tier's rules (policies by ascending priority, rules in
written order; ` + "`Accept`" + ` accepts, ` + "`Deny`" + ` rejects, ` + "`Pass`" + ` jumps on), then the
NetworkPolicy chain when a NetworkPolicy selects the pod, otherwise the Baseline
tier's rules, then the default: accept. The lab has no nodes and no host-network
pods, so a ` + "`nodes`" + ` peer meets packets only from an external peer standing at a
Node's address (here the API server's); ` + "`domainNames`" + ` peers are not replayed (the
kernel sees addresses; the manifests cannot decide them either, and
such connections are not compared). The program of ` + "`linkerd/linkerd-destination`" + `:

`
