package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/podreach/podreach/internal/golden"
)

const appRepo = "../../examples/app-repo/"

// TestLintGolden: lint's text and JSON on the shipped application
// repository (a DNS error and a mesh warning).
func TestLintGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"lint-app-repo", []string{"lint", "-f", appRepo}},
		{"lint-app-repo-json", []string{"lint", "-f", appRepo, "-o", "json"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != ExitNo {
				t.Fatalf("exit code %d, want %d; stderr:\n%s", code, ExitNo, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
}

// TestExposureGolden: exposure's text on the shipped example (the
// unprotected linkerd-viz) and JSON on the application repository.
func TestExposureGolden(t *testing.T) {
	for _, tt := range []struct {
		name string
		args []string
	}{
		{"exposure-text", []string{"exposure", "-f", example}},
		{"exposure-app-repo-json", []string{"exposure", "-f", appRepo, "-o", "json"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			out, errOut, code := run(t, "", tt.args...)
			if code != ExitOK {
				t.Fatalf("exit code %d, want 0; stderr:\n%s", code, errOut)
			}
			golden.Assert(t, tt.name+".golden", []byte(out))
		})
	}
	if _, errOut, code := run(t, "", "exposure", "-f", example, "-o", "csv"); code != ExitInput || !strings.Contains(errOut, "--output") {
		t.Errorf("-o csv: exit %d, stderr %q; want 2 naming --output", code, errOut)
	}
}

func TestLintExitCodes(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"warnings pass by default", []string{"lint", "-f", example}, ExitOK, ""},
		{"--fail-on warning", []string{"lint", "-f", example, "--fail-on", "warning"}, ExitNo, ""},
		{"--disable the only warning", []string{"lint", "-f", example, "--fail-on", "warning", "--disable", "namespace-unisolated"}, ExitOK, ""},
		{"--disable the error", []string{"lint", "-f", appRepo, "--disable", "dns-egress-blocked"}, ExitOK, ""},
		{"unknown rule", []string{"lint", "-f", example, "--disable", "no-such-rule"}, ExitInput, `--disable: unknown lint rule "no-such-rule"`},
		{"bad --fail-on", []string{"lint", "-f", example, "--fail-on", "fatal"}, ExitInput, "--fail-on"},
		{"bad output", []string{"lint", "-f", example, "-o", "xml"}, ExitInput, "--output"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := run(t, "", tt.args...)
			if code != tt.code || !strings.Contains(errOut, tt.stderr) {
				t.Errorf("exit %d, stderr %q; want exit %d, stderr containing %q", code, errOut, tt.code, tt.stderr)
			}
		})
	}
}

// TestLintSARIF checks what the SARIF 2.1.0 schema requires
// (https://json.schemastore.org/sarif-2.1.0.json): version and runs at the
// top; per run tool.driver.name; per result message.text; per rule id; and
// what code-scanning UIs need to place a result: ruleId, level, an
// artifact URI and a start line of at least 1.
func TestLintSARIF(t *testing.T) {
	out, errOut, code := run(t, "", "lint", "-f", appRepo, "-o", "sarif")
	if code != ExitNo {
		t.Fatalf("exit %d; stderr:\n%s", code, errOut)
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name  string `json:"name"`
					Rules []struct {
						ID string `json:"id"`
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct {
					Text string `json:"text"`
				} `json:"message"`
				Locations []struct {
					Physical struct {
						Artifact struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
						Region struct {
							StartLine int `json:"startLine"`
						} `json:"region"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 || log.Runs[0].Tool.Driver.Name != "podreach" {
		t.Fatalf("version %q, %d runs: want 2.1.0, one run of podreach", log.Version, len(log.Runs))
	}
	run := log.Runs[0]
	if len(run.Results) == 0 {
		t.Fatal("no results")
	}
	for _, r := range run.Results {
		if r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s: ruleIndex %d does not name its rule", r.RuleID, r.RuleIndex)
		}
		if r.Message.Text == "" || (r.Level != "error" && r.Level != "warning" && r.Level != "note") || len(r.Locations) != 1 {
			t.Errorf("result %s: message %q, level %q, %d locations", r.RuleID, r.Message.Text, r.Level, len(r.Locations))
			continue
		}
		if p := r.Locations[0].Physical; p.Artifact.URI != "../../examples/app-repo/shop.yaml" || p.Region.StartLine < 1 {
			t.Errorf("result %s: located at %q line %d", r.RuleID, p.Artifact.URI, p.Region.StartLine)
		}
	}
}
