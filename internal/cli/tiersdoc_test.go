package cli

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
)

// Markers around the part of docs/tiers.md TestTiersDoc writes.
const (
	tiersBegin = "<!-- transcripts: go test ./internal/cli -run TestTiersDoc -update -->\n"
	tiersEnd   = "<!-- end of transcripts -->\n"
)

// TestTiersDoc runs the commands of testdata/tiers.md.tmpl (the seed's
// story with cluster policy tiers: check, explain, fix on
// examples/emojivoto-tiers) and fails when docs/tiers.md does not show
// what they print today (-update rewrites the part between the markers).
func TestTiersDoc(t *testing.T) {
	root, got := story(t, "tiers.md.tmpl")
	page := filepath.Join(root, "docs", "tiers.md")
	doc, err := os.ReadFile(page)
	if err != nil {
		t.Fatal(err)
	}
	i, j := bytes.Index(doc, []byte(tiersBegin)), bytes.Index(doc, []byte(tiersEnd))
	if i < 0 || j < i {
		t.Fatalf("docs/tiers.md lacks the markers %q and %q", tiersBegin, tiersEnd)
	}
	have := doc[i+len(tiersBegin) : j]
	if f := flag.Lookup("update"); f != nil && f.Value.String() == "true" {
		out := append(append(append([]byte{}, doc[:i+len(tiersBegin)]...), got...), doc[j:]...)
		if err := os.WriteFile(page, out, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if line, w, g := firstDiff(string(have), string(got)); line > 0 {
		t.Errorf("docs/tiers.md transcripts are stale (go test ./internal/cli -run TestTiersDoc -update rewrites them); line %d:\n  page:     %s\n  commands: %s", line, w, g)
	}
}

// TestExplainTiersJSON: explain -o json carries, per direction, the
// chain of tiers with the tier, the policy (kind and name), the rule
// (index and name) and the action, as additive fields.
func TestExplainTiersJSON(t *testing.T) {
	out, _, code := run(t, "", "explain", "-o", "json", "-f", "../../examples/emojivoto-tiers/cluster/",
		"--from", "emojivoto/web", "--to", "linkerd/linkerd-destination", "--port", "8086")
	if code != ExitNo {
		t.Fatalf("exit %d, want %d", code, ExitNo)
	}
	var x struct {
		Answer    string `json:"answer"`
		Decisions []struct {
			Ingress struct {
				Tiers []struct {
					Outcome string `json:"outcome"`
					Chain   []struct {
						Layer, Tier, Kind, Name, Policy, RuleName, Action string
						Rule                                              *int
					} `json:"chain"`
				} `json:"tiers"`
				TierMisses []struct{ Policy string } `json:"tierMisses"`
			} `json:"ingress"`
			Egress struct {
				Tiers []json.RawMessage `json:"tiers"`
			} `json:"egress"`
		} `json:"decisions"`
	}
	if err := json.Unmarshal([]byte(out), &x); err != nil {
		t.Fatal(err)
	}
	if x.Answer != "denied" || len(x.Decisions) != 1 || len(x.Decisions[0].Ingress.Tiers) != 1 {
		t.Fatalf("answer %q, decisions %+v", x.Answer, x.Decisions)
	}
	if len(x.Decisions[0].Egress.Tiers) != 0 {
		t.Errorf("egress has tiers, but no cluster policy selects emojivoto/web for egress")
	}
	r := x.Decisions[0].Ingress.Tiers[0]
	if r.Outcome != "denied" || len(r.Chain) != 1 {
		t.Fatalf("region %+v", r)
	}
	st := r.Chain[0]
	if st.Layer != "Baseline tier" || st.Tier != "Baseline" || st.Kind != "ClusterNetworkPolicy" || st.Name != "lockdown-linkerd" ||
		st.Policy != "clusternetworkpolicy/lockdown-linkerd" || st.Rule == nil || *st.Rule != 1 || st.RuleName != "deny-other-namespaces" || st.Action != "Deny" {
		t.Errorf("step %+v", st)
	}
	if len(x.Decisions[0].Ingress.TierMisses) == 0 {
		t.Errorf("no tier misses: lockdown-linkerd rule 0 (accept own namespace) is the nearest")
	}
}
