package render

import (
	"encoding/json"
	"io"
	"net/url"

	"github.com/podreach/podreach/pkg/lint"
)

// SARIF 2.1.0 (https://docs.oasis-open.org/sarif/sarif/v2.1.0/sarif-v2.1.0.html),
// the format code-scanning UIs (GitHub code scanning, GitLab, VS Code's
// SARIF viewer) read. Only what the schema requires and those UIs show is
// written: the tool and its rules, and per result the rule, level,
// message and location.

const sarifSchema = "https://json.schemastore.org/sarif-2.1.0.json"

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool    sarifTool     `json:"tool"`
	Results []sarifResult `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	InformationURI string      `json:"informationUri"`
	Version        string      `json:"version,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifRule struct {
	ID                   string       `json:"id"`
	ShortDescription     sarifText    `json:"shortDescription"`
	HelpURI              string       `json:"helpUri"`
	DefaultConfiguration sarifDefault `json:"defaultConfiguration"`
}

type sarifDefault struct {
	Level string `json:"level"`
}

type sarifResult struct {
	RuleID    string          `json:"ruleId"`
	RuleIndex int             `json:"ruleIndex"`
	Level     string          `json:"level"`
	Message   sarifText       `json:"message"`
	Locations []sarifLocation `json:"locations,omitempty"`
}

type sarifLocation struct {
	Physical *sarifPhysical `json:"physicalLocation,omitempty"`
	Logical  []sarifLogical `json:"logicalLocations,omitempty"`
}

type sarifPhysical struct {
	Artifact sarifArtifact `json:"artifactLocation"`
	Region   *sarifRegion  `json:"region,omitempty"`
}

type sarifArtifact struct {
	URI string `json:"uri"`
}

type sarifRegion struct {
	StartLine int `json:"startLine"`
}

type sarifLogical struct {
	FullyQualifiedName string `json:"fullyQualifiedName"`
}

// sarifLevel maps a severity to a SARIF level ("error", "warning", "note").
func sarifLevel(s lint.Severity) string {
	switch s {
	case lint.Error:
		return "error"
	case lint.Warning:
		return "warning"
	}
	return "note"
}

// LintSARIF writes the findings as one SARIF 2.1.0 run of tool podreach
// (version: podreach's own, may be empty).
func LintSARIF(w io.Writer, rep *lint.Report, version string) error {
	d := sarifDriver{Name: "podreach", InformationURI: LintDocs, Version: version, Rules: []sarifRule{}}
	index := map[string]int{}
	for _, r := range lint.Rules() {
		index[r.ID] = len(d.Rules)
		d.Rules = append(d.Rules, sarifRule{ID: r.ID, ShortDescription: sarifText{r.Summary}, HelpURI: LintDocs + "#" + r.ID,
			DefaultConfiguration: sarifDefault{sarifLevel(r.Severity)}})
	}
	run := sarifRun{Tool: sarifTool{Driver: d}, Results: []sarifResult{}}
	for _, f := range rep.Findings {
		res := sarifResult{RuleID: f.Rule, RuleIndex: index[f.Rule], Level: sarifLevel(f.Severity),
			Message: sarifText{f.Message + " Fix: " + f.Hint}}
		loc := sarifLocation{Logical: []sarifLogical{{FullyQualifiedName: sarifName(f)}}}
		if f.Source.File != "" && f.Source.File != "-" {
			loc.Physical = &sarifPhysical{Artifact: sarifArtifact{URI: (&url.URL{Path: f.Source.File}).String()}}
			if f.Source.Line > 0 {
				loc.Physical.Region = &sarifRegion{StartLine: f.Source.Line}
			}
		}
		res.Locations = []sarifLocation{loc}
		run.Results = append(run.Results, res)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(sarifLog{Schema: sarifSchema, Version: "2.1.0", Runs: []sarifRun{run}})
}

// sarifName is "NetworkPolicy ns/name spec.ingress[0]".
func sarifName(f lint.Finding) string {
	if f.Field == "" {
		return f.Object
	}
	return f.Object + " " + f.Field
}
